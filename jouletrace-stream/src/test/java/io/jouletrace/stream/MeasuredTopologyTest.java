package io.jouletrace.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.jouletrace.catalog.Catalog;
import io.jouletrace.core.attribution.Attribution;
import io.jouletrace.core.attribution.AttributionOptions;
import io.jouletrace.core.attribution.Attributor;
import io.jouletrace.core.attribution.MeterSample;
import io.jouletrace.core.attribution.RunSpan;
import io.jouletrace.ledger.entry.FigureSet;
import io.jouletrace.ledger.Ledger;
import io.jouletrace.ledger.Measurement;
import io.jouletrace.ledger.VerifyReport;
import io.jouletrace.ledger.store.DuckDbStore;
import io.jouletrace.ledger.telemetry.SpanReader;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.DoubleUnaryOperator;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Measured attribution in the topology (test driver, no broker) against the core's Attributor on the same inputs. */
class MeasuredTopologyTest {

  private static final Instant T0 = Instant.parse("2026-11-01T10:00:00Z");

  @TempDir
  Path dir;

  /** What the topology put out: span figures by id, window totals, windows' attribution runs, late input, and the late count. */
  private record Output(Map<String, JsonNode> spans, List<JsonNode> windows, List<String> runs, List<String> late, long lateCount,
      double lateMetric, List<String> rejected) {}

  private static String sample(MeterSample s) {
    return "{\"resource\":\"" + s.resource() + "\",\"time\":\"" + s.time() + "\",\"kind\":\"energy\",\"value\":" + s.value() + "}";
  }

  /** gpu0's energy counter every second from {@code from} for {@code seconds} s, drawing {@code watts(t)} W at t s after T0. */
  private static List<MeterSample> counter(double from, int seconds, DoubleUnaryOperator watts) {
    List<MeterSample> samples = new ArrayList<>();
    double joules = 0;
    for (int i = 0; i <= seconds; i++) {
      double t = from + i;
      samples.add(new MeterSample("gpu0", T0.plusMillis(Math.round(t * 1000)), MeterSample.Kind.ENERGY, joules));
      joules += watts.applyAsDouble(t);
    }
    return samples;
  }

  private static RunSpan span(String id, int startS, int endS, long inputTokens, long outputTokens) {
    return new RunSpan(id, List.of("gpu0"), T0.plusSeconds(startS), T0.plusSeconds(endS), "acme", "search", "m", inputTokens, outputTokens,
        Map.of());
  }

  /**
   * Sends the samples (in time order) and then the spans (late, within the grace period), then one reading on another
   * resource 40 minutes on, so that stream time closes every window they fall in, then {@code afterClose} spans, then
   * a sample of an unknown kind.
   */
  private Output run(Duration grace, List<MeterSample> samples, List<RunSpan> spans, List<RunSpan> afterClose) throws IOException {
    Properties config = new Properties();
    config.put(StreamsConfig.APPLICATION_ID_CONFIG, "measured-test");
    config.put(StreamsConfig.STATE_DIR_CONFIG, dir.toString());
    Topics topics = Topics.defaults();
    LongAdder lateCount = new LongAdder();
    try (TopologyTestDriver driver = new TopologyTestDriver(
        StreamTopology.build(topics, Catalog.estimator(Catalog.Options.defaults()), Catalog.DEFAULT_METHODOLOGY, grace, lateCount, null), config)) {
      TestInputTopic<String, String> meters = driver.createInputTopic(topics.meters(), new StringSerializer(), new StringSerializer());
      TestInputTopic<String, String> spanTopic = driver.createInputTopic(topics.spans(), new StringSerializer(), new StringSerializer());
      for (MeterSample s : samples) meters.pipeInput("node-1", sample(s), s.time());
      for (RunSpan s : spans) spanTopic.pipeInput("node-1", SpanReader.line(s), s.start());
      Instant closing = T0.plus(Duration.ofMinutes(40));
      meters.pipeInput("node-1", sample(new MeterSample("gpu9", closing, MeterSample.Kind.ENERGY, 0)), closing);
      for (RunSpan s : afterClose) spanTopic.pipeInput("node-1", SpanReader.line(s), s.start());
      Map<String, JsonNode> spanFigures = new HashMap<>();
      List<JsonNode> windows = new ArrayList<>();
      List<String> runs = new ArrayList<>();
      for (String value : driver.createOutputTopic(topics.measured(), new StringDeserializer(), new StringDeserializer()).readValuesToList()) {
        JsonNode node = Messages.JSON.readTree(value);
        switch (node.get("kind").asText()) {
          case "span" -> assertThat(spanFigures.put(node.get("id").asText(), node)).as("one figure per span").isNull();
          case "window" -> windows.add(node);
          default -> runs.add(value);
        }
      }
      List<String> late = driver.createOutputTopic(topics.late(), new StringDeserializer(), new StringDeserializer()).readValuesToList();
      meters.pipeInput("node-1", "{\"resource\":\"gpu0\",\"time\":\"" + closing + "\",\"kind\":\"watts\",\"value\":1}", closing);
      List<String> rejected = driver.createOutputTopic(topics.rejected(), new StringDeserializer(), new StringDeserializer()).readValuesToList();
      double lateMetric = driver.metrics().values().stream()
          .filter(m -> m.metricName().name().equals(EventTimeProcessor.LATE_METRIC + "-total")
              && m.metricName().group().equals("stream-" + EventTimeProcessor.LATE_METRIC_SCOPE + "-metrics")
              && MeasuredProcessor.STORE.equals(m.metricName().tags().get(EventTimeProcessor.LATE_METRIC_SCOPE + "-id")))
          .mapToDouble(m -> (Double) m.metricValue()).sum();
      return new Output(spanFigures, windows, runs, late, lateCount.sum(), lateMetric, rejected);
    }
  }

