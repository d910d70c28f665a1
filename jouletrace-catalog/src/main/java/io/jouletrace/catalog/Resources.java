package io.jouletrace.catalog;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
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

  /** A bundled CSV file: header and rows, each row checked to have as many fields as the header. */
  static Table readCsv(String path) {
    try (var reader = new BufferedReader(new InputStreamReader(open(path), StandardCharsets.UTF_8))) {
      return Table.parse(path, reader);
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + path, e);
    }
  }

  /**
   * Rows of a header-led CSV file (RFC 4180, read by Jackson's CSV parser: a quoted cell may hold commas, quotes and line
   * breaks; spaces around unquoted cells are dropped; blank lines skipped), with file and line for error messages.
   */
  record Table(String file, List<String> header, List<Row> rows) {
    private static final ObjectReader CSV = CsvMapper.builder()
        .enable(CsvParser.Feature.WRAP_AS_ARRAY, CsvParser.Feature.TRIM_SPACES, CsvParser.Feature.SKIP_EMPTY_LINES).build()
        .readerForListOf(String.class);

    static Table parse(String file, Reader reader) throws IOException {
      try (MappingIterator<List<String>> lines = CSV.readValues(reader)) {
        if (!lines.hasNextValue()) throw new IllegalArgumentException(file + ": empty file");
        List<String> header = List.copyOf(lines.nextValue());
        List<Row> rows = new ArrayList<>();
        while (lines.hasNextValue()) {
          int lineNumber = lines.getParser().currentLocation().getLineNr(); // where the row starts (its first cell is not read yet)
          List<String> fields = lines.nextValue();
          if (fields.size() != header.size()) {
            throw new IllegalArgumentException(file + ":" + lineNumber + ": expected " + header.size() + " fields, found " + fields.size());
          }
          rows.add(new Row(file, lineNumber, header, List.copyOf(fields)));
        }
        return new Table(file, header, List.copyOf(rows));
      } catch (JsonProcessingException e) {
        throw new IllegalArgumentException(file + ":" + e.getLocation().getLineNr() + ": not CSV: " + e.getOriginalMessage(), e);
      }
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
