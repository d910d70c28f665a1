package io.jouletrace.core.methodology;

import io.jouletrace.core.carbon.Intensity;
import io.jouletrace.core.carbon.IntensityResolver;
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

  /** Joules in one kWh: energy is kept in joules, intensities are per kWh. */
  public static final double JOULES_PER_KWH = 3.6e6;

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
    Intensity intensity = resolved.intensity();
    Figure carbon = intensity == null
        ? Figure.unknown(Quantity.CARBON, resolved.missing())
        : energy.scaled(Quantity.CARBON, intensity.gramsPerKwh() / JOULES_PER_KWH, energy.band().worse(intensity.band()));
    var notModelled = new NullReason(NullReason.QUANTITY_NOT_MODELLED, energy.methodologyVersion() + " models energy only.");
    return new Estimate(energy.methodologyVersion(), model, energy, carbon, intensity,
        Figure.unknown(Quantity.EMBODIED_CARBON, notModelled), Figure.unknown(Quantity.WATER, notModelled), warnings);
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
