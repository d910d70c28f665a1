package io.jouletrace.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertAll;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jouletrace.core.figure.Range;
import io.jouletrace.core.methodology.ecologits.Datacenter;
import io.jouletrace.core.methodology.ecologits.EcoLogitsCoefficients;
import java.io.IOException;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The coefficients jouletrace carries equal the constants each EcoLogits release's own source defines,
 * as exported in {@code ../shared/ecologits-data/<version>/}.
 */
class EcoLogitsConstantsTest {

  @Test
  void release_0_9_1_matches_its_exported_constants_and_providers() throws IOException {
    JsonNode exported = new ObjectMapper().readTree(SharedData.path("ecologits-data/0.9.1/ecologits-0.9.1-constants.json").toFile());
    JsonNode c = exported.get("constants");
    EcoLogitsCoefficients r = EcoLogitsCoefficients.V0_9_1;
    assertThat(r.commit()).isEqualTo(exported.get("ecologits_commit").asText());
    assertAll(
        () -> assertThat(r.gpuEnergyAlpha()).isEqualTo(c.get("GPU_ENERGY_ALPHA").get("value").asDouble()),
        () -> assertThat(r.gpuEnergyGamma()).isEqualTo(c.get("GPU_ENERGY_GAMMA").get("value").asDouble()),
        // exp(β·B) as CPython computes it; Java's Math.exp may differ in the last bit, hence the pinned value.
        () -> assertThat(r.gpuEnergyBatchFactor())
            .isCloseTo(Math.exp(c.get("GPU_ENERGY_BETA").get("value").asDouble() * c.get("BATCH_SIZE").get("value").asInt()),
                org.assertj.core.data.Offset.offset(1e-15)),
        () -> assertThat(r.latencyAlpha()).isEqualTo(c.get("LATENCY_ALPHA").get("value").asDouble()),
        () -> assertThat(r.latencyBeta()).isEqualTo(c.get("LATENCY_BETA").get("value").asDouble()),
        () -> assertThat(r.latencyGamma()).isEqualTo(c.get("LATENCY_GAMMA").get("value").asDouble()),
        () -> assertThat(r.batchSize()).isEqualTo(c.get("BATCH_SIZE").get("value").asInt()),
        () -> assertThat(r.latencyBatchTerm()).isEqualTo(c.get("BATCH_SIZE").get("value").asDouble()),
        () -> assertThat(r.quantizationBits()).isEqualTo(c.get("MODEL_QUANTIZATION_BITS").get("value").asInt()),
        () -> assertThat(r.gpuMemoryGb()).isEqualTo(c.get("GPU_MEMORY").get("value").asDouble()),
        () -> assertThat(r.serverGpus()).isEqualTo(c.get("SERVER_GPUS").get("value").asInt()),
        () -> assertThat(r.serverPowerKw()).isEqualTo(c.get("SERVER_POWER").get("value").asDouble()),
        () -> assertThat(r.serverEmbodiedGwpKg()).isEqualTo(c.get("SERVER_EMBODIED_IMPACT_GWP").get("value").asDouble()),
        () -> assertThat(r.serverEmbodiedAdpeKgSb()).isEqualTo(c.get("SERVER_EMBODIED_IMPACT_ADPE").get("value").asDouble()),
        () -> assertThat(r.serverEmbodiedPeMj()).isEqualTo(c.get("SERVER_EMBODIED_IMPACT_PE").get("value").asDouble()),
        () -> assertThat(r.gpuEmbodiedGwpKg()).isEqualTo(c.get("GPU_EMBODIED_IMPACT_GWP").get("value").asDouble()),
        () -> assertThat(r.gpuEmbodiedAdpeKgSb()).isEqualTo(c.get("GPU_EMBODIED_IMPACT_ADPE").get("value").asDouble()),
        () -> assertThat(r.gpuEmbodiedPeMj()).isEqualTo(c.get("GPU_EMBODIED_IMPACT_PE").get("value").asDouble()),
        () -> assertThat(r.hardwareLifespanSeconds()).isEqualTo(c.get("HARDWARE_LIFESPAN").get("value").asDouble()));

    JsonNode providers = exported.get("providers");
    assertThat(r.datacenters().keySet()).containsExactlyInAnyOrderElementsOf(() -> providers.fieldNames());
    providers.properties().forEach(entry -> {
      Datacenter dc = r.datacenter(entry.getKey());
      JsonNode p = entry.getValue();
      assertThat(dc.zone()).as(entry.getKey()).isEqualTo(p.get("datacenter_location").asText());
      assertThat(dc.pue()).as(entry.getKey() + " PUE").isEqualTo(range(p.get("datacenter_pue")));
      assertThat(dc.wueOnSiteLitresPerKwh()).as(entry.getKey() + " WUE").isEqualTo(range(p.get("datacenter_wue_l_per_kwh")));
    });
  }

