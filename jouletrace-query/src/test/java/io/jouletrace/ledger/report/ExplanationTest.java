package io.jouletrace.ledger.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jouletrace.catalog.Catalog;
import io.jouletrace.core.record.InvocationRecord;
import io.jouletrace.core.record.Operation;
import io.jouletrace.ledger.Ledger;
import io.jouletrace.ledger.entry.LedgerEntry;
import io.jouletrace.ledger.store.DuckDbStore;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code explain}'s steps are enough to redo a figure: each test reads the inputs and constants from the printed JSON
 * alone (never the intermediate values) and recomputes the stored bounds with the formulas of docs/methodology.md.
 */
class ExplanationTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final double TOLERANCE = 1e-9;

  @TempDir
  Path dir;

  private static InvocationRecord.Builder call(String id, String provider, String model, long outputTokens) {
    return InvocationRecord.builder(provider, model, outputTokens).id(id).timestamp(Instant.parse("2026-11-02T10:00:00Z")).inputTokens(400L);
  }

  /** The explanations of the records, after storing them under the default methodology and backfilling rates-1. */
  private Map<String, JsonNode> explain(List<InvocationRecord> records) throws Exception {
    Map<String, JsonNode> out = new HashMap<>();
    try (Ledger ledger = Ledger.open(DuckDbStore.open(dir), null)) {
      try (Ledger.Writer writer = ledger.writer(Catalog.DEFAULT_METHODOLOGY, 10)) {
        for (InvocationRecord r : records) writer.add(r, "test:" + r.id());
      }
      ledger.backfill(Catalog.RATES_VERSION, 10);
      for (InvocationRecord r : records) {
        LedgerEntry entry = ledger.store().entries(r.id()).getFirst();
        // Through text, as a user's script reads it.
        out.put(r.id(), JSON.readTree(Explanation.of(ledger, entry, ledger.store().figureSets(entry.seq())).toString()));
      }
    }
    return out;
  }

  @Test
  void ecologits_figures_are_recomputed_from_the_printed_steps_for_a_registry_model_a_name_estimate_and_a_call_with_latency() throws Exception {
    Map<String, JsonNode> explained = explain(List.of(
        call("registry", "openai", "gpt-4o", 300).zone("FRA").build(),
        call("by-name", "acme", "acme-chat-8x7b", 500).build(),
        call("latency", "mistralai", "open-mistral-7b", 300).latencySeconds(0.5).build()));

    JsonNode registry = set(explained.get("registry"), Catalog.DEFAULT_METHODOLOGY);
    assertThat(note(registry, "model")).contains("by registry");
    assertThat(note(registry, "request_latency_s")).contains("not recorded");
    assertThat(note(registry, "intensity_source")).contains("zone-annual", "FRA");
    recomputeEcoLogits(registry);

    JsonNode byName = set(explained.get("by-name"), Catalog.DEFAULT_METHODOLOGY);
    assertThat(note(byName, "model")).contains("by name-estimate", "model-size-from-name");
    assertThat(note(byName, "datacenter")).contains("assumed zone WOR");
    assertThat(steps(byName).get("low.active_params_b")).isLessThan(steps(byName).get("high.active_params_b"));
    recomputeEcoLogits(byName);

    JsonNode latency = set(explained.get("latency"), Catalog.DEFAULT_METHODOLOGY);
    assertThat(steps(latency).get("request_latency_s")).isEqualTo(0.5);
    assertThat(formula(latency, "high.generation_latency_s")).startsWith("request_latency_s");
    recomputeEcoLogits(latency);

    for (JsonNode e : explained.values()) {
      for (JsonNode set : e.get("figure_sets")) assertThat(set.get("recomputed_matches_stored").asBoolean()).as(set.toString()).isTrue();
    }
  }

  @Test
  void rates_and_ai_energy_score_figures_are_recomputed_from_their_shorter_steps() throws Exception {
    Map<String, JsonNode> explained = explain(List.of(
        call("chat", "openai", "gpt-4o", 300).zone("FRA").build(),
        call("embed", "huggingface_hub", "thenlper/gte-base", 0).operation(Operation.EMBEDDINGS).zone("DEU").build()));

    JsonNode rates = set(explained.get("chat"), Catalog.RATES_VERSION);
    assertThat(rates.get("kind").asText()).isEqualTo("backfilled");
    Map<String, Double> r = steps(rates);
    double wh = r.get("total_tokens") / 1000 * r.get("wh_per_1k_tokens");
    assertThat(r.get("total_tokens")).isEqualTo(700);
    expect(rates, wh, wh, wh / 1000 * r.get("intensity_g_per_kwh"), wh / 1000 * r.get("intensity_g_per_kwh"));

    JsonNode score = set(explained.get("embed"), Catalog.AIENERGYSCORE_VERSION);
    Map<String, Double> s = steps(score);
    double perQuery = s.get("kwh_per_1000_queries"); // kWh per 1,000 queries is Wh per query
    expect(score, perQuery, perQuery, perQuery / 1000 * s.get("intensity_g_per_kwh"), perQuery / 1000 * s.get("intensity_g_per_kwh"));
    assertThat(note(score, "model")).contains("rated as `thenlper/gte-base` for sentence_similarity");
    assertThat(explained.get("embed").get("energy_score").get("task").asText()).isEqualTo("sentence_similarity");
  }

  /** EcoLogits' chain (docs/methodology.md), bound by bound, from the printed inputs and constants. */
  private static void recomputeEcoLogits(JsonNode set) {
    Map<String, Double> s = steps(set);
    double[] energyWh = new double[2];
    double[] carbon = new double[2];
    String[] bounds = {"low", "high"};
    for (int i = 0; i < 2; i++) {
      String b = bounds[i] + ".";
      boolean high = i == 1;
      double active = s.get(b + "active_params_b");
      double tokens = s.get("output_tokens");
      double perToken = (s.get("gpu_energy_alpha") * s.get("gpu_energy_batch_factor") * active + s.get("gpu_energy_gamma"))
          / s.get("gpu_energy_divisor");
      double energyMargin = 1.96 * s.get("gpu_energy_stdev");
      double gpuEnergy = Math.max(0, tokens * (high ? perToken + energyMargin : perToken - energyMargin));
      double latencyPerToken = s.get("latency_alpha") * active + s.get("latency_beta") * s.get("latency_batch_term") + s.get("latency_gamma");
      double latencyMargin = 1.96 * s.get("latency_stdev");
      double modelledHigh = tokens * (latencyPerToken + latencyMargin);
      Double measured = s.get("request_latency_s");
      double latency = measured != null && modelledHigh >= measured ? measured
          : high ? modelledHigh : Math.max(0, tokens * (latencyPerToken - latencyMargin));
      double memory = 1.2 * s.get(b + "total_params_b") * s.get("quantization_bits") / 8;
      int gpus = (int) Math.ceil(memory / s.get("gpu_memory_gb"));
      gpus = Integer.highestOneBit(Math.max(1, gpus) * 2 - 1); // rounded up to a power of two (0.9)
      double server = latency / 3600 * s.get("server_power_kw") * gpus / s.get("server_gpus") / s.get("batch_size");
      double request = s.get(b + "pue") * (server + gpus * gpuEnergy);
      energyWh[i] = request * 1000;
      carbon[i] = request * s.get("intensity_g_per_kwh");
    }
    expect(set, energyWh[0], energyWh[1], carbon[0], carbon[1]);
  }

  private static void expect(JsonNode set, double energyLow, double energyHigh, double carbonLow, double carbonHigh) {
    JsonNode result = set.get("result");
    assertThat(relative(result.get("energy_wh_low").asDouble(), energyLow)).as("energy low").isLessThan(TOLERANCE);
    assertThat(relative(result.get("energy_wh_high").asDouble(), energyHigh)).as("energy high").isLessThan(TOLERANCE);
    assertThat(relative(result.get("carbon_g_low").asDouble(), carbonLow)).as("carbon low").isLessThan(TOLERANCE);
    assertThat(relative(result.get("carbon_g_high").asDouble(), carbonHigh)).as("carbon high").isLessThan(TOLERANCE);
    assertThat(energyLow).isPositive();
  }

  private static double relative(double actual, double expected) {
    return Math.abs(actual - expected) / Math.abs(expected);
  }

  private static JsonNode set(JsonNode explanation, String version) {
    for (JsonNode set : explanation.get("figure_sets")) if (set.get("methodology_version").asText().equals(version)) return set;
    throw new AssertionError("no figure set " + version + " in " + explanation);
  }

  /** The numeric steps by name. */
  private static Map<String, Double> steps(JsonNode set) {
    Map<String, Double> values = new HashMap<>();
    for (JsonNode step : set.get("steps")) if (step.has("value")) values.put(step.get("name").asText(), step.get("value").asDouble());
    return values;
  }

  private static String note(JsonNode set, String name) {
    for (JsonNode step : set.get("steps")) if (step.get("name").asText().equals(name) && step.has("note")) return step.get("note").asText();
    throw new AssertionError("no note " + name + " in " + set.get("steps"));
  }

  private static String formula(JsonNode set, String name) {
    for (JsonNode step : set.get("steps")) if (step.get("name").asText().equals(name)) return step.get("formula").asText();
    throw new AssertionError("no step " + name);
  }
}
