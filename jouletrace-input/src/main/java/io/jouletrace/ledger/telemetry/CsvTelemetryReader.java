package io.jouletrace.ledger.telemetry;

import io.jouletrace.ledger.ingest.CsvRows;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A CSV input with a header row: the header is read once, each later row is checked for width and
 * handed to {@link #row}. A row equal to the header (concatenated logs repeat it) is skipped.
 */
abstract class CsvTelemetryReader<T> extends TelemetryReader<T> {

  private final CsvRows rows;
  private final List<String> givenHeader;
  private List<String> header;

  /** @param header the column names when the input has no header row, else {@code null} */
  CsvTelemetryReader(InputStream in, String name, String format, List<String> header) throws IOException {
    super(name, format);
    this.rows = new CsvRows(in);
    this.givenHeader = header == null ? null : List.copyOf(header);
  }

  @Override
  final boolean advance() throws IOException {
    if (header == null && givenHeader != null) {
      String problem = header(givenHeader);
      if (problem != null) {
        reject(1, "", "the given column list " + givenHeader + " cannot be used: " + problem);
        return false;
      }
      header = givenHeader;
    }
    List<String> row = rows.next();
    if (row == null) return false;
    long line = rows.rowLine();
    if (header == null) {
      String problem = header(row);
      if (problem != null) {
        reject(line, "", problem);
        return false; // without the columns no row can be read
      }
      header = row;
      return true;
    }
    if (row.equals(header)) return true;
    row = widened(row, header);
    if (row.size() != header.size()) {
      reject(line, "", "row has " + row.size() + " cells but the header has " + header.size());
      return true;
    }
    try {
      row(row, line);
    } catch (Bad bad) {
      reject(line, bad);
    }
    return true;
  }

  /**
   * A data row as the header's width, where the format knows how its writer shortens rows; this default leaves it
   * as it is (a row of another width is rejected).
   */
  List<String> widened(List<String> row, List<String> header) {
    return row;
  }

  /** Takes the header row; returns why it cannot be read, or {@code null}. */
  abstract String header(List<String> cells);

  /** Reads one data row of the header's width; {@link #emit} what it gives. */
  abstract void row(List<String> cells, long line) throws Bad;

  @Override
  final long currentLine() {
    return rows.currentLine();
  }

  @Override
  public final void close() throws IOException {
    rows.close();
  }

  /**
   * Column name (stripped, as {@code normalise} makes it) → index; a name given twice is an error.
   *
   * @throws Bad with the duplicate name
   */
  static Map<String, Integer> index(List<String> cells, java.util.function.UnaryOperator<String> normalise) throws Bad {
    Map<String, Integer> columns = new HashMap<>();
    for (int i = 0; i < cells.size(); i++) {
      String column = normalise.apply(cells.get(i).strip());
      if (column.isEmpty()) continue; // spreadsheets leave unnamed trailing columns
      if (columns.putIfAbsent(column, i) != null) throw new Bad("", "header names column \"" + column + "\" twice");
    }
    return columns;
  }

  /** Why a header lacking some of {@code required} cannot be read, or {@code null}. */
  static String lacking(Map<String, Integer> columns, List<String> required, String example) {
    List<String> missing = required.stream().filter(c -> !columns.containsKey(c)).toList();
    if (missing.isEmpty()) return null;
    return "header row lacks " + String.join(", ", missing) + " (the first row must name the columns, like " + example + ")";
  }

  /** The stripped cell of {@code column}, or {@code null} when the header has no such column. */
  static String cell(List<String> cells, Integer column) {
    return column == null ? null : cells.get(column).strip();
  }
}
