package io.jouletrace.ledger.ingest;

import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * CSV with a header row naming the contract's fields (RFC 4180 quoting, so cells may hold commas,
 * quotes and line breaks). Origins are physical line numbers, the header being line 1.
 */
public final class CsvReader extends StreamingReader {

  private static final List<String> REQUIRED_COLUMNS =
      List.of(RecordFields.PROVIDER, RecordFields.MODEL, RecordFields.TIMESTAMP);

  private final CsvRows rows;
  private Map<String, Integer> columns; // null until the header is read
  private int width; // cells per row, as in the header

  /** Reads UTF-8 CSV from {@code in}; {@code name} starts every origin. */
  public CsvReader(InputStream in, String name) throws IOException {
    super(name, "CSV");
    this.rows = new CsvRows(in);
  }

  @Override
  Parsed read() throws IOException {
    List<String> row;
    while ((row = rows.next()) != null) {
      if (columns == null) {
        Parsed badHeader = readHeader(row);
        if (badHeader != null) return stop(badHeader);
        continue;
      }
      if (row.size() != width) {
        return new Parsed.Rejected(origin(rows.rowLine()), "", "row has " + row.size() + " cells but the header has " + width);
      }
      List<String> cells = row;
      return RecordFields.parse(name -> {
        Integer index = columns.get(name);
        return index == null ? null : TextNode.valueOf(cells.get(index));
      }, origin(rows.rowLine()));
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
        return new Parsed.Rejected(origin(rows.rowLine()), "", "header names column \"" + column + "\" twice");
      }
    }
    List<String> missing = REQUIRED_COLUMNS.stream().filter(c -> !columns.containsKey(c)).toList();
    if (missing.isEmpty()) return null;
    return new Parsed.Rejected(origin(rows.rowLine()), "",
        "header row lacks " + String.join(", ", missing) + " (the first row must name the columns)");
  }

  @Override
  long currentLine() {
    return rows.currentLine();
  }

  @Override
  public void close() throws IOException {
    rows.close();
  }
}