  /**
   * 0.9.3 kept 0.9.1's formulas, constants, provider table and electricity mixes (upstream's diff touches
   * only models.json): every coefficient but the release's name equals 0.9.1's, and the provider zone,
   * PUE and WUE 0.9.3 itself reported in its vectors are the ones jouletrace uses.
   */
  @Test
  void release_0_9_3_is_0_9_1_with_a_new_registry() throws Exception {
    EcoLogitsCoefficients r = EcoLogitsCoefficients.V0_9_3;
    for (var component : EcoLogitsCoefficients.class.getRecordComponents()) {
      if (component.getName().equals("version") || component.getName().equals("commit")) continue;
      assertThat(component.getAccessor().invoke(r)).as(component.getName())
          .isEqualTo(component.getAccessor().invoke(EcoLogitsCoefficients.V0_9_1));
    }
    assertThat(Files.mismatch(SharedData.path("ecologits-data/0.9.3/electricity_mixes.csv"),
        SharedData.path("ecologits-data/0.9.1/electricity_mixes.csv"))).isEqualTo(-1);
    int providerDefaults = 0;
    for (String line : Files.readAllLines(SharedData.path("reference/ecologits/vectors-0.9.3.jsonl"))) {
      JsonNode vector = new ObjectMapper().readTree(line);
      JsonNode resolved = vector.get("resolved");
      assertThat(vector.get("ecologits").get("commit").asText()).isEqualTo(r.commit());
      if (resolved == null || resolved.isNull() || !resolved.path("model_found").asBoolean()) continue;
      Datacenter dc = r.datacenter(vector.get("inputs").get("provider").asText());
      assertThat(dc.pue()).as(vector.get("case_id").asText()).isEqualTo(range(resolved.get("datacenter_pue")));
      assertThat(dc.wueOnSiteLitresPerKwh()).as(vector.get("case_id").asText()).isEqualTo(range(resolved.get("datacenter_wue_l_per_kwh")));
      if (resolved.get("zone_source").asText().equals("provider_default")) {
        assertThat(dc.zone()).as(vector.get("case_id").asText()).isEqualTo(resolved.get("zone_used").asText());
        providerDefaults++;
      }
    }
    assertThat(providerDefaults).isPositive();
  }

  @Test
  void release_0_8_2_matches_its_llm_py() throws IOException {
    Map<String, Double> c = llmPy("0.8.2");
    EcoLogitsCoefficients r = EcoLogitsCoefficients.V0_8_2;
    assertPre09(r, c);
    assertThat(r.gpuEnergyStdev()).isEqualTo(c.get("GPU_ENERGY_STDEV"));
    assertThat(r.latencyStdev()).isEqualTo(c.get("GPU_LATENCY_STDEV"));
  }

  @Test
  void release_0_4_0_matches_its_llm_py() throws IOException {
    Map<String, Double> c = llmPy("0.4.0");
    EcoLogitsCoefficients r = EcoLogitsCoefficients.V0_4_0;
    assertPre09(r, c);
    assertThat(c).doesNotContainKeys("GPU_ENERGY_STDEV", "GPU_LATENCY_STDEV");
    assertThat(r.gpuEnergyStdev()).isZero();
    assertThat(r.latencyStdev()).isZero();
  }

  private static void assertPre09(EcoLogitsCoefficients r, Map<String, Double> c) {
    assertAll(
        () -> assertThat(r.gpuEnergyAlpha()).isEqualTo(c.get("GPU_ENERGY_ALPHA")),
        () -> assertThat(r.gpuEnergyGamma()).isEqualTo(c.get("GPU_ENERGY_BETA")),
        () -> assertThat(r.latencyAlpha()).isEqualTo(c.get("GPU_LATENCY_ALPHA")),
        () -> assertThat(r.latencyBeta()).isEqualTo(c.get("GPU_LATENCY_BETA")),
        () -> assertThat((double) r.quantizationBits()).isEqualTo(c.get("MODEL_QUANTIZATION_BITS")),
        () -> assertThat(r.gpuMemoryGb()).isEqualTo(c.get("GPU_MEMORY")),
        () -> assertThat((double) r.serverGpus()).isEqualTo(c.get("SERVER_GPUS")),
        () -> assertThat(r.serverPowerKw()).isEqualTo(c.get("SERVER_POWER")),
        () -> assertThat(r.serverEmbodiedGwpKg()).isEqualTo(c.get("SERVER_EMBODIED_IMPACT_GWP")),
        () -> assertThat(r.serverEmbodiedAdpeKgSb()).isEqualTo(c.get("SERVER_EMBODIED_IMPACT_ADPE")),
        () -> assertThat(r.serverEmbodiedPeMj()).isEqualTo(c.get("SERVER_EMBODIED_IMPACT_PE")),
        () -> assertThat(r.gpuEmbodiedGwpKg()).isEqualTo(c.get("GPU_EMBODIED_IMPACT_GWP")),
        () -> assertThat(r.gpuEmbodiedAdpeKgSb()).isEqualTo(c.get("GPU_EMBODIED_IMPACT_ADPE")),
        () -> assertThat(r.gpuEmbodiedPeMj()).isEqualTo(c.get("GPU_EMBODIED_IMPACT_PE")),
        () -> assertThat(r.hardwareLifespanSeconds()).isEqualTo(c.get("HARDWARE_LIFESPAN")),
        () -> r.datacenters().values().forEach(dc -> assertThat(dc.pue()).isEqualTo(Range.exactly(c.get("DATACENTER_PUE")))));
  }

  /** {@code NAME = value  # comment} lines; a value may be a product such as {@code 5 * 365 * 24 * 60 * 60}. */
  private static Map<String, Double> llmPy(String version) throws IOException {
    Map<String, Double> constants = new HashMap<>();
    for (String line : Files.readAllLines(SharedData.path("ecologits-data/" + version + "/constants-from-llm.py.txt"))) {
      String code = line.replaceFirst("#.*", "").strip();
      if (code.isEmpty()) continue;
      String[] sides = code.split("=", 2);
      double value = 1;
      for (String factor : sides[1].split("\\*")) value *= Double.parseDouble(factor.strip());
      constants.put(sides[0].strip(), value);
    }
    return constants;
  }

  private static Range range(JsonNode node) {
    return node.isNumber() ? Range.exactly(node.asDouble()) : new Range(node.get("min").asDouble(), node.get("max").asDouble());
  }
}
