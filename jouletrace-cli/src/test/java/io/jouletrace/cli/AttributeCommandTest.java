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
    assertThat(names(root)).containsExactly("idle_policy", "totals", "spans", "tenants");
    assertThat(root.get("idle_policy").asText()).isEqualTo("idle_to_active");
    JsonNode totals = root.get("totals");
    assertThat(names(totals)).containsExactly("metered_j", "attributed_j", "idle_j", "unattributed_j");
    double metered = totals.get("metered_j").asDouble();
    assertThat(totals.get("attributed_j").asDouble() + totals.get("idle_j").asDouble() + totals.get("unattributed_j").asDouble())
        .isCloseTo(metered, within(1e-9 * metered));
    assertThat(root.get("spans")).hasSize(4);
    JsonNode first = root.get("spans").get(0);
    assertThat(names(first)).containsExactly("id", "energy_j", "tier", "measured_fraction", "idle_j", "phases", "j_per_output_token",
        "j_per_token");
    assertThat(first.get("j_per_token").asDouble()).isCloseTo(first.get("energy_j").asDouble() / (1800 + 410), within(1e-9));
    JsonNode spansById = root.get("spans");
    // req-1 and req-3 are acme's
    assertThat(root.get("tenants").get("acme").get("energy_j").asDouble())
        .isCloseTo(spansById.get(0).get("energy_j").asDouble() + spansById.get(2).get("energy_j").asDouble(), within(1e-9));
    assertThat(root.get("tenants").get("acme").get("spans").asInt()).isEqualTo(2);
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

  @Test
  void a_pue_adds_facility_energy_to_the_totals_and_every_span_beside_the_it_energy() throws IOException {
    Run run = jouletrace("attribute", "--meters", SAMPLES.resolve("meters.csv").toString(), "--spans", SAMPLES.resolve("spans.jsonl").toString(),
        "--pue", "1.2", "--idle-policy", "idle_separate", "--json");
    assertThat(run.exitCode()).as(run.err()).isZero();
    JsonNode root = run.json();
    assertThat(root.get("idle_policy").asText()).isEqualTo("idle_separate");
    assertThat(root.get("pue").asDouble()).isEqualTo(1.2);
    JsonNode totals = root.get("totals");
    assertThat(totals.get("facility_j").asDouble()).isCloseTo(totals.get("metered_j").asDouble() * 1.2, within(1e-9));
    for (JsonNode span : root.get("spans")) {
      assertThat(span.get("facility_j").asDouble()).as(span.get("id").asText()).isCloseTo(span.get("energy_j").asDouble() * 1.2, within(1e-9));
    }
  }

  @Test
  void a_codecarbon_emissions_csv_meters_the_vllm_requests_that_ran_on_its_gpu() throws IOException {
    String[] attribute = {"attribute", "--meters", SAMPLES.resolve("emissions.csv").toString(), "--spans",
        SAMPLES.resolve("vllm-spans.jsonl").toString(), "--json"};
    Run run = jouletrace(attribute);
    assertThat(run.exitCode()).as(run.err()).isZero();
    JsonNode totals = run.json().get("totals");
    // by hand: CodeCarbon's kWh / PUE 1.2 give gpu 3000 J per 10 s, cpu 600 J, ram 150 J; 20 s in all
    assertThat(totals.get("metered_j").asDouble()).isCloseTo(7500, within(1e-6));
    // no request ran on cpu or ram: their power over untouched time is their learned idle, given to no one
    assertThat(totals.get("idle_j").asDouble()).isCloseTo(1500, within(1e-6));
    // the GPU draws 300 W; a request weighs on it from its first scheduling to its last token (queued, it weighs nothing):
    // 6.9 s and 6.95 s, so 2070 J and 2085 J; the rest of the 20 s is nobody's
    assertThat(totals.get("attributed_j").asDouble()).isCloseTo(4155, within(1e-6));
    assertThat(totals.get("unattributed_j").asDouble()).isCloseTo(1845, within(1e-6));
    JsonNode first = run.json().get("spans").get(0);
    assertThat(first.get("id").asText()).isEqualTo("cmpl-7f3a");
    assertThat(first.get("energy_j").asDouble()).isCloseTo(2070, within(1e-6));
    assertThat(first.get("tier").asText()).isEqualTo("measured");
    assertThat(first.get("j_per_output_token").asDouble()).isCloseTo(6.9, within(1e-9));
    assertThat(first.get("phases").get("prefill").get("tier").asText()).as("a 0.4 s prefill inside a 10 s meter interval").isEqualTo("modelled");

    // Read as Paris wall-clock time the runs end an hour earlier (CET), before the requests: no meter covers them.
    Run shifted = jouletrace(concat(attribute, "--meter-zone", "Europe/Paris"));
    assertThat(shifted.exitCode()).as(shifted.err()).isZero();
    assertThat(shifted.json().get("totals").get("metered_j").asDouble()).isCloseTo(7500, within(1e-6));
    assertThat(shifted.json().get("spans").get(0).get("energy_j").isNull()).isTrue();
  }

  @Test
  void timestamp_less_scrapes_take_a_scrape_time_per_file_or_from_comments_and_are_rejected_without_one() throws IOException {
    Path before = Files.writeString(dir.resolve("before.prom"), "DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION{gpu=\"0\"} 1000000\n");
    Path after = Files.writeString(dir.resolve("after.prom"), "DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION{gpu=\"0\"} 4000000\n");
    Path both = Files.writeString(dir.resolve("both.prom"), "# scrape_time 2026-11-25T10:00:00Z\n" + Files.readString(before)
        + "# scrape_time 2026-11-25T10:00:10Z\n" + Files.readString(after));
    Path spanFile = Files.writeString(dir.resolve("spans.jsonl"),
        "{\"id\":\"r1\",\"resources\":[\"gpu0\"],\"start\":\"2026-11-25T10:00:00Z\",\"end\":\"2026-11-25T10:00:10Z\"}\n");

    Run perFile = jouletrace("attribute", "--meters", before + "," + after, "--spans", spanFile.toString(), "--scrape-time",
        "2026-11-25T10:00:00Z", "--scrape-time", "2026-11-25T11:00:10+01:00", "--json");
    assertThat(perFile.exitCode()).as(perFile.err()).isZero();
    assertThat(perFile.json().get("spans").get(0).get("energy_j").asDouble()).isCloseTo(3000, within(1e-9)); // (4000000 − 1000000) mJ
    Run commented = jouletrace("attribute", "--meters", both.toString(), "--spans", spanFile.toString(), "--json");
    assertThat(commented.json().get("spans").get(0).get("energy_j").asDouble()).isCloseTo(3000, within(1e-9));

    Run undated = jouletrace("attribute", "--meters", before.toString(), "--spans", spanFile.toString(), "--json");
    assertThat(undated.exitCode()).isEqualTo(3);
    assertThat(undated.err()).contains(before + ":1: timestamp: the sample has no timestamp and no scrape time was given");
    Run miscounted = jouletrace("attribute", "--meters", before + "," + after, "--spans", spanFile.toString(), "--scrape-time",
        "2026-11-25T10:00:00Z", "--scrape-time", "2026-11-25T10:00:05Z", "--scrape-time", "2026-11-25T10:00:10Z");
    assertThat(miscounted.exitCode()).isEqualTo(2);
    assertThat(miscounted.err()).contains("--scrape-time: give one time for all meter files or one per --meters file (2), got 3");
    Run unreadable = jouletrace("attribute", "--meters", before.toString(), "--spans", spanFile.toString(), "--scrape-time", "10:00");
    assertThat(unreadable.exitCode()).isEqualTo(2);
    assertThat(unreadable.err()).contains("--scrape-time: expected an RFC 3339 time");
  }

  @Test
  void a_counter_wrap_range_turns_a_drop_into_energy_that_is_otherwise_a_reset() throws IOException {
    Path meterFile = Files.writeString(dir.resolve("meters.csv"), """
        resource,timestamp,kind,value,unit
        gpu0,2026-11-25T10:00:00Z,energy,262000,J
        gpu0,2026-11-25T10:00:10Z,energy,100,J
        """);
    Path spanFile = Files.writeString(dir.resolve("spans.jsonl"),
        "{\"id\":\"r1\",\"resources\":[\"gpu0\"],\"start\":\"2026-11-25T10:00:00Z\",\"end\":\"2026-11-25T10:00:10Z\",\"model\":\"meta-llama/Llama-3.1-8B-Instruct\",\"output_tokens\":100}\n");
    String[] attribute = {"attribute", "--meters", meterFile.toString(), "--spans", spanFile.toString(), "--json"};

    Run wrapped = jouletrace(concat(attribute, "--counter-wrap", "gpu0=262144:1000"));
    assertThat(wrapped.exitCode()).as(wrapped.err()).isZero();
    assertThat(wrapped.json().get("spans").get(0).get("energy_j").asDouble()).isCloseTo(244, within(1e-9)); // 262144 − 262000 + 100
    Run reset = jouletrace(attribute);
    assertThat(reset.json().get("totals").get("metered_j").asDouble()).isZero();
    assertThat(reset.json().get("spans").get(0).get("energy_j").isNull()).as("a reset leaves the energy unknown, not 0").isTrue();
    // the wrap is stored with the run, so verify re-attributes it the same way
    String data = dir.resolve("data").toString();
    Run ingested = jouletrace("attribute", "--meters", meterFile.toString(), "--spans", spanFile.toString(), "--counter-wrap", "gpu0=262144:1000",
        "--ingest", "--data", data);
    assertThat(ingested.out()).as(ingested.err()).contains("1 measured figure sets added");
    Run verify = jouletrace("verify", "--data", data);
    assertThat(verify.exitCode()).as(verify.out()).isZero();
    assertThat(verify.out()).contains("drift: 0");
    Run malformed = jouletrace(concat(attribute, "--counter-wrap", "gpu0=262144"));
    assertThat(malformed.exitCode()).isEqualTo(2);
    assertThat(malformed.err()).contains("--counter-wrap gpu0=262144: expected RANGE_J:MAX_W");
  }

  @Test
  void ledger_options_without_ingest_are_refused_rather_than_ignored() {
    for (String[] option : List.of(new String[] {"--zone", "FRA"}, new String[] {"--pue-facility", "paris-1"},
        new String[] {"--methodology", "ecologits-0.8.2"}, new String[] {"--provider", "acme"})) {
      Run run = jouletrace(concat(new String[] {"attribute", "--meters", SAMPLES.resolve("meters.csv").toString(), "--spans",
          SAMPLES.resolve("spans.jsonl").toString()}, option));
      assertThat(run.exitCode()).as(option[0]).isEqualTo(2);
      assertThat(run.err()).contains(option[0] + " only applies with --ingest");
    }
  }

  @Test
  void measured_vs_modelled_compares_the_ingested_facility_energy_per_model_and_states_the_boundaries() throws IOException {
    String data = dir.resolve("data").toString();
    String[] inputs = {"--meters", SAMPLES.resolve("meters.csv").toString(), "--spans", SAMPLES.resolve("spans.jsonl").toString(), "--pue", "1.2"};
    assertThat(jouletrace(concat(concat(new String[] {"attribute"}, inputs), "--ingest", "--zone", "FRA", "--data", data)).exitCode()).isZero();
    double facilityJ = 0;
    for (JsonNode span : jouletrace(concat(concat(new String[] {"attribute"}, inputs), "--json")).json().get("spans")) {
      facilityJ += span.get("facility_j").asDouble();
    }

    Run report = jouletrace("report", "measured-vs-modelled", "--json", "--data", data);
    assertThat(report.exitCode()).as(report.err()).isZero();
    JsonNode models = report.json().get("models");
    assertThat(models).hasSize(2); // the 8B model of req-1..3 and the 70B model of req-4
    double measuredWh = 0;
    long records = 0;
    for (JsonNode model : models) {
      measuredWh += model.get("measured_wh").asDouble();
      records += model.get("records").asLong();
      assertThat(model.get("ratio").asDouble()).isCloseTo(model.get("measured_wh").asDouble() / model.get("modelled_wh").asDouble(), within(1e-12));
    }
    assertThat(records).isEqualTo(4);
    assertThat(measuredWh * 3600).as("the ledger's measured figure is IT energy x PUE").isCloseTo(facilityJ, within(1e-6));
    Run human = jouletrace("report", "measured-vs-modelled", "--data", data);
    assertThat(human.out()).contains("     3 records").contains("     1 records").doesNotContain("ratio n/a")
        .contains("boundary: measured = the metered IT energy of the resources the spans ran on");
  }

  private static String[] concat(String[] first, String... more) {
    String[] all = java.util.Arrays.copyOf(first, first.length + more.length);
    System.arraycopy(more, 0, all, first.length, more.length);
    return all;
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
    List<io.jouletrace.ledger.entry.FigureSet> figures = new ArrayList<>();
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
