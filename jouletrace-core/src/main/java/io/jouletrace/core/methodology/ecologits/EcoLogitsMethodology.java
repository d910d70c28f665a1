package io.jouletrace.core.methodology.ecologits;

import io.jouletrace.core.carbon.Intensity;
import io.jouletrace.core.carbon.IntensityResolver;
import io.jouletrace.core.figure.AccuracyBand;
import io.jouletrace.core.figure.Energy;
import io.jouletrace.core.figure.Figure;
import io.jouletrace.core.figure.NullReason;
import io.jouletrace.core.figure.Quantity;
import io.jouletrace.core.figure.Range;
import io.jouletrace.core.methodology.Derivation;
import io.jouletrace.core.methodology.Estimate;
import io.jouletrace.core.methodology.Methodology;
import io.jouletrace.core.model.ModelMatch;
import io.jouletrace.core.model.ModelResolver;
import io.jouletrace.core.model.ModelSpec;
import io.jouletrace.core.model.NameEstimate;
import io.jouletrace.core.record.InvocationRecord;
import io.jouletrace.core.record.Operation;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * EcoLogits' LLM-inference method ({@code ecologits.tracers.utils.llm_impacts}) for one release.
 * Energy and embodied impacts follow EcoLogits exactly; carbon is energy × the intensity the
 * {@link IntensityResolver} picks, which for a zone in the release's own table is EcoLogits' usage
 * GWP. Unlike EcoLogits, an unknown zone leaves energy known (it does not depend on the zone).
 */
public final class EcoLogitsMethodology implements Methodology {

  private final EcoLogitsCoefficients coefficients;
  private final ModelResolver models;
  private final ElectricityMixes mixes;
  private final String method;

  public EcoLogitsMethodology(EcoLogitsCoefficients coefficients, ModelResolver models, ElectricityMixes mixes) {
    this.coefficients = Objects.requireNonNull(coefficients, "coefficients");
    this.models = Objects.requireNonNull(models, "models");
    this.mixes = Objects.requireNonNull(mixes, "mixes");
    this.method = "ecologits llm_impacts " + coefficients.version() + " (" + coefficients.commit().substring(0, 7)
        + "): PUE x (GPU energy x GPUs + server energy)";
  }

  public EcoLogitsCoefficients coefficients() {
    return coefficients;
  }

  public ModelResolver models() {
    return models;
  }

  public ElectricityMixes mixes() {
    return mixes;
  }

  @Override
  public String version() {
    return coefficients.methodologyVersion();
  }

  @Override
  public boolean models(Operation operation) {
    return operation.isTextGeneration();
  }

  @Override
  public Estimate estimate(InvocationRecord record, IntensityResolver intensities, Derivation derivation) {
    return estimate(record, intensities, NameEstimate.Rule.CURRENT, derivation);
  }

