package io.jouletrace.ledger;

import io.jouletrace.core.record.InvocationRecord;

/**
 * Where calls answered live (the gateway's) go to be recorded: they are appended to the ledger later, in batches, so a
 * call's answer never waits for a commit. The port the gateway depends on; the server's queue implements it.
 */
public interface RecordQueue {

  /** Takes {@code record}, seen at {@code sourceRef}, to be appended. */
  void record(InvocationRecord record, String sourceRef);

  /** Whether a call sent now will find room to be recorded. */
  boolean hasRoom();
}