  /** Each span as the core gives it, and the windows' totals summing to the core's: every metered joule counted once. */
  private static void assertEqualsCore(Output out, Attribution expected) {
    assertThat(out.spans()).containsOnlyKeys(expected.spans().stream().map(Attribution.SpanEnergy::id).toArray(String[]::new));
    for (Attribution.SpanEnergy span : expected.spans()) {
      JsonNode streamed = out.spans().get(span.id());
      assertThat(streamed.get("energy_j").asDouble()).as(span.id()).isCloseTo(span.energyJ(), within(1e-6));
      assertThat(streamed.get("idle_j").asDouble()).as(span.id()).isCloseTo(span.idleJ(), within(1e-6));
      assertThat(streamed.get("measured_fraction").asDouble()).as(span.id()).isCloseTo(span.measuredFraction(), within(1e-9));
      assertThat(streamed.get("tier").asText()).isEqualTo(span.tier().code());
    }
    double metered = 0, attributed = 0, idle = 0, unattributed = 0;
    for (JsonNode window : out.windows()) {
      double m = window.get("metered_j").asDouble(), a = window.get("attributed_j").asDouble(), i = window.get("idle_j").asDouble(),
          u = window.get("unattributed_j").asDouble();
      assertThat(a + i + u).as("window %s: metered = attributed + idle + unattributed", window.get("window_start")).isCloseTo(m, within(1e-6));
      metered += m;
      attributed += a;
      idle += i;
      unattributed += u;
    }
    Attribution.Totals totals = expected.totals();
    assertThat(metered).isCloseTo(totals.meteredJ(), within(1e-6));
    assertThat(attributed).isCloseTo(totals.attributedJ(), within(1e-6));
    assertThat(idle).isCloseTo(totals.idleJ(), within(1e-6));
    assertThat(unattributed).isCloseTo(totals.unattributedJ(), within(1e-6));
    double spanEnergy = out.spans().values().stream().mapToDouble(s -> s.get("energy_j").asDouble()).sum();
    assertThat(spanEnergy).as("fully metered spans: their energy is the attributed energy").isCloseTo(totals.attributedJ(), within(1e-6));
  }

