package io.jouletrace.server;

import io.jouletrace.core.record.InvocationRecord;
import io.jouletrace.ledger.RecordQueue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes the calls the gateway answered and stores them in batches on one thread, so a call's answer never waits for
 * a ledger commit. A batch the ledger refuses (a database gone for a while) is kept and tried again, with growing
 * pauses, until it is stored; retrying is safe because the ledger skips ids it holds. {@link #close} stores
 * everything still queued, trying a failing batch {@value #ATTEMPTS_WHEN_STOPPING} times. Calls queued when the
 * process dies are lost (they were never acknowledged as records); docs/gateway.md says so.
 *
 * <p>The calls waiting (queued or in the batch being stored) are bounded: the gateway asks {@link #hasRoom} before it
 * sends a call upstream, and refuses it or passes it unrecorded when there is none (docs/server.md). A call admitted
 * while there was room is always queued, so the bound is its capacity plus the calls in flight when it filled.
 */
final class CallRecorder implements AutoCloseable, RecordQueue {

  /** A record to append and where it came from (the ingest routes use it too). */
  record Call(InvocationRecord record, String sourceRef) {}

  private static final Logger LOG = LoggerFactory.getLogger(CallRecorder.class);
  private static final int MAX_BATCH = 5_000;
  /** How long a batch may gather after its first call: one commit per interval, not one per call (each costs ~10 ms). */
  private static final long GATHER_MILLIS = 200;
  private static final Call STOP = new Call(null, null);
  private static final int ATTEMPTS_WHEN_STOPPING = 3;

  /** Stores one batch durably, or throws. */
  interface Ledger {
    void store(List<Call> batch);
  }

  private final BlockingQueue<Call> queue = new LinkedBlockingQueue<>();
  private final AtomicInteger waiting = new AtomicInteger();
  private final int capacity;
  private final Ledger ledger;
  private final Duration firstPause;
  private final Duration longestPause;
  private final Thread worker;
  private volatile boolean closing;

  /**
   * Pauses between tries of a refused batch start at {@code firstPause} and double up to {@code longestPause}; at most
   * {@code capacity} calls wait to be stored.
   */
  CallRecorder(Ledger ledger, int capacity, Duration firstPause, Duration longestPause) {
    if (capacity < 1) throw new IllegalArgumentException("the recording queue needs room for at least one call, got " + capacity);
    this.capacity = capacity;
    this.ledger = ledger;
    this.firstPause = firstPause;
    this.longestPause = longestPause;
    this.worker = Thread.ofPlatform().name("gateway-recorder").daemon().start(this::drain);
  }

  @Override
  public void record(InvocationRecord record, String sourceRef) {
    waiting.incrementAndGet();
    queue.add(new Call(record, sourceRef));
  }

  @Override
  public boolean hasRoom() {
    return waiting.get() < capacity;
  }

  /** Calls waiting to be stored: queued, or in the batch being stored (or retried). */
  int depth() {
    return waiting.get();
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
      boolean goOn = storeRetrying(batch);
      waiting.addAndGet(-batch.size());
      if (!goOn) return;
      batch.clear();
    }
  }

  /** Stores the batch, trying again after each refusal; false when interrupted. Once closing, it gives up after a few tries. */
  private boolean storeRetrying(List<Call> batch) {
    Duration pause = firstPause;
    for (int attempt = 1, triesSinceClosing = 0; ; attempt++) {
      try {
        ledger.store(batch);
        return true;
      } catch (RuntimeException e) {
        if (closing && ++triesSinceClosing == ATTEMPTS_WHEN_STOPPING) {
          LOG.error("stopping: {} gateway calls could not be stored after {} tries and are lost", batch.size(), attempt, e);
          return true;
        }
        LOG.error("could not store {} gateway calls (try {}); trying again in {} ms", batch.size(), attempt, pause.toMillis(), e);
      }
      try {
        Thread.sleep(closing ? firstPause : pause);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
      Duration doubled = pause.multipliedBy(2);
      pause = doubled.compareTo(longestPause) > 0 ? longestPause : doubled;
    }
  }

  /** Stores what is queued, then stops. */
  @Override
  public void close() {
    finishQueue();
    try {
      worker.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Stores what is queued within {@code grace}, then stops (a graceful {@code serve} stop). Returns how many calls were
   * still waiting to be stored when the grace ran out (0 when all were stored): those are logged and lost.
   */
  int close(Duration grace) {
    finishQueue();
    try {
      if (worker.join(grace)) return 0;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    int notStored = waiting.get();
    LOG.error("stopping: the shutdown grace of {} ms ran out with {} gateway calls not stored; they are lost", grace.toMillis(), notStored);
    worker.interrupt();
    return notStored;
  }

  /** Lets the worker store what is queued and then end. */
  private void finishQueue() {
    closing = true;
    queue.add(STOP);
  }
}
