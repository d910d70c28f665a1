package io.jouletrace.stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jouletrace.core.attribution.Attribution;
import io.jouletrace.core.attribution.AttributionOptions;
import io.jouletrace.core.attribution.Attributor;
import io.jouletrace.core.attribution.MeterSample;
import io.jouletrace.core.attribution.RunSpan;
import io.jouletrace.ledger.telemetry.SpanReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Measured attribution in event time (docs/scale-out.md). Meter samples and spans of the resources a partition holds
 * (key them by node, so a span's GPUs and their meters meet in one partition) are kept per window of event time; when
 * stream time passes a window's end plus the overlap and the grace period, the core's {@link Attributor} — the code
 * {@code jouletrace attribute} runs — splits that window's metered energy among the spans that started in it, and each
 * span's measured energy goes out. A span is charged with the samples of its own event time, however late it arrives
 * within the grace period; anything older is routed to the late topic, counted, never silently dropped.
 *
 * <p>Each window also takes the samples of the first {@link #OVERLAP} after its end, so spans that run past it are
 * still covered; a span longer than that past its window's end has its uncovered part filled (tier {@code modelled}).
 */
final class MeasuredProcessor implements Processor<String, String, String, String> {

  static final String STORE = "jouletrace-measured-windows";
  static final String MEASURED = "measured:";
  static final String LATE = "measured-late:";
  static final String REJECTED = "measured-rejected:";
  static final Duration WINDOW = Duration.ofMinutes(10);
  static final Duration OVERLAP = Duration.ofMinutes(2);
  private static final String STREAM_TIME = "~stream-time";

  private final Duration grace;
  private ProcessorContext<String, String> context;
  private KeyValueStore<String, String> windows;

  MeasuredProcessor(Duration grace) {
    this.grace = grace;
  }

  @Override
  public void init(ProcessorContext<String, String> context) {
    this.context = context;
    this.windows = context.getStateStore(STORE);
  }

  /** Values are {@code sample:{json}} or {@code span:{span JSONL}}. */
  @Override
  public void process(Record<String, String> message) {
    boolean sample = message.value().startsWith("sample:");
    String body = message.value().substring(message.value().indexOf(':') + 1);
    long eventMillis;
    try {
      eventMillis = sample ? sample(body).time().toEpochMilli() : span(body).start().toEpochMilli();
    } catch (RuntimeException e) {
      ObjectNode error = Messages.JSON.createObjectNode().put("reason", String.valueOf(e.getMessage())).put("message", message.value());
      context.forward(message.withValue(REJECTED + error));
      return;
    }
    String stored = windows.get(STREAM_TIME);
    long streamTime = stored == null ? Long.MIN_VALUE : Long.parseLong(stored);
    if (streamTime != Long.MIN_VALUE && eventMillis < streamTime - grace.toMillis()) {
      context.forward(message.withValue(LATE + message.value()));
      return;
    }
    RecordMetadata where = context.recordMetadata().orElseThrow();
    String unique = where.partition() + "-" + where.offset();
    long window = Math.floorDiv(eventMillis, WINDOW.toMillis()) * WINDOW.toMillis();
    windows.put(key(window, unique), message.value());
    if (sample && eventMillis - window < OVERLAP.toMillis()) windows.put(key(window - WINDOW.toMillis(), unique), message.value());
    if (eventMillis > streamTime) {
      streamTime = eventMillis;
      windows.put(STREAM_TIME, Long.toString(streamTime));
    }
    closeWindows(streamTime);
  }

  private static String key(long window, String unique) {
    return String.format("%020d/%s", window, unique);
  }

  private void closeWindows(long streamTime) {
    TreeSet<Long> closable = new TreeSet<>();
    try (KeyValueIterator<String, String> all = windows.range("0", "9")) {
      all.forEachRemaining(e -> {
        long window = Long.parseLong(e.key.substring(0, 20));
        if (window + WINDOW.toMillis() + OVERLAP.toMillis() + grace.toMillis() <= streamTime) closable.add(window);
      });
    }
    for (long window : closable) attribute(window);
  }

  private void attribute(long window) {
    List<MeterSample> samples = new ArrayList<>();
    List<RunSpan> spans = new ArrayList<>();
    List<String> keys = new ArrayList<>();
    String from = String.format("%020d/", window);
    try (KeyValueIterator<String, String> entries = windows.range(from, from + "\uffff")) {
      entries.forEachRemaining((KeyValue<String, String> e) -> {
        keys.add(e.key);
        String body = e.value.substring(e.value.indexOf(':') + 1);
        if (e.value.startsWith("sample:")) samples.add(sample(body));
        else spans.add(span(body));
      });
    }
    if (!spans.isEmpty()) {
      Attribution result = Attributor.attribute(samples, spans, AttributionOptions.defaults());
      for (Attribution.SpanEnergy s : result.spans()) {
        ObjectNode out = Messages.JSON.createObjectNode().put("id", s.id()).put("energy_j", s.energyJ())
            .put("tier", s.tier() == null ? null : s.tier().code()).put("measured_fraction", s.measuredFraction()).put("idle_j", s.idleJ())
            .put("window_start", Instant.ofEpochMilli(window).toString());
        context.forward(new Record<>(s.id(), MEASURED + out, window));
      }
    }
    keys.forEach(windows::delete);
  }

  /** {@code {"resource", "time", "kind": "power"|"energy", "value"}} (W or J; a null value is a missing reading). */
  static MeterSample sample(String json) {
    try {
      JsonNode node = Messages.JSON.readTree(json);
      MeterSample.Kind kind = MeterSample.Kind.valueOf(node.get("kind").asText().toUpperCase(java.util.Locale.ROOT));
      Instant time = Instant.parse(node.get("time").asText());
      return node.get("value").isNull() ? MeterSample.missing(node.get("resource").asText(), time, kind)
          : new MeterSample(node.get("resource").asText(), time, kind, node.get("value").asDouble());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static RunSpan span(String line) {
    try {
      var read = SpanReader.open(new ByteArrayInputStream(line.getBytes(StandardCharsets.UTF_8)), "span").readAll();
      if (read.values().size() != 1) throw new IllegalArgumentException("not a span: " + String.join("; ", read.rejectedLines()));
      return read.values().getFirst();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
