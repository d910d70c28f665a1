package io.jouletrace.stream;

import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * A processor with windows of event time in its own store: it keeps the task's stream time there (so a restarted or
 * moved task resumes it) and routes what comes too late to the late topic, counted: in the runner's count and as the
 * Kafka Streams metric {@code late-records-total} (and {@code -rate}) of group {@code stream-jouletrace-metrics}, tagged
 * {@code jouletrace-id} = the store (which windows), reported by JMX like every Kafka Streams metric.
 */
abstract class EventTimeProcessor implements Processor<String, String, String, String> {

  /** Sorts after the window keys, which start with a zero-padded time. */
  private static final String STREAM_TIME = "~stream-time";
  static final String LATE_METRIC_SCOPE = "jouletrace";
  static final String LATE_METRIC = "late-records";

  private final String storeName;
  final Duration grace;
  private final LongAdder late;
  private Sensor lateSensor;
  ProcessorContext<String, String> context;
  KeyValueStore<String, String> windows;

  EventTimeProcessor(String storeName, Duration grace, LongAdder late) {
    this.storeName = storeName;
    this.grace = grace;
    this.late = late;
  }

  @Override
  public void init(ProcessorContext<String, String> context) {
    this.context = context;
    this.windows = context.getStateStore(storeName);
    this.lateSensor = context.metrics().addRateTotalSensor(LATE_METRIC_SCOPE, storeName, LATE_METRIC, Sensor.RecordingLevel.INFO);
  }

  /** The newest event time this task has seen; {@link Long#MIN_VALUE} before any. */
  long streamTime() {
    String stored = windows.get(STREAM_TIME);
    return stored == null ? Long.MIN_VALUE : Long.parseLong(stored);
  }

  /** Moves stream time on to {@code eventMillis} if that is newer; the stream time after. */
  long advanceStreamTime(long eventMillis) {
    long streamTime = streamTime();
    if (eventMillis <= streamTime) return streamTime;
    windows.put(STREAM_TIME, Long.toString(eventMillis));
    return eventMillis;
  }

  /** Forwards {@code message} marked with {@code prefix} for the late topic and counts it. */
  void routeLate(Record<String, String> message, String prefix) {
    late.increment();
    lateSensor.record();
    context.forward(message.withValue(prefix + message.value()));
  }
}
