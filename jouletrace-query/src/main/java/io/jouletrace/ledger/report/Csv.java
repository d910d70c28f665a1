package io.jouletrace.ledger.report;

/** RFC 4180 fields for the CSV that reports and exports write. */
public final class Csv {

  private Csv() {}

  /** Empty for null; quoted (with doubled quotes) when the value holds a comma, quote or line break. */
  public static String field(String value) {
    if (value == null) return "";
    return value.contains(",") || value.contains("\"") || value.contains("\n") || value.contains("\r")
        ? "\"" + value.replace("\"", "\"\"") + "\"" : value;
  }
}
