package io.jouletrace.catalog;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Reads the vendored data files that ship inside this module's jar. */
final class Resources {

  private Resources() {}

  static InputStream open(String path) {
    InputStream in = Resources.class.getResourceAsStream(path);
    if (in == null) throw new IllegalStateException("bundled data file " + path + " is missing from the class path");
    return in;
  }

  /**
   * A simple comma-separated file without quoting (EcoLogits' and AI Energy Score's files have
   * none): header and rows, each row checked to have as many fields as the header.
   */
  static Table readSimpleCsv(String path) {
    try (var reader = new BufferedReader(new InputStreamReader(open(path), StandardCharsets.UTF_8))) {
      return Table.parse(path, reader);
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + path, e);
    }
  }

  /** Rows of a header-led CSV file, with file and line for error messages. */
  record Table(String file, List<String> header, List<Row> rows) {
    static Table parse(String file, BufferedReader reader) throws IOException {
      String headerLine = reader.readLine();
      if (headerLine == null) throw new IllegalArgumentException(file + ": empty file");
      List<String> header = List.of(headerLine.strip().split(",", -1));
      List<Row> rows = new ArrayList<>();
      int lineNumber = 1;
      for (String line; (line = reader.readLine()) != null; ) {
        lineNumber++;
        if (line.isBlank()) continue;
        String[] fields = line.strip().split(",", -1);
        if (fields.length != header.size()) {
          throw new IllegalArgumentException(file + ":" + lineNumber + ": expected " + header.size() + " fields, found " + fields.length);
        }
        rows.add(new Row(file, lineNumber, header, List.of(fields)));
      }
      return new Table(file, header, List.copyOf(rows));
    }
  }

  /** One data row. */
  record Row(String file, int line, List<String> header, List<String> fields) {
    String get(String column) {
      int index = header.indexOf(column);
      if (index < 0) throw new IllegalArgumentException(file + ": no column `" + column + "`");
      return fields.get(index);
    }

    double number(String column) {
      String text = get(column);
      try {
        return Double.parseDouble(text);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(file + ":" + line + ": field '" + column + "': not a number: `" + text + "`");
      }
    }

    boolean has(String column) {
      return header.contains(column);
    }
  }
}
