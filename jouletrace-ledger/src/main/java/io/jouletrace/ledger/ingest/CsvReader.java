package io.jouletrace.ledger.ingest;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * CSV with a header row naming the contract's fields (RFC 4180 quoting, so cells may hold commas,
 * quotes and line breaks). Origins are physical line numbers, the header being line 1.
 */
public final class CsvReader extends StreamingReader {

  private static final CsvMapper CSV = CsvMapper.builder()
      .enable(CsvParser.Feature.WRAP_AS_ARRAY) // each row as an array of cells, whatever its width
      .enable(CsvParser.Feature.SKIP_EMPTY_LINES)
      .build();
  private static final List<String> REQUIRED_COLUMNS =
      List.of(RecordFields.PROVIDER, RecordFields.MODEL, RecordFields.TIMESTAMP);

  private final JsonParser parser;
  private Map<String, Integer> columns; // null until the header is read
  private int width; // cells per row, as in the header
  private long rowLine;

  /** Reads UTF-8 CSV from {@code in}; {@code name} starts every origin. */
  public CsvReader(InputStream in, String name) throws IOException {
    super(name, "CSV");
    this.parser = CSV.getFactory().createParser(new InputStreamReader(in, StandardCharsets.UTF_8));
  }

  @Override
  Parsed read() throws IOException {
    List<String> row;
    while ((row = nextRow()) != null) {
      if (columns == null) {
        Parsed badHeader = readHeader(row);
        if (badHeader != null) return stop(badHeader);
        continue;
      }
      if (row.size() != width) {
        return new Parsed.Rejected(origin(rowLine), "", "row has " + row.size() + " cells but the header has " + width);
      }
      List<String> cells = row;
      return RecordFields.parse(name -> {
        Integer index = columns.get(name);
        return index == null ? null : TextNode.valueOf(cells.get(index));
      }, origin(rowLine));
    }
    return null;
  }

  /** Indexes the header; a header without the required columns is most likely a missing header. */
  private Parsed readHeader(List<String> header) {
    columns = new HashMap<>();
    width = header.size();
    for (int i = 0; i < width; i++) {
      String column = header.get(i).strip();
      if (column.isEmpty()) continue; // spreadsheets leave unnamed trailing columns
      if (columns.putIfAbsent(column, i) != null) {
        return new Parsed.Rejected(origin(rowLine), "", "header names column \"" + column + "\" twice");
      }
    }
    List<String> missing = REQUIRED_COLUMNS.stream().filter(c -> !columns.containsKey(c)).toList();
    if (missing.isEmpty()) return null;
    return new Parsed.Rejected(origin(rowLine), "",
        "header row lacks " + String.join(", ", missing) + " (the first row must name the columns)");
  }

  /** The next row's cells, noting the physical line it starts on; {@code null} at the end. */
  private List<String> nextRow() throws IOException {
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

  @Override
  long currentLine() {
    return parser.currentLocation().getLineNr();
  }

  @Override
  public void close() throws IOException {
    parser.close();
  }
}
