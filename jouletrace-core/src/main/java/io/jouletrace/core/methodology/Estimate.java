package io.jouletrace.core.methodology;

import io.jouletrace.core.carbon.Intensity;
import io.jouletrace.core.carbon.IntensityResolver;
import io.jouletrace.core.figure.Energy;
import io.jouletrace.core.figure.Figure;
import io.jouletrace.core.figure.NullReason;
import io.jouletrace.core.figure.Quantity;
import io.jouletrace.core.model.ModelMatch;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * Everything one methodology says about one call: the model it resolved, energy, operational
 * carbon, embodied carbon and water, each known with its provenance or unknown with a reason.
 * Operational and embodied carbon stay separate figures and are never added here.
 *
 * @param model the resolved model, or {@code null} when none was found or none applies
 * @param intensity the grid intensity applied to the energy, or {@code null} when none was found
 */
public record Estimate(
    String methodologyVersion,
    ModelMatch model,
    Figure energy,
    Figure carbon,
    Intensity intensity,
    Figure embodiedCarbon,
    Figure water,
    List<String> warnings) {

  public Estimate {
    Objects.requireNonNull(methodologyVersion, "methodologyVersion");
    Objects.requireNonNull(energy, "energy");
    Objects.requireNonNull(carbon, "carbon");
    Objects.requireNonNull(embodiedCarbon, "embodiedCarbon");
    Objects.requireNonNull(water, "water");
    warnings = List.copyOf(warnings);
  }

  /** An estimate in which every figure is unknown for the same reason (unknown model, unmodelled operation). */
  public static Estimate unknown(String methodologyVersion, NullReason reason) {
    return new Estimate(methodologyVersion, null, Figure.unknown(Quantity.ENERGY, reason), Figure.unknown(Quantity.CARBON, reason),
        null, Figure.unknown(Quantity.EMBODIED_CARBON, reason), Figure.unknown(Quantity.WATER, reason), List.of());
  }

  /**
   * An estimate from an energy figure alone: carbon is energy × the resolved intensity, and the
   * methodology models neither embodied carbon nor water.
   */
  public static Estimate fromEnergy(ModelMatch model, Figure.Known energy, IntensityResolver.Result resolved, List<String> warnings) {
    return fromEnergy(model, energy, resolved, warnings, Derivation.NONE);
  }

  /** The same, writing the energy's bounds, the intensity and the carbon's bounds into {@code derivation}. */
  public static Estimate fromEnergy(ModelMatch model, Figure.Known energy, IntensityResolver.Result resolved, List<String> warnings,
      Derivation derivation) {
    derivation.step("energy_wh_low", "energy_j / 3600 (a point value: low = high)", new Energy(energy.range().low()).wh(), "Wh");
    derivation.step("energy_wh_high", "energy_j / 3600", new Energy(energy.range().high()).wh(), "Wh");
    Intensity intensity = deriveIntensity(derivation, resolved);
    Figure carbon = intensity == null
        ? Figure.unknown(Quantity.CARBON, resolved.missing())
        : energy.scaled(Quantity.CARBON, intensity.gramsPerKwh() / Energy.JOULES_PER_KWH, energy.band().worse(intensity.band()));
    if (carbon instanceof Figure.Known known) {
      derivation.step("carbon_g_low", "energy_wh_low / 1000 × intensity_g_per_kwh", known.range().low(), "gCO2e");
      derivation.step("carbon_g_high", "energy_wh_high / 1000 × intensity_g_per_kwh", known.range().high(), "gCO2e");
    }
    var notModelled = new NullReason(NullReason.QUANTITY_NOT_MODELLED, energy.methodologyVersion() + " models energy only.");
    return new Estimate(energy.methodologyVersion(), model, energy, carbon, intensity,
        Figure.unknown(Quantity.EMBODIED_CARBON, notModelled), Figure.unknown(Quantity.WATER, notModelled), warnings);
  }

  /**
   * Writes the resolved intensity (its value, the precedence step and dataset it came from, and the zone) or why there
   * is none; returns the intensity, or {@code null}.
   */
  public static Intensity deriveIntensity(Derivation derivation, IntensityResolver.Result resolved) {
    Intensity intensity = resolved.intensity();
    if (!derivation.isRecording()) return intensity;
    if (intensity == null) {
      derivation.note("intensity", "none: " + resolved.missing().code() + ": " + resolved.missing().message() + " (carbon is null)");
      return null;
    }
    derivation.note("intensity_source", intensity.source() + (intensity.zone() == null ? "" : ", zone " + intensity.zone())
        + ", band " + intensity.band().code());
    derivation.step("intensity_g_per_kwh", "read from intensity_source", intensity.gramsPerKwh(), "gCO2e/kWh");
    return intensity;
  }

  /** The same estimate with more warnings appended. */
  public Estimate withWarnings(List<String> more) {
    var all = new ArrayList<>(warnings);
    all.addAll(more);
    return new Estimate(methodologyVersion, model, energy, carbon, intensity, embodiedCarbon, water, all);
  }

  /** One entry per unknown figure, in eco-block order, naming the figure's field. */
  public List<FieldReason> nullReasons() {
    List<FieldReason> reasons = new ArrayList<>(4);
    Stream.of(energy, carbon, embodiedCarbon, water).forEach(figure -> {
      if (figure instanceof Figure.Unknown unknown) {
        reasons.add(new FieldReason(unknown.quantity().field(), unknown.reason()));
      }
    });
    return reasons;
  }

  /** A reason and the field it explains. */
  public record FieldReason(String field, NullReason reason) {}
}
