package io.jouletrace.cli;

import static io.jouletrace.cli.EstimateCommandTest.jouletrace;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.jouletrace.cli.EstimateCommandTest.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jouletrace attribute} on the sample files in docs/samples and on a hand-checkable case. */
class AttributeCommandTest {

  private static final Path SAMPLES = Path.of("..", "docs", "samples");

  @TempDir
  Path dir;

  @Test
  void prints_the_contract_and_conserves_energy_on_the_documented_samples() throws IOException {
    Run run = jouletrace("attribute", "--meters", SAMPLES.resolve("meters.csv").toString(), "--spans", SAMPLES.resolve("spans.jsonl").toString(),
        "--json");
    assertThat(run.exitCode()).as(run.err()).isZero();
    JsonNode root = run.json();
    assertThat(names(root)).containsExactly("totals", "spans");
    JsonNode totals = root.get("totals");
    assertThat(names(totals)).containsExactly("metered_j", "attributed_j", "idle_j", "unattributed_j");
    double metered = totals.get("metered_j").asDouble();
    assertThat(totals.get("attributed_j").asDouble() + totals.get("idle_j").asDouble() + totals.get("unattributed_j").asDouble())
        .isCloseTo(metered, within(1e-9 * metered));
    assertThat(root.get("spans")).hasSize(4);
    JsonNode first = root.get("spans").get(0);
    assertThat(names(first)).containsExactly("id", "energy_j", "tier", "measured_fraction", "idle_j", "phases", "j_per_output_token");
    assertThat(names(first.get("phases").get("decode"))).containsExactly("energy_j", "tier");
    double spanSum = 0;
    for (JsonNode span : root.get("spans")) spanSum += span.get("energy_j").asDouble();
    assertThat(spanSum).isCloseTo(totals.get("attributed_j").asDouble(), within(1e-6));
  }

  @Test
  void one_request_alone_at_constant_power_gets_the_metered_joules_and_bad_lines_are_named() throws IOException {
    // A counter rising 300 J per second for 10 s; idle configured at 100 W; one request over the whole window.
    StringBuilder meters = new StringBuilder("resource,timestamp,kind,value,unit\n");
    for (int s = 0; s <= 10; s++) meters.append("gpu0,2026-11-25T10:00:").append(String.format("%02d", s)).append("Z,energy,").append(300 * s).append(",J\n");
    meters.append("gpu0,2026-11-25T10:00:11Z,energy,12,furlongs\n");
    Path meterFile = Files.writeString(dir.resolve("meters.csv"), meters);
    Path spanFile = Files.writeString(dir.resolve("spans.jsonl"),
        "{\"id\":\"r1\",\"resources\":[\"gpu0\"],\"start\":\"2026-11-25T10:00:00Z\",\"end\":\"2026-11-25T10:00:10Z\",\"output_tokens\":100}\n");
    Run toActive = jouletrace("attribute", "--meters", meterFile.toString(), "--spans", spanFile.toString(), "--idle-watts", "gpu0=100", "--json");
    assertThat(toActive.exitCode()).isEqualTo(3);
    assertThat(toActive.err()).contains(meterFile + ":13: unit");
    JsonNode span = toActive.json().get("spans").get(0);
    assertThat(span.get("energy_j").asDouble()).isCloseTo(3000, within(1e-6));
    assertThat(span.get("idle_j").asDouble()).isCloseTo(1000, within(1e-6));
    assertThat(span.get("tier").asText()).isEqualTo("measured");
    assertThat(span.get("j_per_output_token").asDouble()).isCloseTo(30, within(1e-9));

    Run separate = jouletrace("attribute", "--meters", meterFile.toString(), "--spans", spanFile.toString(), "--idle-watts", "gpu0=100",
        "--idle-policy", "idle_separate", "--json");
    JsonNode root = separate.json();
    assertThat(root.get("spans").get(0).get("energy_j").asDouble()).isCloseTo(2000, within(1e-6));
    assertThat(root.get("totals").get("idle_j").asDouble()).isCloseTo(1000, within(1e-6));
  }

  private static List<String> names(JsonNode object) {
    List<String> names = new ArrayList<>();
    object.fieldNames().forEachRemaining(names::add);
    return names;
  }

  @Test
  void ingest_writes_measured_figures_beside_the_modelled_ones_once_and_verify_recomputes_them() throws IOException {
    String data = dir.resolve("data").toString();
    String[] attribute = {"attribute", "--meters", SAMPLES.resolve("meters.csv").toString(), "--spans", SAMPLES.resolve("spans.jsonl").toString(),
        "--ingest", "--zone", "FRA", "--data", data};
    Run first = jouletrace(attribute);
    assertThat(first.exitCode()).as(first.err()).isZero();
    assertThat(first.out()).contains("4 measured figure sets added beside the modelled ones (4 new records;");
    Run again = jouletrace(attribute);
    assertThat(again.out()).contains("these inputs were attributed before; nothing added");
    Run verify = jouletrace("verify", "--data", data);
    assertThat(verify.exitCode()).as(verify.out()).isZero();
    assertThat(verify.out()).contains("records checked: 4").contains("figures recomputed: 8 (4 figure sets beside").contains("drift: 0");
  }

  @Test
  void signals_ingest_maps_electricity_maps_zones_and_refuses_a_zone_it_cannot_place() throws IOException {
    String data = dir.resolve("data").toString();
    Run stored = jouletrace("signals", "ingest", SAMPLES.resolve("intensity.csv").toString(), "--data", data);
    assertThat(stored.exitCode()).as(stored.err()).isZero();
    assertThat(stored.out()).contains("intensity DEU: 3 points stored").contains("intensity FRA: 3 points stored");

    Path caiso = Files.writeString(dir.resolve("caiso.csv"), "zone,timestamp,g_per_kwh\nUS-CAL-CISO,2026-03-01T13:00:00Z,210\n");
    Run refused = jouletrace("signals", "ingest", caiso.toString(), "--data", data);
    assertThat(refused.exitCode()).isEqualTo(1);
    assertThat(refused.err()).contains(caiso + ": zone `US-CAL-CISO` is not a country").contains("give --zone");
    Run placed = jouletrace("signals", "ingest", caiso.toString(), "--zone", "us-west-1", "--data", data);
    assertThat(placed.out()).contains("intensity us-west-1: 1 points stored");

    // A record ingested afterwards in FRA at 14:30 takes the 14:00 reading of the stored series.
    Path records = Files.writeString(dir.resolve("records.jsonl"),
        "{\"id\":\"c1\",\"timestamp\":\"2026-03-01T14:30:00Z\",\"provider\":\"openai\",\"model\":\"gpt-4o\",\"output_tokens\":100,\"zone\":\"FRA\"}\n");
    assertThat(jouletrace("ingest", records.toString(), "--data", data).exitCode()).isZero();
    List<io.jouletrace.ledger.FigureSet> figures = new ArrayList<>();
    try (var store = io.jouletrace.ledger.store.DuckDbStore.open(Path.of(data))) {
      store.scan(entry -> figures.add(entry.figures()));
    }
    assertThat(figures).singleElement().satisfies(f -> {
      assertThat(f.intensityGramsPerKwh()).isEqualTo(44.0);
      assertThat(f.intensitySource()).isEqualTo("signal: stored series FRA @ 2026-03-01T14:00:00Z");
    });
    Run verify = jouletrace("verify", "--data", data);
    assertThat(verify.exitCode()).as(verify.out()).isZero();
  }
}
