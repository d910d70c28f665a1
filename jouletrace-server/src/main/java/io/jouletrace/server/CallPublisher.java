package io.jouletrace.server;

import io.jouletrace.core.record.InvocationRecord;
import java.util.List;

/**
 * Where the server also sends the calls it stored (gateway and ingest routes), besides its ledger: {@code serve --kafka}
 * publishes them to the stream topology's invocations topic (docs/scale-out.md). Called after each commit, outside the
 * ledger's lock, with the batch committed (ids the ledger held already included: downstream dedupes by id).
 */
@FunctionalInterface
public interface CallPublisher {

  /** Publishes nothing. */
  CallPublisher NONE = records -> { };

  /** Must not throw: a failure to publish is the publisher's to report, never a failed call. */
  void publish(List<InvocationRecord> stored);
}
