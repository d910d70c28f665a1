package io.jouletrace.ledger.telemetry;

/** A field that breaks its format's contract; becomes a rejection {@code file:line: field: reason}. */
final class Bad extends Exception {

  final String field;
  final String reason;

  Bad(String field, String reason) {
    super(field + ": " + reason, null, false, false); // control flow, no stack trace needed
    this.field = field == null ? "" : field;
    this.reason = reason;
  }
}
