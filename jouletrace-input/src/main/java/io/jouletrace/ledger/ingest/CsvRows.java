package io.jouletrace.ledger.ingest;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * CSV rows one at a time (RFC 4180 quoting), each with the physical line it starts on: shared by the
 * record CSV reader and the telemetry CSV readers.
 */
public final class CsvRows implements Closeable {

  private static final CsvMapper CSV = CsvMapper.builder()
      .enable(CsvParser.Feature.WRAP_AS_ARRAY) // each row as an array of cells, whatever its width
      .enable(CsvParser.Feature.SKIP_EMPTY_LINES)
      .build();

  private final JsonParser parser;
  private long rowLine;

  public CsvRows(InputStream in) throws IOException {
    this.parser = CSV.getFactory().createParser(new InputStreamReader(in, StandardCharsets.UTF_8));
  }

  /** The next row's cells as written (not stripped); {@code null} at the end. */
  public List<String> next() throws IOException {
    JsonToken token = parser.nextToken();
    if (token == JsonToken.START_ARRAY && parser.getParsingContext().getParent().inRoot()) {
      token = parser.nextToken(); // WRAP_AS_ARRAY puts one array around all rows
    }
    if (token != JsonToken.START_ARRAY) return null;
    List<String> cells = new ArrayList<>();
    while (parser.nextToken() == JsonToken.VALUE_STRING) {
      // a row's START_ARRAY carries the previous row's location; its first cell has the right line
      if (cells.isEmpty()) rowLine = parser.currentTokenLocation().getLineNr();
      cells.add(parser.getText());
    }
    return cells;
  }

  /** The line the last row returned starts on. */
  public long rowLine() {
    return rowLine;
  }

  /** The line the parser has reached. */
  public long currentLine() {
    return parser.currentLocation().getLineNr();
  }

  @Override
  public void close() throws IOException {
    parser.close();
  }
}
