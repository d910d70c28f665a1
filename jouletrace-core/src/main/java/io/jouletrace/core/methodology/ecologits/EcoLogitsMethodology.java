package io.jouletrace.core.methodology.ecologits;

import io.jouletrace.core.carbon.Intensity;
import io.jouletrace.core.carbon.IntensityResolver;
import io.jouletrace.core.figure.AccuracyBand;
import io.jouletrace.core.figure.Figure;
import io.jouletrace.core.figure.NullReason;
import io.jouletrace.core.figure.Quantity;
import io.jouletrace.core.figure.Range;
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
  public Estimate estimate(InvocationRecord record, IntensityResolver intensities) {
    return estimate(record, intensities, NameEstimate.Rule.CURRENT);
  }

  @Override
  public Estimate estimate(InvocationRecord record, IntensityResolver intensities, NameEstimate.Rule names) {
    if (!models(record.operation())) {
      return unknownEverywhere(new NullReason(NullReason.OPERATION_NOT_MODELLED,
          version() + " models text generation, not `" + record.operation() + "` calls."));
    }
    ModelMatch match = models.resolve(record.provider(), record.model(), names).orElse(null);
    if (match == null) {
      return unknownEverywhere(NullReason.modelNotRegistered(record.provider(), record.model()));
    }
    ModelSpec spec = match.spec();
    List<String> warnings = new ArrayList<>(spec.warnings());
    Datacenter datacenter = coefficients.datacenter(spec.provider());
    if (!coefficients.knowsProvider(spec.provider())) warnings.add("datacenter-assumed");

    double latency = record.latencySeconds() == null ? Double.POSITIVE_INFINITY : record.latencySeconds();
    IntensityResolver.Result resolved = intensities.resolve(record, mixes, datacenter.zone());
    Intensity intensity = resolved.intensity();
    double wueOffSite = waterZoneWue(record, intensity, datacenter);
    LlmImpacts.Bound low = bound(spec, record.outputTokens(), latency, datacenter, wueOffSite, false);
    LlmImpacts.Bound high = bound(spec, record.outputTokens(), latency, datacenter, wueOffSite, true);

    var energyJoules = new Range(low.requestEnergyKwh() * Estimate.JOULES_PER_KWH, high.requestEnergyKwh() * Estimate.JOULES_PER_KWH);
    if (match.isNameEstimate() && names != NameEstimate.Rule.V1) match = match.withBand(AccuracyBand.ofEstimatedRange(energyJoules));
    var energy = Figure.known(Quantity.ENERGY, energyJoules, match.tier(), match.band(), method, version());
    Figure carbon = intensity == null
        ? Figure.unknown(Quantity.CARBON, resolved.missing())
        : Figure.known(Quantity.CARBON,
            new Range(low.requestEnergyKwh() * intensity.gramsPerKwh(), high.requestEnergyKwh() * intensity.gramsPerKwh()),
            match.tier(), match.band().worse(intensity.band()), method, version());
    var embodied = Figure.known(Quantity.EMBODIED_CARBON,
        new Range(low.embodiedGwpKg() * 1000, high.embodiedGwpKg() * 1000), match.tier(), match.band(), method, version());
    return new Estimate(version(), match, energy, carbon, intensity, embodied,
        water(low, high, match, intensity, wueOffSite, record), warnings);
  }

  private LlmImpacts.Bound bound(ModelSpec spec, long tokens, double latency, Datacenter dc, double wueOffSite, boolean high) {
    return LlmImpacts.compute(coefficients,
        high ? spec.activeParamsB().high() : spec.activeParamsB().low(),
        high ? spec.totalParamsB().high() : spec.totalParamsB().low(),
        tokens, latency,
        high ? dc.pue().high() : dc.pue().low(),
        high ? dc.wueOnSiteLitresPerKwh().high() : dc.wueOnSiteLitresPerKwh().low(),
        Double.isNaN(wueOffSite) ? 0 : wueOffSite, high);
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

  private Estimate unknownEverywhere(NullReason reason) {
    return Estimate.unknown(version(), reason);
  }
}