  @Override
  public Estimate estimate(InvocationRecord record, IntensityResolver intensities, NameEstimate.Rule names, Derivation derivation) {
    if (!models(record.operation())) {
      return unknownEverywhere(new NullReason(NullReason.OPERATION_NOT_MODELLED,
          version() + " models text generation, not `" + record.operation() + "` calls."), derivation);
    }
    ModelMatch match = models.resolve(record.provider(), record.model(), names).orElse(null);
    if (match == null) {
      return unknownEverywhere(NullReason.modelNotRegistered(record.provider(), record.model()), derivation);
    }
    ModelSpec spec = match.spec();
    List<String> warnings = new ArrayList<>(spec.warnings());
    Datacenter datacenter = coefficients.datacenter(spec.provider());
    if (!coefficients.knowsProvider(spec.provider())) warnings.add("datacenter-assumed");
    if (derivation.isRecording()) deriveInputs(record, match, datacenter, derivation);

    double latency = record.latencySeconds() == null ? Double.POSITIVE_INFINITY : record.latencySeconds();
    IntensityResolver.Result resolved = intensities.resolve(record, mixes, datacenter.zone());
    Intensity intensity = resolved.intensity();
    double wueOffSite = waterZoneWue(record, intensity, datacenter);
    LlmImpacts.Bound low = bound(spec, record.outputTokens(), latency, datacenter, wueOffSite, false, derivation.scoped("low"));
    LlmImpacts.Bound high = bound(spec, record.outputTokens(), latency, datacenter, wueOffSite, true, derivation.scoped("high"));

    var energyJoules = new Range(low.requestEnergyKwh() * Energy.JOULES_PER_KWH, high.requestEnergyKwh() * Energy.JOULES_PER_KWH);
    if (match.isNameEstimate() && names != NameEstimate.Rule.V1) match = match.withBand(AccuracyBand.ofEstimatedRange(energyJoules));
    var energy = Figure.known(Quantity.ENERGY, energyJoules, match.tier(), match.band(), method, version());
    derivation.step("energy_wh_low", "low.request_energy_kwh × 1000", new Energy(energy.range().low()).wh(), "Wh");
    derivation.step("energy_wh_high", "high.request_energy_kwh × 1000", new Energy(energy.range().high()).wh(), "Wh");
    Estimate.deriveIntensity(derivation, resolved);
    Figure carbon = intensity == null
        ? Figure.unknown(Quantity.CARBON, resolved.missing())
        : Figure.known(Quantity.CARBON,
            new Range(derivation.step("carbon_g_low", "low.request_energy_kwh × intensity_g_per_kwh",
                low.requestEnergyKwh() * intensity.gramsPerKwh(), "gCO2e"),
                derivation.step("carbon_g_high", "high.request_energy_kwh × intensity_g_per_kwh",
                    high.requestEnergyKwh() * intensity.gramsPerKwh(), "gCO2e")),
            match.tier(), match.band().worse(intensity.band()), method, version());
    var embodied = Figure.known(Quantity.EMBODIED_CARBON,
        new Range(low.embodiedGwpKg() * 1000, high.embodiedGwpKg() * 1000), match.tier(), match.band(), method, version());
    return new Estimate(version(), match, energy, carbon, intensity, embodied,
        water(low, high, match, intensity, wueOffSite, record), warnings);
  }

  /** What the formulas start from: the matched model, the record's tokens and latency, the datacenter and the release's constants. */
  private void deriveInputs(InvocationRecord record, ModelMatch match, Datacenter datacenter, Derivation d) {
    d.note("model", "`" + record.model() + "` (" + record.provider() + ") resolved to `" + match.spec().name() + "` of " + match.spec().provider()
        + " by " + match.source() + "; tier " + match.tier().code() + ", band " + match.band().code()
        + (match.spec().warnings().isEmpty() ? "" : "; " + String.join(", ", match.spec().warnings())));
    d.step("output_tokens", "from the record (input tokens do not enter this method)", record.outputTokens(), "tokens");
    if (record.latencySeconds() == null) {
      d.note("request_latency_s", "not recorded: taken as unbounded, so the modelled generation time applies");
    } else {
      d.step("request_latency_s", "from the record: it caps the modelled generation time", record.latencySeconds(), "s");
    }
    d.note("datacenter", (coefficients.knowsProvider(match.spec().provider())
        ? version() + " places " + match.spec().provider() + " in zone " : "provider unknown to " + version() + ": assumed zone ")
        + datacenter.zone() + ", PUE " + datacenter.pue() + ", on-site WUE " + datacenter.wueOnSiteLitresPerKwh() + " L/kWh");
    String constant = "constant of " + version() + " (EcoLogits commit " + coefficients.commit().substring(0, 7) + ")";
    EcoLogitsCoefficients c = coefficients;
    d.step("gpu_energy_alpha", constant, c.gpuEnergyAlpha(), "");
    d.step("gpu_energy_batch_factor", constant + ": exp(beta_E × batch_size), or 1 before 0.9", c.gpuEnergyBatchFactor(), "");
    d.step("gpu_energy_gamma", constant, c.gpuEnergyGamma(), "");
    d.step("gpu_energy_divisor", constant + ": 1000 where the fit is in Wh per token", c.gpuEnergyDivisor(), "");
    d.step("gpu_energy_stdev", constant, c.gpuEnergyStdev(), "");
    d.step("latency_alpha", constant, c.latencyAlpha(), "");
    d.step("latency_beta", constant, c.latencyBeta(), "");
    d.step("latency_batch_term", constant + ": the batch size from 0.9, else 1", c.latencyBatchTerm(), "");
    d.step("latency_gamma", constant, c.latencyGamma(), "");
    d.step("latency_stdev", constant, c.latencyStdev(), "");
    d.step("batch_size", constant, c.batchSize(), "requests");
    d.step("quantization_bits", constant, c.quantizationBits(), "bits");
    d.step("gpu_memory_gb", constant, c.gpuMemoryGb(), "GB");
    d.step("server_gpus", constant, c.serverGpus(), "GPUs");
    d.step("server_power_kw", constant, c.serverPowerKw(), "kW");
    d.step("server_embodied_gwp_kg", constant, c.serverEmbodiedGwpKg(), "kgCO2e");
    d.step("gpu_embodied_gwp_kg", constant, c.gpuEmbodiedGwpKg(), "kgCO2e");
    d.step("hardware_lifespan_s", constant, c.hardwareLifespanSeconds(), "s");
  }

