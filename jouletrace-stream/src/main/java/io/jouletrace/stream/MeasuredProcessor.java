package io.jouletrace.stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jouletrace.core.attribution.Attribution;
import io.jouletrace.core.attribution.AttributionOptions;
import io.jouletrace.core.attribution.Attributor;
import io.jouletrace.core.attribution.MeterSample;
import io.jouletrace.core.attribution.RunSpan;
import io.jouletrace.core.figure.Tier;
import io.jouletrace.ledger.telemetry.SpanReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;

/**
 * Measured attribution in event time (docs/scale-out.md). Meter samples and spans of the resources a partition holds
 * (key them by node, so a span's GPUs and their meters meet in one partition) are kept per window of event time; when
 * stream time passes a window's end plus {@link #HORIZON} and the grace period, the core's {@link Attributor} — the
 * code {@code jouletrace attribute} runs — splits that window's metered energy among the spans active in it.
 *
 * <p>Each metered joule is attributed in exactly one window: a window holds only the samples of its own time, and
 * the meter interval that straddles its end is split there by a boundary sample interpolated between its two readings
 * (exact, since the core takes power as constant within an interval; that boundary sample also opens the next window).
 * A span running past a window's end is attributed whole (its weights unchanged) in every window it touches, and only
 * the energy metered in each is kept; when the window it ends in closes, its figure goes out. Window totals go out too,
 * so {@code metered_j = attributed_j + idle_j + unattributed_j} can be checked per window. A span is charged with the
 * samples of its own event time, however late it arrives within the grace period; anything older is routed to the
 * late topic, counted, never silently dropped.
 */
final class MeasuredProcessor extends EventTimeProcessor {

  static final String STORE = "jouletrace-measured-windows";
  static final String MEASURED = "measured:";
  static final String LATE = "measured-late:";
  static final String REJECTED = "measured-rejected:";
  static final String SAMPLE = "sample:";
  static final String SPAN = "span:";
  static final Duration WINDOW = Duration.ofMinutes(10);
  /** How long past its end a window waits for each meter's next reading, to split the interval across its end. */
  static final Duration HORIZON = Duration.ofMinutes(2);
  /** Running sums of a span that runs over several windows, until the window it ends in closes. */
  private static final String SPAN_SUMS = "~span/";
  private static final AttributionOptions OPTIONS = AttributionOptions.defaults();

  MeasuredProcessor(Duration grace, LongAdder late) {
    super(STORE, grace, late);
  }

  /** Values are {@code sample:{json}} or {@code span:{span JSONL}}. */
  @Override
  public void process(Record<String, String> message) {
    RecordMetadata where = context.recordMetadata().orElseThrow();
    boolean isSample = message.value().startsWith(SAMPLE);
    String body = message.value().substring(message.value().indexOf(':') + 1);
    long eventMillis;
    String spanId = null;
    try {
      if (isSample) {
        eventMillis = sample(body).time().toEpochMilli();
      } else {
        RunSpan span = span(body);
        eventMillis = span.start().toEpochMilli();
        spanId = span.id();
      }
    } catch (RuntimeException e) {
      ObjectNode error = Messages.JSON.createObjectNode().put("at", where.topic() + "/" + where.partition() + "@" + where.offset())
          .put("reason", String.valueOf(e.getMessage())).put("message", body);
      context.forward(message.withValue(REJECTED + error));
      return;
    }
    long streamTime = streamTime();
    if (streamTime != Long.MIN_VALUE && eventMillis < streamTime - grace.toMillis()) {
      routeLate(message, LATE);
      return;
    }
    // Samples of both topics are told apart by topic and offset; a span by its id (a span sent twice is kept once).
    String entry = isSample ? "m/" + where.topic() + "/" + where.partition() + "@" + where.offset() : "s/" + spanId;
    windows.put(key(windowOf(eventMillis), entry), message.value());
    closeWindows(advanceStreamTime(eventMillis));
  }

  private static long windowOf(long millis) {
    return Math.floorDiv(millis, WINDOW.toMillis()) * WINDOW.toMillis();
  }

  private static String key(long window, String entry) {
    return String.format("%020d/%s", window, entry);
  }

  /** Closes windows oldest first; closing one may carry spans and a boundary sample into the next. */
  private void closeWindows(long streamTime) {
    while (true) {
      Long oldest = null;
      try (KeyValueIterator<String, String> first = windows.range("0", "9")) {
        if (first.hasNext()) oldest = Long.parseLong(first.next().key.substring(0, 20));
      }
      if (oldest == null || oldest + WINDOW.toMillis() + HORIZON.toMillis() + grace.toMillis() > streamTime) return;
      attribute(oldest);
    }
  }

