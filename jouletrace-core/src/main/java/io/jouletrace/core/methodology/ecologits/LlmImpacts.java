package io.jouletrace.core.methodology.ecologits;

import io.jouletrace.core.methodology.Derivation;

/**
 * EcoLogits' LLM-inference formulas ({@code ecologits/impacts/llm.py}), one bound at a time. Each
 * line keeps the code's order of floating-point operations, so 0.9.1 results are bit-identical to
 * EcoLogits' own; see docs/methodology.md for the formulas with their units.
 *
 * <p>A range (parameter sizes, PUE/WUE, the 0.6–0.8 confidence intervals) is computed as two runs,
 * every input at its low bound and every input at its high bound, exactly as EcoLogits does.
 */
public final class LlmImpacts {

  private LlmImpacts() {}

  /**
   * One bound of one request.
   *
   * @param activeParamsB active parameters, billions
   * @param totalParamsB total parameters, billions
   * @param requestLatencySeconds measured latency, or {@code +inf} when unknown (EcoLogits' {@code None})
   * @param high whether this is the high bound (the confidence interval's upper side)
   */
  public static Bound compute(EcoLogitsCoefficients c, double activeParamsB, double totalParamsB, long outputTokens,
      double requestLatencySeconds, double pue, double wueOnSite, double wueOffSite, boolean high) {
    return compute(c, activeParamsB, totalParamsB, outputTokens, requestLatencySeconds, pue, wueOnSite, wueOffSite, high, Derivation.NONE);
  }

  /**
   * The same bound, writing every intermediate into {@code d} as it is computed (inputs and constants are written by
   * the caller under the names the formulas use).
   */
  public static Bound compute(EcoLogitsCoefficients c, double activeParamsB, double totalParamsB, long outputTokens,
      double requestLatencySeconds, double pue, double wueOnSite, double wueOffSite, boolean high, Derivation d) {
    double gpuEnergyKwh = gpuEnergyKwh(c, activeParamsB, outputTokens, high, d);
    double latencySeconds = generationLatencySeconds(c, activeParamsB, outputTokens, requestLatencySeconds, high, d);
    double memoryGb = d.step("model_required_memory_gb", "1.2 × total_params_b × quantization_bits / 8",
        modelRequiredMemoryGb(c, totalParamsB), "GB");
    int gpus = gpuRequiredCount(c, memoryGb);
    d.step("gpu_required_count", c.gpuCountPowerOfTwo()
        ? "ceil(model_required_memory_gb / gpu_memory_gb), rounded up to a power of two" : "ceil(model_required_memory_gb / gpu_memory_gb)",
        gpus, "GPUs");
    double serverEnergyKwh = d.step("server_energy_kwh",
        "generation_latency_s / 3600 × server_power_kw × gpu_required_count / server_gpus × 1 / batch_size",
        (latencySeconds / 3600) * c.serverPowerKw() * ((double) gpus / c.serverGpus()) * (1.0 / c.batchSize()), "kWh");
    double requestEnergyKwh = d.step("request_energy_kwh", "pue × (server_energy_kwh + gpu_required_count × gpu_energy_kwh)",
        pue * (serverEnergyKwh + gpus * gpuEnergyKwh), "kWh");
    double serverShare = (double) gpus / c.serverGpus();
    double embodiedGwpKg = d.step("embodied_gwp_kg", "generation_latency_s × (gpu_required_count / server_gpus × server_embodied_gwp_kg"
        + " + gpu_required_count × gpu_embodied_gwp_kg) / (hardware_lifespan_s × batch_size)",
        embodied(c, latencySeconds, serverShare * c.serverEmbodiedGwpKg() + gpus * c.gpuEmbodiedGwpKg()), "kgCO2e");
    double water = c.modelsWater()
        ? d.step("water_l", "request_energy_kwh × (wue_on_site_l_per_kwh + pue × wue_off_site_l_per_kwh)",
            requestEnergyKwh * (wueOnSite + pue * wueOffSite), "L")
        : Double.NaN;
    return new Bound(gpuEnergyKwh, latencySeconds, memoryGb, gpus, serverEnergyKwh, requestEnergyKwh, embodiedGwpKg,
        embodied(c, latencySeconds, serverShare * c.serverEmbodiedAdpeKgSb() + gpus * c.gpuEmbodiedAdpeKgSb()),
        embodied(c, latencySeconds, serverShare * c.serverEmbodiedPeMj() + gpus * c.gpuEmbodiedPeMj()),
        water);
  }

  /**
   * {@code gpu_energy}: {@code T · (α_E·e^{β_E·B}·P_act + γ_E) / 1000} kWh (0.9), or
   * {@code T · (α·P_act + β ± 1.96σ)} kWh (0.4–0.8), never below 0.
   */
  static double gpuEnergyKwh(EcoLogitsCoefficients c, double activeParamsB, long outputTokens, boolean high) {
    return gpuEnergyKwh(c, activeParamsB, outputTokens, high, Derivation.NONE);
  }

