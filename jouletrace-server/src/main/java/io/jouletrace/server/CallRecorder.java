package io.jouletrace.server;

import io.jouletrace.core.record.InvocationRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes the calls the gateway answered and stores them in batches on one thread, so a call's answer never waits for
 * a ledger commit. {@link #close} stores everything still queued. Calls queued when the process dies are lost (they
 * were never acknowledged as records); docs/gateway.md says so.
 */
final class CallRecorder implements AutoCloseable {

  /** A record to append and where it came from (the ingest routes use it too). */
  record Call(InvocationRecord record, String sourceRef) {}

  private static final Logger LOG = LoggerFactory.getLogger(CallRecorder.class);
  private static final int MAX_BATCH = 5_000;
  /** How long a batch may gather after its first call: one commit per interval, not one per call (each costs ~10 ms). */
  private static final long GATHER_MILLIS = 200;
  private static final Call STOP = new Call(null, null);

  private final BlockingQueue<Call> queue = new LinkedBlockingQueue<>();
  private final JouletraceServer server;
  private final Thread worker;

  CallRecorder(JouletraceServer server) {
    this.server = server;
    this.worker = Thread.ofPlatform().name("gateway-recorder").daemon().start(this::drain);
  }

  void record(InvocationRecord record, String sourceRef) {
    queue.add(new Call(record, sourceRef));
  }

  private void drain() {
    List<Call> batch = new ArrayList<>();
    boolean stopping = false;
    while (!stopping) {
      try {
        Call first = queue.poll(1, TimeUnit.SECONDS);
        if (first == null) continue;
        batch.add(first);
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(GATHER_MILLIS);
        while (batch.size() < MAX_BATCH && batch.getLast() != STOP) {
          Call next = queue.poll(until - System.nanoTime(), TimeUnit.NANOSECONDS);
          if (next == null) break;
          batch.add(next);
          queue.drainTo(batch, MAX_BATCH - batch.size());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      stopping = batch.remove(STOP);
      if (batch.isEmpty()) continue;
      try {
        server.storeCalls(batch);
      } catch (RuntimeException e) {
        LOG.error("could not store {} gateway calls", batch.size(), e);
      }
      batch.clear();
    }
  }

  /** Stores what is queued, then stops. */
  @Override
  public void close() {
    queue.add(STOP);
    try {
      worker.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