  private void attribute(long window) {
    long end = window + WINDOW.toMillis();
    List<MeterSample> samples = new ArrayList<>();
    List<RunSpan> spans = new ArrayList<>();
    List<String> keys = new ArrayList<>();
    for (Map.Entry<String, String> e : entries(window)) {
      keys.add(e.getKey());
      String body = e.getValue().substring(e.getValue().indexOf(':') + 1);
      if (e.getValue().startsWith(SAMPLE)) samples.add(sample(body));
      else spans.add(span(body));
    }
    splitAtEnd(samples, end);
    Attribution result = Attributor.attribute(samples, spans, OPTIONS);
    Map<String, RunSpan> byId = new HashMap<>();
    spans.forEach(s -> byId.put(s.id(), s));
    for (Attribution.SpanEnergy energy : result.spans()) {
      RunSpan span = byId.get(energy.id());
      if (span.end().toEpochMilli() > end) {
        windows.put(key(end, "s/" + span.id()), SPAN + SpanReader.line(span));
        windows.put(SPAN_SUMS + span.id(), add(windows.get(SPAN_SUMS + span.id()), energy).toString());
      } else {
        publish(span.id(), window, energy);
      }
    }
    Attribution.Totals t = result.totals();
    ObjectNode totals = Messages.JSON.createObjectNode().put("kind", "window").put("window_start", Instant.ofEpochMilli(window).toString())
        .put("metered_j", t.meteredJ()).put("attributed_j", t.attributedJ()).put("idle_j", t.idleJ()).put("unattributed_j", t.unattributedJ());
    context.forward(new Record<>("window|" + Instant.ofEpochMilli(window), MEASURED + totals, window));
    publishRun(window, samples, spans);
    keys.forEach(windows::delete);
  }

  /**
   * The window's attribution inputs, for the sink to store as an attribution run the ledger's {@code verify}
   * recomputes: its samples (boundary readings included), every span active in it, and the spans it measures — those
   * within the window that can be ledger records (a model and output tokens). A span that runs on into another window
   * only shares this window's energy here: its figure, summed over windows, is on this topic alone.
   */
  private void publishRun(long window, List<MeterSample> samples, List<RunSpan> spans) {
    long end = window + WINDOW.toMillis();
    List<String> measured = spans.stream().filter(s -> s.start().toEpochMilli() >= window && s.end().toEpochMilli() <= end
        && s.model() != null && s.outputTokens() != null).map(RunSpan::id).toList();
    if (measured.isEmpty()) return;
    ObjectNode run = Messages.JSON.createObjectNode().put("kind", "run").put("window_start", Instant.ofEpochMilli(window).toString());
    ArrayNode sampleArray = run.putArray("samples");
    samples.forEach(sample -> sampleArray.add(json(sample)));
    ArrayNode spanArray = run.putArray("spans");
    spans.forEach(span -> spanArray.add(SpanReader.line(span)));
    measured.forEach(run.putArray("measured")::add);
    int partition = context.recordMetadata().map(RecordMetadata::partition).orElse(-1);
    context.forward(new Record<>("run|" + partition + "|" + Instant.ofEpochMilli(window), MEASURED + run, window));
  }

  /** A run message's samples and spans, as {@link #publishRun} wrote them. */
  static List<MeterSample> runSamples(JsonNode run) {
    List<MeterSample> samples = new ArrayList<>();
    Messages.field(run, "samples").forEach(node -> samples.add(sample(node)));
    return samples;
  }

  static List<RunSpan> runSpans(JsonNode run) {
    List<RunSpan> spans = new ArrayList<>();
    Messages.field(run, "spans").forEach(line -> spans.add(span(line.asText())));
    return spans;
  }

  private List<Map.Entry<String, String>> entries(long window) {
    List<Map.Entry<String, String>> out = new ArrayList<>();
    String from = String.format("%020d/", window);
    try (KeyValueIterator<String, String> entries = windows.range(from, from + "\uffff")) {
      entries.forEachRemaining(e -> out.add(Map.entry(e.key, e.value)));
    }
    return out;
  }

  /**
   * Adds to {@code samples} each meter's reading at {@code end}, interpolated between its last reading before and its
   * first after (within {@link #HORIZON}), and stores it as the next window's first reading. Without both readings,
   * or with a missing one, the straddling interval stays unknown in both windows (never counted twice).
   */
  private void splitAtEnd(List<MeterSample> samples, long end) {
    Map<String, MeterSample> lastBefore = new HashMap<>();
    for (MeterSample s : samples) lastBefore.merge(s.resource() + "/" + s.kind(), s, (a, b) -> b.time().isAfter(a.time()) ? b : a);
    Map<String, MeterSample> firstAfter = new HashMap<>();
    for (Map.Entry<String, String> e : entries(end)) {
      if (!e.getValue().startsWith(SAMPLE)) continue;
      MeterSample s = sample(e.getValue().substring(SAMPLE.length()));
      if (s.time().toEpochMilli() < end + HORIZON.toMillis()) {
        firstAfter.merge(s.resource() + "/" + s.kind(), s, (a, b) -> b.time().isBefore(a.time()) ? b : a);
      }
    }
    firstAfter.forEach((meter, after) -> {
      MeterSample before = lastBefore.get(meter);
      if (after.time().toEpochMilli() == end) {
        samples.add(after);
      } else if (before != null && !before.isMissing() && !after.isMissing()) {
        double share = (double) Duration.between(before.time(), Instant.ofEpochMilli(end)).toNanos()
            / Duration.between(before.time(), after.time()).toNanos();
        MeterSample boundary = new MeterSample(before.resource(), Instant.ofEpochMilli(end), before.kind(),
            before.value() + (after.value() - before.value()) * share);
        samples.add(boundary);
        windows.put(key(end, "b/" + meter), SAMPLE + json(boundary).toString());
      }
    });
  }