  private static double gpuEnergyKwh(EcoLogitsCoefficients c, double activeParamsB, long outputTokens, boolean high, Derivation d) {
    double perToken = c.gpuEnergyAlpha() * c.gpuEnergyBatchFactor() * activeParamsB + c.gpuEnergyGamma();
    perToken /= c.gpuEnergyDivisor();
    d.step("gpu_energy_per_token_kwh", "(gpu_energy_alpha × gpu_energy_batch_factor × active_params_b + gpu_energy_gamma) / gpu_energy_divisor",
        perToken, "kWh/token");
    double margin = d.step("gpu_energy_margin_kwh", "1.96 × gpu_energy_stdev", EcoLogitsCoefficients.Z_95 * c.gpuEnergyStdev(), "kWh/token");
    return d.step("gpu_energy_kwh", high ? "max(0, output_tokens × (gpu_energy_per_token_kwh + gpu_energy_margin_kwh))"
        : "max(0, output_tokens × (gpu_energy_per_token_kwh - gpu_energy_margin_kwh))",
        Math.max(0, outputTokens * (high ? perToken + margin : perToken - margin)), "kWh");
  }

  /**
   * {@code generation_latency}: the modelled time to generate the tokens, {@code T · (α_L·P_act +
   * β_L·B + γ_L)} s, capped by the measured request latency. The cap shortens the server and embodied
   * shares only; GPU energy depends on tokens and parameters alone.
   */
  static double generationLatencySeconds(EcoLogitsCoefficients c, double activeParamsB, long outputTokens,
      double requestLatencySeconds, boolean high) {
    return generationLatencySeconds(c, activeParamsB, outputTokens, requestLatencySeconds, high, Derivation.NONE);
  }

  // Formula texts are constants, so that a figure made without a derivation builds no strings.
  private static final String NO_LATENCY = " (no latency recorded: nothing caps the modelled time)";
  private static final String LATENCY_ABOVE_MODEL = " (request_latency_s is above modelled_latency_high_s: the modelled time applies)";
  private static final String MODELLED_HIGH = "modelled_latency_high_s";
  private static final String MODELLED_LOW = "max(0, output_tokens × (latency_per_token_s - latency_margin_s))";

  private static double generationLatencySeconds(EcoLogitsCoefficients c, double activeParamsB, long outputTokens,
      double requestLatencySeconds, boolean high, Derivation d) {
    double perToken = d.step("latency_per_token_s", "latency_alpha × active_params_b + latency_beta × latency_batch_term + latency_gamma",
        c.latencyAlpha() * activeParamsB + c.latencyBeta() * c.latencyBatchTerm() + c.latencyGamma(), "s/token");
    double margin = d.step("latency_margin_s", "1.96 × latency_stdev", EcoLogitsCoefficients.Z_95 * c.latencyStdev(), "s/token");
    double modelledHigh = d.step("modelled_latency_high_s", "output_tokens × (latency_per_token_s + latency_margin_s)",
        outputTokens * (perToken + margin), "s");
    if (!(modelledHigh < requestLatencySeconds)) {
      // the measured latency binds (for an interval: unless all of it lies below)
      return d.step("generation_latency_s", "request_latency_s (the measured latency, because it is not above modelled_latency_high_s)",
          requestLatencySeconds, "s");
    }
    boolean unmeasured = Double.isInfinite(requestLatencySeconds);
    return high
        ? d.step("generation_latency_s", unmeasured ? MODELLED_HIGH + NO_LATENCY : MODELLED_HIGH + LATENCY_ABOVE_MODEL, modelledHigh, "s")
        : d.step("generation_latency_s", unmeasured ? MODELLED_LOW + NO_LATENCY : MODELLED_LOW + LATENCY_ABOVE_MODEL,
            Math.max(0, outputTokens * (perToken - margin)), "s");
  }

  /** {@code model_required_memory}: {@code 1.2 · P_tot · Q / 8} GB (1.2: activation and KV-cache overhead). */
  static double modelRequiredMemoryGb(EcoLogitsCoefficients c, double totalParamsB) {
    return 1.2 * totalParamsB * c.quantizationBits() / 8;
  }

  /** {@code gpu_required_count}: GPUs to hold the weights, rounded up to a power of two from 0.9. */
  static int gpuRequiredCount(EcoLogitsCoefficients c, double memoryGb) {
    int count = (int) Math.ceil(memoryGb / c.gpuMemoryGb());
    if (!c.gpuCountPowerOfTwo()) return count;
    return count <= 1 ? 1 : Integer.highestOneBit(count - 1) << 1;
  }

  /** {@code request_embodied_*}: the server-and-GPU impact amortised over the lifespan and the batch. */
  private static double embodied(EcoLogitsCoefficients c, double latencySeconds, double serverAndGpus) {
    return latencySeconds * serverAndGpus / (c.hardwareLifespanSeconds() * c.batchSize());
  }

  /**
   * The intermediates and results of one bound, in EcoLogits' units: kWh, s, GB, kgCO2eq, kgSbeq, MJ, L.
   * {@code waterLitres} is NaN for releases that model no water.
   */
  public record Bound(
      double gpuEnergyKwh,
      double generationLatencySeconds,
      double modelRequiredMemoryGb,
      int gpuRequiredCount,
      double serverEnergyKwh,
      double requestEnergyKwh,
      double embodiedGwpKg,
      double embodiedAdpeKgSb,
      double embodiedPeMj,
      double waterLitres) {}
}