  private LlmImpacts.Bound bound(ModelSpec spec, long tokens, double latency, Datacenter dc, double wueOffSite, boolean high, Derivation d) {
    String params = high ? "the resolved model's size, high bound" : "the resolved model's size, low bound";
    return LlmImpacts.compute(coefficients,
        d.step("active_params_b", params, high ? spec.activeParamsB().high() : spec.activeParamsB().low(), "billions"),
        d.step("total_params_b", params, high ? spec.totalParamsB().high() : spec.totalParamsB().low(), "billions"),
        tokens, latency,
        d.step("pue", high ? "the datacenter's PUE, high bound" : "the datacenter's PUE, low bound", high ? dc.pue().high() : dc.pue().low(), ""),
        d.step("wue_on_site_l_per_kwh", "the datacenter's on-site WUE", high ? dc.wueOnSiteLitresPerKwh().high() : dc.wueOnSiteLitresPerKwh().low(), "L/kWh"),
        d.step("wue_off_site_l_per_kwh", "the electricity zone's off-site WUE (0 where unknown)", Double.isNaN(wueOffSite) ? 0 : wueOffSite, "L/kWh"),
        high, d);
  }

  /**
   * Off-site water per kWh of the zone the electricity comes from, or NaN when this release models
   * no water or has no factor for the zone. With only an explicit intensity, the provider's zone is used.
   */
  private double waterZoneWue(InvocationRecord record, Intensity intensity, Datacenter datacenter) {
    if (!coefficients.modelsWater()) return Double.NaN;
    String zone = intensity != null && intensity.country() != null ? intensity.country()
        : record.zone() == null && record.region() == null ? datacenter.zone() : null;
    return zone == null ? Double.NaN : mixes.mix(zone).map(ElectricityMixes.Mix::wueLitresPerKwh).orElse(Double.NaN);
  }

  private Figure water(LlmImpacts.Bound low, LlmImpacts.Bound high, ModelMatch match, Intensity intensity,
      double wueOffSite, InvocationRecord record) {
    if (!coefficients.modelsWater()) {
      return Figure.unknown(Quantity.WATER, new NullReason(NullReason.QUANTITY_NOT_MODELLED, version() + " does not model water."));
    }
    if (Double.isNaN(wueOffSite)) {
      String zone = intensity != null && intensity.zone() != null ? intensity.zone()
          : record.zone() != null ? record.zone() : record.region();
      return Figure.unknown(Quantity.WATER, NullReason.zoneNotRegistered(zone));
    }
    return Figure.known(Quantity.WATER, new Range(low.waterLitres(), high.waterLitres()), match.tier(), match.band(), method, version());
  }

  private Estimate unknownEverywhere(NullReason reason, Derivation derivation) {
    if (derivation.isRecording()) derivation.note("null", reason.code() + ": " + reason.message());
    return Estimate.unknown(version(), reason);
  }
}