  /** A span's sums over the windows so far: metered energy, idle share, covered fraction, and whether a reset fell in it. */
  private static ObjectNode add(String sums, Attribution.SpanEnergy energy) {
    JsonNode previous = sums == null ? Messages.JSON.createObjectNode() : Messages.json(sums);
    return Messages.JSON.createObjectNode().put("measured_j", previous.path("measured_j").asDouble() + energy.measuredJ())
        .put("idle_j", previous.path("idle_j").asDouble() + energy.idleJ())
        .put("measured_fraction", previous.path("measured_fraction").asDouble() + energy.measuredFraction())
        .put("reset", previous.path("reset").asBoolean() || energy.notes().contains("reset"));
  }

  /**
   * The span's figure, in the window it ends in. A span within one window gets the core's figure as it is. One that
   * ran over several gets the energy metered in each, its gap (if any) filled by extrapolating its covered average
   * power over weighted time, tier {@code measured} on the core's terms (at most {@code maxGapFraction} uncovered, no
   * reset), and null energy when no meter covered any of it.
   */
  private void publish(String id, long window, Attribution.SpanEnergy last) {
    String sums = windows.get(SPAN_SUMS + id);
    Double energyJ = last.energyJ();
    Tier tier = last.tier();
    double fraction = last.measuredFraction();
    double idleJ = last.idleJ();
    if (sums != null && !last.notes().contains("no_weighted_time")) {
      JsonNode total = add(sums, last);
      double measuredJ = total.get("measured_j").asDouble();
      fraction = Math.min(1, total.get("measured_fraction").asDouble());
      idleJ = total.get("idle_j").asDouble();
      energyJ = fraction == 0 ? null : measuredJ / fraction;
      tier = fraction == 0 ? null
          : 1 - fraction <= OPTIONS.maxGapFraction() && !total.get("reset").asBoolean() ? Tier.MEASURED : Tier.MODELLED;
    }
    windows.delete(SPAN_SUMS + id);
    ObjectNode out = Messages.JSON.createObjectNode().put("kind", "span").put("id", id).put("energy_j", energyJ)
        .put("tier", tier == null ? null : tier.code()).put("measured_fraction", fraction).put("idle_j", idleJ)
        .put("window_start", Instant.ofEpochMilli(window).toString());
    context.forward(new Record<>(id, MEASURED + out, window));
  }

  /** {@code {"resource", "time", "kind": "power"|"energy", "value"}} (W or J; a null value is a missing reading). */
  static MeterSample sample(String json) {
    return sample(Messages.json(json));
  }

  private static MeterSample sample(JsonNode node) {
    for (String field : List.of("resource", "time", "kind", "value")) {
      if (!node.has(field)) throw new IllegalArgumentException("field '" + field + "' is required");
    }
    String kindName = node.get("kind").asText();
    if (!kindName.equals("power") && !kindName.equals("energy")) {
      throw new IllegalArgumentException("field 'kind': expected power or energy, got '" + kindName + "'");
    }
    MeterSample.Kind kind = MeterSample.Kind.valueOf(kindName.toUpperCase(Locale.ROOT));
    Instant time;
    try {
      time = Instant.parse(node.get("time").asText());
    } catch (java.time.format.DateTimeParseException e) {
      throw new IllegalArgumentException("field 'time': not an ISO-8601 instant: '" + node.get("time").asText() + "'");
    }
    if (!node.get("value").isNull() && !node.get("value").isNumber()) throw new IllegalArgumentException("field 'value': expected a number or null");
    return node.get("value").isNull() ? MeterSample.missing(node.get("resource").asText(), time, kind)
        : new MeterSample(node.get("resource").asText(), time, kind, node.get("value").asDouble());
  }

  private static ObjectNode json(MeterSample sample) {
    ObjectNode node = Messages.JSON.createObjectNode().put("resource", sample.resource()).put("time", sample.time().toString())
        .put("kind", sample.kind().name().toLowerCase(Locale.ROOT));
    return sample.isMissing() ? node.putNull("value") : node.put("value", sample.value());
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
