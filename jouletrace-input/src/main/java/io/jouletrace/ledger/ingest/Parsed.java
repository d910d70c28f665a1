package io.jouletrace.ledger.ingest;

import io.jouletrace.core.record.InvocationRecord;
import java.util.Objects;

/** What one input entry turned into: a record, a rejection to report, or a span that is no AI call. */
public sealed interface Parsed {

  /** Where the entry came from: {@code file:line}, or {@code file:line#spanN} for OTLP spans. */
  String origin();

  /** A valid record. */
  record Accepted(InvocationRecord record, String origin) implements Parsed {
    public Accepted {
      Objects.requireNonNull(record, "record");
      Objects.requireNonNull(origin, "origin");
    }
  }

  /** An entry that cannot become a record; {@code field} is the contract name at fault, or empty. */
  record Rejected(String origin, String field, String reason) implements Parsed {
    public Rejected {
      Objects.requireNonNull(origin, "origin");
      field = field == null ? "" : field;
      Objects.requireNonNull(reason, "reason");
    }

    /** The report line, e.g. {@code calls.jsonl:12: output_tokens: must be a whole number >= 0, got -3}. */
    public String line() {
      return field.isEmpty() ? origin + ": " + reason : origin + ": " + field + ": " + reason;
    }
  }

  /** An OTLP span that is not a GenAI call: nothing to record, and no error either. */
  record Skipped(String origin, String why) implements Parsed {
    public Skipped {
      Objects.requireNonNull(origin, "origin");
      Objects.requireNonNull(why, "why");
    }
  }
}
