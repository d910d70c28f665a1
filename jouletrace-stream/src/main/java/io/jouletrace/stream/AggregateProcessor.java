package io.jouletrace.stream;

import io.jouletrace.ledger.entry.LedgerEntry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;

/**
 * The team × model × hour aggregates, after the repartition by team|model. Lateness is decided here, against this
 * task's own stream time (the newest event time it has seen from any upstream partition), because that is what closes
 * a window: a record whose hour ended more than the grace period before it is routed to the late topic and counted,
 * never dropped without a trace as a closed Kafka Streams window would drop it.
 */
final class AggregateProcessor extends EventTimeProcessor {

  static final String STORE = "jouletrace-aggregate-windows";
  static final String AGGREGATE = "aggregate:";
  static final String LATE = "late:";

  AggregateProcessor(Duration grace, LongAdder late) {
    super(STORE, grace, late);
  }

  /** Keys are team|model; values figured records. */
  @Override
  public void process(Record<String, String> message) {
    LedgerEntry entry = Messages.entry(message.value());
    long eventMillis = entry.record().timestamp().toEpochMilli();
    long window = Math.floorDiv(eventMillis, StreamTopology.WINDOW.toMillis()) * StreamTopology.WINDOW.toMillis();
    long streamTime = advanceStreamTime(eventMillis);
    if (closed(window, streamTime)) {
      routeLate(message, LATE);
      return;
    }
    String key = String.format("%020d|%s", window, message.key());
    String totals = StreamTopology.WindowTotals.add(windows.get(key) == null ? StreamTopology.WindowTotals.EMPTY : windows.get(key), entry);
    windows.put(key, totals);
    String label = message.key() + "|" + Instant.ofEpochMilli(window);
    context.forward(new Record<>(label, AGGREGATE + StreamTopology.WindowTotals.labelled(label, totals), eventMillis));
    forgetClosed(streamTime);
  }

  private boolean closed(long window, long streamTime) {
    return window + StreamTopology.WINDOW.toMillis() + grace.toMillis() <= streamTime;
  }

  /** Drops the totals of windows no record can reach any more (their last update is already out). */
  private void forgetClosed(long streamTime) {
    List<String> done = new ArrayList<>();
    try (KeyValueIterator<String, String> oldest = windows.range("0", "9")) {
      while (oldest.hasNext()) {
        String key = oldest.next().key;
        if (!closed(Long.parseLong(key.substring(0, 20)), streamTime)) break;
        done.add(key);
      }
    }
    done.forEach(windows::delete);
  }
}
