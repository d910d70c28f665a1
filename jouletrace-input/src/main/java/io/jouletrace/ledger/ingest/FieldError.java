package io.jouletrace.ledger.ingest;

/** A field that breaks the record contract; becomes a {@link Parsed.Rejected}. */
final class FieldError extends Exception {

  final String field;
  final String reason;

  FieldError(String field, String reason) {
    super(field + ": " + reason, null, false, false); // control flow, no stack trace needed
    this.field = field;
    this.reason = reason;
  }
}
