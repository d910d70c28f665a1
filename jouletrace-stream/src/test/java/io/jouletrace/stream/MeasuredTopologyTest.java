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
import io.jouletrace.ledger.telemetry.SpanReader;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
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

  private static String sample(Instant t, double joules) {
    return "{\"resource\":\"gpu0\",\"time\":\"" + t + "\",\"kind\":\"energy\",\"value\":" + joules + "}";
  }

  @Test
  void each_span_gets_what_the_core_attributor_gives_it_and_late_input_goes_to_the_late_topic() {
    Topics topics = Topics.defaults();
    Properties config = new Properties();
    config.put(StreamsConfig.APPLICATION_ID_CONFIG, "measured-test");
    config.put(StreamsConfig.STATE_DIR_CONFIG, dir.toString());
    Duration grace = Duration.ofMinutes(5);
    // gpu0's counter every second for 60 s: 100 W, 400 W while a span runs (5 s – 40 s).
    List<MeterSample> samples = new ArrayList<>();
    List<String> sampleJson = new ArrayList<>();
    double joules = 0;
    for (int t = 0; t <= 60; t++) {
      samples.add(new MeterSample("gpu0", T0.plusSeconds(t), MeterSample.Kind.ENERGY, joules));
      sampleJson.add(sample(T0.plusSeconds(t), joules));
      joules += t >= 5 && t < 40 ? 400 : 100;
    }
    List<RunSpan> spans = List.of(
        new RunSpan("a", List.of("gpu0"), T0.plusSeconds(5), T0.plusSeconds(25), "acme", "search", "m", 1000L, 300L, Map.of()),
        new RunSpan("b", List.of("gpu0"), T0.plusSeconds(15), T0.plusSeconds(40), "acme", "search", "m", 500L, 700L, Map.of()));
    Attribution expected = Attributor.attribute(samples, spans, AttributionOptions.defaults());

    Map<String, JsonNode> measured = new HashMap<>();
    List<String> late;
    try (TopologyTestDriver driver = new TopologyTestDriver(
        StreamTopology.build(topics, Catalog.estimator(Catalog.Options.defaults()), Catalog.DEFAULT_METHODOLOGY, grace), config)) {
      TestInputTopic<String, String> meters = driver.createInputTopic(topics.meters(), new StringSerializer(), new StringSerializer());
      TestInputTopic<String, String> spanTopic = driver.createInputTopic(topics.spans(), new StringSerializer(), new StringSerializer());
      // The meters come first; span b arrives after them (late, but within the grace period).
      for (int i = 0; i < sampleJson.size(); i++) meters.pipeInput("node-1", sampleJson.get(i), T0.plusSeconds(i));
      spanTopic.pipeInput("node-1", SpanReader.line(spans.get(0)), spans.get(0).start());
      spanTopic.pipeInput("node-1", SpanReader.line(spans.get(1)), spans.get(1).start());
      // Much later: stream time passes the window's end, overlap and grace, so the window is attributed …
      meters.pipeInput("node-1", sample(T0.plus(Duration.ofMinutes(30)), joules + 1_000_000), T0.plus(Duration.ofMinutes(30)));
      // … and a span from 10:00 is now older than the grace period allows: it goes to the late topic.
      spanTopic.pipeInput("node-1", SpanReader.line(new RunSpan("too-late", List.of("gpu0"), T0.plusSeconds(50), T0.plusSeconds(55), null, null,
          "m", 10L, 10L, Map.of())), T0.plusSeconds(50));
      var out = driver.createOutputTopic(topics.measured(), new StringDeserializer(), new StringDeserializer());
      for (String value : out.readValuesToList()) {
        JsonNode node = Messages.JSON.readTree(value);
        measured.put(node.get("id").asText(), node);
      }
      late = driver.createOutputTopic(topics.late(), new StringDeserializer(), new StringDeserializer()).readValuesToList();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    assertThat(measured).containsOnlyKeys("a", "b");
    for (Attribution.SpanEnergy span : expected.spans()) {
      assertThat(measured.get(span.id()).get("energy_j").asDouble()).as(span.id()).isCloseTo(span.energyJ(), within(1e-9));
      assertThat(measured.get(span.id()).get("tier").asText()).isEqualTo(span.tier().code());
    }
    assertThat(late).singleElement().asString().contains("too-late");
  }
}
