package io.jouletrace.core.methodology.ecologits;

import io.jouletrace.core.figure.Range;
import java.util.Map;

/**
 * The constants of one EcoLogits release ({@code ecologits/impacts/llm.py} and
 * {@code tracers/utils.py}), written so that one formula ({@link LlmImpacts}) serves every release:
 * a term a release lacks is a neutral constant (a factor 1, a divisor 1, an addend 0, a stdev 0),
 * which leaves the floating-point result of the older formula unchanged.
 *
 * <p>Never edit a constant in place: the ledger holds figures made with it. A new release is a new
 * constant with its own version.
 *
 * @param gpuEnergyBatchFactor {@code exp(β_E·B)}, pinned to the value CPython/glibc computes so that
 *     0.9.x figures are bit-identical; 1 before 0.9
 * @param gpuEnergyDivisor 1000 where the fit is in Wh per token (0.9), 1 where it is in kWh
 * @param latencyBatchTerm the batch size multiplying β_L (0.9), or 1 where β_L is a plain addend
 * @param datacenters per-provider location, PUE and WUE; {@code null} key entries are not allowed
 * @param fallbackDatacenter used for providers the release does not know (jouletrace's extension,
 *     only reachable for models resolved through a provider table or a name estimate)
 */
public record EcoLogitsCoefficients(
    String version,
    String commit,
    double gpuEnergyAlpha,
    double gpuEnergyBatchFactor,
    double gpuEnergyGamma,
    double gpuEnergyDivisor,
    double gpuEnergyStdev,
    double latencyAlpha,
    double latencyBeta,
    double latencyBatchTerm,
    double latencyGamma,
    double latencyStdev,
    int batchSize,
    int quantizationBits,
    double gpuMemoryGb,
    boolean gpuCountPowerOfTwo,
    int serverGpus,
    double serverPowerKw,
    double serverEmbodiedGwpKg,
    double serverEmbodiedAdpeKgSb,
    double serverEmbodiedPeMj,
    double gpuEmbodiedGwpKg,
    double gpuEmbodiedAdpeKgSb,
    double gpuEmbodiedPeMj,
    double hardwareLifespanSeconds,
    boolean modelsWater,
    Map<String, Datacenter> datacenters,
    Datacenter fallbackDatacenter) {

  /** The ±1.96σ multiplier of the 0.6–0.8 confidence intervals. */
  static final double Z_95 = 1.96;

  public EcoLogitsCoefficients {
    datacenters = Map.copyOf(datacenters);
  }

  /** The version string every figure names: {@code ecologits-0.9.1}. */
  public String methodologyVersion() {
    return "ecologits-" + version;
  }

  public Datacenter datacenter(String provider) {
    return datacenters.getOrDefault(provider, fallbackDatacenter);
  }

  public boolean knowsProvider(String provider) {
    return datacenters.containsKey(provider);
  }

  // ---- 0.9.1: ML.ENERGY fit (H100, vLLM) with batch size, p5.48xlarge server, provider PUE/WUE/zone.
  // Source: genai-impact/ecologits tag 0.9.1, commit 2d0a1c7, ecologits/impacts/llm.py and
  // ecologits/tracers/utils.py PROVIDER_CONFIG_MAP (exported in shared/ecologits-data/0.9.1/ecologits-0.9.1-constants.json).
  public static final EcoLogitsCoefficients V0_9_1 = v0_9("0.9.1", "2d0a1c76358a1aad0c530d47794e37465ad029e8");

  // ---- 0.9.3: 0.9.1's formulas, constants, provider table and electricity mixes; only the model registry
  // changed. Source: mlco2/ecologits (the project's new home) tag 0.9.3, commit 7be0a42 (2026-02-25).
  public static final EcoLogitsCoefficients V0_9_3 = v0_9("0.9.3", "7be0a42cfc490329a065495d0df1353ea90ecdb6");

  /** The 0.9 series' constants, which 0.9.0 introduced and 0.9.1–0.9.3 left as they were. */
  private static EcoLogitsCoefficients v0_9(String version, String commit) {
    return new EcoLogitsCoefficients(
        version, commit,
        1.1665273170451914e-06, 0.4881273492297933, 4.052928146734005e-05, 1000, 0,
        0.0006785088094353663, 0.0003119310311688259, 64, 0.019473717579473387, 0,
        64, 16, 80, true,
        8, 1.2, 5700, 0.37, 70000, 164, 0.0051, 1828, 3 * 365 * 24 * 60 * 60,
        true,
        Map.of(
            "anthropic", new Datacenter("USA", new Range(1.09, 1.14), new Range(0.13, 0.999)),
            "cohere", Datacenter.of("USA", 1.09, 0.999),
            "google_genai", Datacenter.of("USA", 1.09, 0.999),
            "huggingface_hub", new Datacenter("USA", new Range(1.09, 1.14), new Range(0.13, 0.99)),
            "mistralai", Datacenter.of("SWE", 1.16, 0.09),
            "openai", Datacenter.of("USA", 1.2, 0.569)),
        // Unknown hosts: the span of the providers' own PUE and WUE, in the world-average zone.
        new Datacenter("WOR", new Range(1.09, 1.2), new Range(0.09, 0.999)));
  }

  /** Pre-0.9 releases place every provider in the world-average zone at PUE 1.2 and model no water. */
  private static final Datacenter WORLD_PUE_1_2 = Datacenter.of("WOR", 1.2, 0);

  private static final Map<String, Datacenter> PRE_0_9_PROVIDERS = Map.of(
      "anthropic", WORLD_PUE_1_2, "cohere", WORLD_PUE_1_2, "google_genai", WORLD_PUE_1_2,
      "huggingface_hub", WORLD_PUE_1_2, "mistralai", WORLD_PUE_1_2, "openai", WORLD_PUE_1_2);

  // ---- 0.8.2: the "v0.4 formula" (HF LLM-Perf fit, A100, 4-bit, no batching) with ±1.96σ intervals
  // on energy and latency (added in 0.6.0). Source: tag 0.8.2, commit 30e7947, ecologits/impacts/llm.py
  // (shared/ecologits-data/0.8.2/constants-from-llm.py.txt).
  public static final EcoLogitsCoefficients V0_8_2 = new EcoLogitsCoefficients(
      "0.8.2", "30e7947497f7b2500c4940475af150db794dbb42",
      8.91e-8, 1, 1.43e-6, 1, 5.19e-7,
      8.02e-4, 2.23e-2, 1, 0, 7.00e-6,
      1, 4, 80, false,
      8, 1, 3000, 0.24, 38000, 143, 5.1e-3, 1828, 5 * 365 * 24 * 60 * 60,
      false, PRE_0_9_PROVIDERS, WORLD_PUE_1_2);

  // ---- 0.4.0: α = 8.91e-5 Wh and β = 1.43e-3 Wh per output token (stored in kWh), no intervals.
  // Source: tag 0.4.0, commit ff7036b, ecologits/impacts/llm.py (shared/ecologits-data/0.4.0/constants-from-llm.py.txt).
  public static final EcoLogitsCoefficients V0_4_0 = new EcoLogitsCoefficients(
      "0.4.0", "ff7036b6997f6427ae333c423c5ad204ee2c8e7a",
      8.91e-8, 1, 1.43e-6, 1, 0,
      8.02e-4, 2.23e-2, 1, 0, 0,
      1, 4, 80, false,
      8, 1, 3000, 0.24, 38000, 143, 5.1e-3, 1828, 5 * 365 * 24 * 60 * 60,
      false, PRE_0_9_PROVIDERS, WORLD_PUE_1_2);
}
