package io.jouletrace.core.methodology.ecologits;

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
    double gpuEnergyKwh = gpuEnergyKwh(c, activeParamsB, outputTokens, high);
    double latencySeconds = generationLatencySeconds(c, activeParamsB, outputTokens, requestLatencySeconds, high);
    double memoryGb = modelRequiredMemoryGb(c, totalParamsB);
    int gpus = gpuRequiredCount(c, memoryGb);
    double serverEnergyKwh = (latencySeconds / 3600) * c.serverPowerKw() * ((double) gpus / c.serverGpus()) * (1.0 / c.batchSize());
    double requestEnergyKwh = pue * (serverEnergyKwh + gpus * gpuEnergyKwh);
    double serverShare = (double) gpus / c.serverGpus();
    return new Bound(gpuEnergyKwh, latencySeconds, memoryGb, gpus, serverEnergyKwh, requestEnergyKwh,
        embodied(c, latencySeconds, serverShare * c.serverEmbodiedGwpKg() + gpus * c.gpuEmbodiedGwpKg()),
        embodied(c, latencySeconds, serverShare * c.serverEmbodiedAdpeKgSb() + gpus * c.gpuEmbodiedAdpeKgSb()),
        embodied(c, latencySeconds, serverShare * c.serverEmbodiedPeMj() + gpus * c.gpuEmbodiedPeMj()),
        c.modelsWater() ? requestEnergyKwh * (wueOnSite + pue * wueOffSite) : Double.NaN);
  }

  /**
   * {@code gpu_energy}: {@code T · (α_E·e^{β_E·B}·P_act + γ_E) / 1000} kWh (0.9), or
   * {@code T · (α·P_act + β ± 1.96σ)} kWh (0.4–0.8), never below 0.
   */
  static double gpuEnergyKwh(EcoLogitsCoefficients c, double activeParamsB, long outputTokens, boolean high) {
    double perToken = c.gpuEnergyAlpha() * c.gpuEnergyBatchFactor() * activeParamsB + c.gpuEnergyGamma();
    perToken /= c.gpuEnergyDivisor();
    double margin = EcoLogitsCoefficients.Z_95 * c.gpuEnergyStdev();
    return Math.max(0, outputTokens * (high ? perToken + margin : perToken - margin));
  }

  /**
   * {@code generation_latency}: the modelled time to generate the tokens, {@code T · (α_L·P_act +
   * β_L·B + γ_L)} s, capped by the measured request latency. The cap shortens the server and embodied
   * shares only; GPU energy depends on tokens and parameters alone.
   */
  static double generationLatencySeconds(EcoLogitsCoefficients c, double activeParamsB, long outputTokens,
      double requestLatencySeconds, boolean high) {
    double perToken = c.latencyAlpha() * activeParamsB + c.latencyBeta() * c.latencyBatchTerm() + c.latencyGamma();
    double margin = EcoLogitsCoefficients.Z_95 * c.latencyStdev();
    double modelledHigh = outputTokens * (perToken + margin);
    if (!(modelledHigh < requestLatencySeconds)) {
      return requestLatencySeconds; // the measured latency binds (for an interval: unless all of it lies below)
    }
    return high ? modelledHigh : Math.max(0, outputTokens * (perToken - margin));
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