  /**
   * The windows' attribution runs through the sink's writes (twice, as after a crash before its offsets were
   * committed) into a ledger: the measured figure set of every span within one window holds the energy the topology
   * gave it, verify recomputes each from the stored run, and the second pass adds nothing.
   */
  private void assertSunkAsMeasuredSets(Output out, List<String> within, List<String> across) {
    try (Ledger ledger = Ledger.open(DuckDbStore.open(dir.resolve("sunk-" + System.nanoTime())), null)) {
      for (int pass = 0; pass < 2; pass++) {
        try (StreamSink.Writes writes = new StreamSink.Writes(ledger, Topics.defaults(), Catalog.DEFAULT_METHODOLOGY,
            new StreamSink.SpanRecords("self-hosted", "FRA"))) {
          for (int i = 0; i < out.runs().size(); i++) writes.accept(Topics.defaults().measured(), 0, i, out.runs().get(i));
          writes.flush();
          assertThat(writes.sunk().measuredSets()).as("pass %d", pass + 1).isEqualTo(pass == 0 ? within.size() : 0);
        }
      }
      Map<String, FigureSet> sets = new HashMap<>();
      ledger.store().scanFigureSets((entry, set) -> sets.put(set.id(), set.figures()));
      assertThat(sets).containsOnlyKeys(within.toArray(String[]::new));
      for (String id : within) {
        assertThat(sets.get(id).methodologyVersion()).isEqualTo(Measurement.METHODOLOGY_VERSION);
        assertThat(sets.get(id).energyJoules().value()).as(id).isCloseTo(out.spans().get(id).get("energy_j").asDouble(), within(1e-6));
        assertThat(sets.get(id).energyJoules().tier()).isEqualTo(out.spans().get(id).get("tier").asText());
      }
      for (String id : across) assertThat(ledger.store().entries(id)).as("%s runs across windows: no record from one window", id).isEmpty();
      VerifyReport report = ledger.verify();
      assertThat(report.ok()).as(report.toString()).isTrue();
      assertThat(report.figureSetsChecked()).isEqualTo(within.size());
    }
  }

  @Test
  void each_span_gets_what_the_core_attributor_gives_it_and_late_input_goes_to_the_late_topic() throws IOException {
    // gpu0's counter every second for 60 s: 100 W, 400 W while a span runs (5 s – 40 s).
    List<MeterSample> samples = counter(0, 60, t -> t >= 5 && t < 40 ? 400 : 100);
    // Span b arrives after the meters (late, but within the grace period).
    List<RunSpan> spans = List.of(span("a", 5, 25, 1000, 300), span("b", 15, 40, 500, 700));
    // Once the window is attributed, a span from 10:00 is older than the grace period allows: it goes to the late topic.
    Output out = run(Duration.ofMinutes(5), samples, spans, List.of(span("too-late", 50, 55, 10, 10)));
    assertEqualsCore(out, Attributor.attribute(samples, spans, AttributionOptions.defaults()));
    assertThat(out.windows()).hasSize(1);
    assertSunkAsMeasuredSets(out, List.of("a", "b"), List.of());
    assertThat(out.late()).singleElement().asString().contains("too-late");
    assertThat(out.lateCount()).isEqualTo(1);
    assertThat(out.lateMetric()).as("the late-records-total metric of the measured windows").isEqualTo(1.0);
    assertThat(out.rejected()).singleElement().satisfies(r -> {
      JsonNode error = Messages.JSON.readTree(r);
      assertThat(error.get("at").asText()).isEqualTo(Topics.defaults().meters() + "/0@" + (samples.size() + 1));
      assertThat(error.get("reason").asText()).isEqualTo("field 'kind': expected power or energy, got 'watts'");
    });
  }

  @Test
  void spans_crossing_a_window_boundary_are_charged_each_metered_joule_once_as_the_core_charges_them() throws IOException {
    // Readings at half seconds from 10:05:00.5 to 10:15:00.5, so one meter interval straddles the 10:10 boundary:
    // 100 W idle, 300 W more per running span (busy time starts on whole seconds, inside intervals).
    List<RunSpan> spans = List.of(
        span("a", 480, 720, 4000, 900), // 10:08–10:12, across the boundary
        span("b", 570, 630, 200, 100), // 10:09:30–10:10:30, across it too, beside a
        span("c", 660, 690, 50, 50), // 10:11–10:11:30, after it
        span("d", 360, 420, 10, 10)); // 10:06–10:07, before it
    List<MeterSample> samples = counter(300.5, 600, t -> 100 + 300 * spans.stream()
        .filter(s -> t >= s.start().getEpochSecond() - T0.getEpochSecond() && t < s.end().getEpochSecond() - T0.getEpochSecond()).count());
    // The spans come after all ten minutes of readings: within a grace period of 15 minutes.
    Output out = run(Duration.ofMinutes(15), samples, spans, List.of());
    assertThat(out.windows()).extracting(w -> w.get("window_start").asText()).containsExactly("2026-11-01T10:00:00Z", "2026-11-01T10:10:00Z");
    assertEqualsCore(out, Attributor.attribute(samples, spans, AttributionOptions.defaults()));
    assertThat(out.spans().get("a").get("window_start").asText()).as("published when the window it ends in closes")
        .isEqualTo("2026-11-01T10:10:00Z");
    assertSunkAsMeasuredSets(out, List.of("c", "d"), List.of("a", "b"));
    assertThat(out.lateCount()).isZero();
    assertThat(out.lateMetric()).isZero();
  }
}
