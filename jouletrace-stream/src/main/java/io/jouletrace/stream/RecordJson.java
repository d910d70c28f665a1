package io.jouletrace.stream;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jouletrace.core.record.InvocationRecord;

/** A record in the ledger's input JSON shape, as the invocations topic and {@code POST /api/invocations} take it. */
public final class RecordJson {

  private RecordJson() {}

  /** Lossless: parsing it back gives the same record (and so the same id and hash). */
  public static ObjectNode of(InvocationRecord record) {
    return Messages.record(record);
  }
}
