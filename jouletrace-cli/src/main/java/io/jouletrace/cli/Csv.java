package io.jouletrace.cli;

/** RFC 4180 fields for the CSV the CLI prints. */
final class Csv {

  private Csv() {}

  /** Empty for null; quoted (with doubled quotes) when the value holds a comma, quote or line break. */
  static String field(String value) {
    if (value == null) return "";
    return value.contains(",") || value.contains("\"") || value.contains("\n") || value.contains("\r")
        ? "\"" + value.replace("\"", "\"\"") + "\"" : value;
  }
}
