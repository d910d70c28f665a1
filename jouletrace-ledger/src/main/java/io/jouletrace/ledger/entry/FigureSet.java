package io.jouletrace.ledger.entry;

import io.jouletrace.catalog.Datasets;
import io.jouletrace.core.carbon.Intensity;
import io.jouletrace.core.figure.Figure;
import io.jouletrace.core.methodology.Estimate;
import io.jouletrace.core.model.ModelMatch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The figures of one record under one methodology version, as the ledger stores them: each amount
 * as its low and high bound (the value is their midpoint) with tier and band, or {@code null} with
 * its reason in {@link #nullReasons}. Units are canonical: joules, grams, litres.
 *
 * @param nullReasons {@code field=code} pairs joined by {@code ;}, or {@code null} when every figure is known
 * @param datasets the releases of the bundled datasets that figured it ({@link Datasets#forMethodology}), or {@code null}
 *     for figures stored before releases were recorded and for measured sets
 */
public record FigureSet(
    String methodologyVersion,
    String modelResolved,
    String modelSource,
    String modelBand,
    Amount energyJoules,
    Amount carbonGrams,
    Amount embodiedCarbonGrams,
    Amount waterLitres,
    Double intensityGramsPerKwh,
    String intensitySource,
    String intensityZone,
    String nullReasons,
    String datasets) {

  public FigureSet {
    Objects.requireNonNull(methodologyVersion, "methodologyVersion");
  }

  /** A set that names no dataset releases, as every set did before they were recorded. */
  public FigureSet(String methodologyVersion, String modelResolved, String modelSource, String modelBand, Amount energyJoules,
      Amount carbonGrams, Amount embodiedCarbonGrams, Amount waterLitres, Double intensityGramsPerKwh, String intensitySource,
      String intensityZone, String nullReasons) {
    this(methodologyVersion, modelResolved, modelSource, modelBand, energyJoules, carbonGrams, embodiedCarbonGrams, waterLitres,
        intensityGramsPerKwh, intensitySource, intensityZone, nullReasons, null);
  }

  /** A stored null reason: the unknown figure's field and the reason's code (the store keeps no message). */
  public record FieldCode(String field, String code) {}

  /** {@link #nullReasons} one by one, in stored order; empty when every figure is known. */
  public List<FieldCode> nullReasonCodes() {
    if (nullReasons == null) return List.of();
    return Arrays.stream(nullReasons.split(";")).map(pair -> pair.split("=", 2)).map(pair -> new FieldCode(pair[0], pair[1])).toList();
  }

  /** A known amount: bounds, tier and band. */
  public record Amount(double low, double high, String tier, String band) {
    public double value() {
      return (low + high) / 2;
    }

    static Amount of(Figure figure) {
      return figure instanceof Figure.Known known
          ? new Amount(known.range().low(), known.range().high(), known.tier().code(), known.band().code())
          : null;
    }
  }

  public static FigureSet of(Estimate estimate) {
    ModelMatch model = estimate.model();
    Intensity intensity = estimate.carbon().isKnown() ? estimate.intensity() : null;
    String reasons = estimate.nullReasons().isEmpty() ? null : estimate.nullReasons().stream()
        .map(r -> r.field() + "=" + r.reason().code()).collect(Collectors.joining(";"));
    return new FigureSet(estimate.methodologyVersion(),
        model == null ? null : model.spec().name(), model == null ? null : model.source(),
        model == null ? null : model.band().code(),
        Amount.of(estimate.energy()), Amount.of(estimate.carbon()), Amount.of(estimate.embodiedCarbon()),
        Amount.of(estimate.water()),
        intensity == null ? null : intensity.gramsPerKwh(), intensity == null ? null : intensity.source(),
        intensity == null ? null : intensity.zone(), reasons);
  }

  /** {@link #of} with the releases of the bundled datasets that figured it: what the ledger stores for a new figure. */
  public static FigureSet withDatasets(Estimate estimate) {
    FigureSet figures = of(estimate);
    return new FigureSet(figures.methodologyVersion, figures.modelResolved, figures.modelSource, figures.modelBand,
        figures.energyJoules, figures.carbonGrams, figures.embodiedCarbonGrams, figures.waterLitres, figures.intensityGramsPerKwh,
        figures.intensitySource, figures.intensityZone, figures.nullReasons, Datasets.forMethodology(estimate.methodologyVersion()));
  }

  /**
   * Whether this set names dataset releases other than {@code recomputed}'s (the bundled ones now): its figures then
   * follow from data no longer bundled and are not compared. A set that names none (stored before releases were
   * recorded) is always compared.
   */
  public boolean datasetsDiffer(FigureSet recomputed) {
    return datasets != null && !datasets.equals(recomputed.datasets);
  }

  /**
   * The fields in which {@code recomputed} differs from this stored set, numbers compared to
   * floating-point rounding ({@value #RELATIVE_TOLERANCE} relative); empty when they agree.
   */
  public List<String> differences(FigureSet recomputed) {
    List<String> out = new ArrayList<>();
    same(out, "methodology_version", methodologyVersion, recomputed.methodologyVersion);
    same(out, "model_resolved", modelResolved, recomputed.modelResolved);
    same(out, "model_source", modelSource, recomputed.modelSource);
    same(out, "model_band", modelBand, recomputed.modelBand);
    amount(out, "energy_j", energyJoules, recomputed.energyJoules);
    amount(out, "carbon_g", carbonGrams, recomputed.carbonGrams);
    amount(out, "embodied_g", embodiedCarbonGrams, recomputed.embodiedCarbonGrams);
    amount(out, "water_l", waterLitres, recomputed.waterLitres);
    number(out, "intensity_g_per_kwh", intensityGramsPerKwh, recomputed.intensityGramsPerKwh);
    same(out, "intensity_source", intensitySource, recomputed.intensitySource);
    same(out, "intensity_zone", intensityZone, recomputed.intensityZone);
    same(out, "null_reasons", nullReasons, recomputed.nullReasons);
    return out;
  }

  static final double RELATIVE_TOLERANCE = 1e-12;

  private static void same(List<String> out, String field, Object stored, Object recomputed) {
    if (!Objects.equals(stored, recomputed)) out.add(field + ": stored " + stored + ", recomputed " + recomputed);
  }

  private static void amount(List<String> out, String field, Amount stored, Amount recomputed) {
    if (stored == null || recomputed == null) {
      same(out, field, stored, recomputed);
      return;
    }
    number(out, field + "_low", stored.low(), recomputed.low());
    number(out, field + "_high", stored.high(), recomputed.high());
    same(out, field + "_tier", stored.tier(), recomputed.tier());
    same(out, field + "_band", stored.band(), recomputed.band());
  }

  private static void number(List<String> out, String field, Double stored, Double recomputed) {
    if (stored == null || recomputed == null) {
      same(out, field, stored, recomputed);
    } else if (Math.abs(stored - recomputed) > RELATIVE_TOLERANCE * Math.max(Math.abs(stored), Math.abs(recomputed))) {
      out.add(field + ": stored " + stored + ", recomputed " + recomputed);
    }
  }
}
