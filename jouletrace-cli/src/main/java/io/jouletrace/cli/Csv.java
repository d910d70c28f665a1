package io.jouletrace.cli;

/** RFC 4180 fields for the CSV the CLI prints: the quoting the ledger's exports use. */
final class Csv {

  private Csv() {}

  /** Empty for null; quoted (with doubled quotes) when the value holds a comma, quote or line break. */
  static String field(String value) {
    return io.jouletrace.ledger.report.Csv.field(value);
  }
}
