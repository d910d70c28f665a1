package io.jouletrace.stream;

import io.jouletrace.ledger.LedgerEntry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The team × model × hour aggregates, after the repartition by team|model. Lateness is decided here, against this
 * task's own stream time (the newest event time it has seen from any upstream partition), because that is what closes
 * a window: a record whose hour ended more than the grace period before it is routed to the late topic and counted,
 * never dropped without a trace as a closed Kafka Streams window would drop it.
 */
final class AggregateProcessor implements Processor<String, String, String, String> {

  static final String STORE = "jouletrace-aggregate-windows";
  static final String AGGREGATE = "aggregate:";
  static final String LATE = "late:";
  private static final String STREAM_TIME = "~stream-time";

  private final Duration grace;
  private final LongAdder late;
  private ProcessorContext<String, String> context;
  private KeyValueStore<String, String> windows;

  AggregateProcessor(Duration grace, LongAdder late) {
    this.grace = grace;
    this.late = late;
  }

  @Override
  public void init(ProcessorContext<String, String> context) {
    this.context = context;
    this.windows = context.getStateStore(STORE);
  }

  /** Keys are team|model; values figured records. */
  @Override
  public void process(Record<String, String> message) {
    LedgerEntry entry = Messages.entry(message.value());
    long eventMillis = entry.record().timestamp().toEpochMilli();
    long window = Math.floorDiv(eventMillis, StreamTopology.WINDOW.toMillis()) * StreamTopology.WINDOW.toMillis();
    String stored = windows.get(STREAM_TIME);
    long streamTime = Math.max(stored == null ? Long.MIN_VALUE : Long.parseLong(stored), eventMillis);
    windows.put(STREAM_TIME, Long.toString(streamTime));
    if (closed(window, streamTime)) {
      late.increment();
      context.forward(message.withValue(LATE + message.value()));
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
