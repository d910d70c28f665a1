package io.jouletrace.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.jouletrace.core.methodology.Derivation;
import io.jouletrace.core.carbon.IntensityResolver;
import io.jouletrace.core.figure.Figure;
import io.jouletrace.core.figure.Range;
import io.jouletrace.core.methodology.Estimate;
import io.jouletrace.core.methodology.ecologits.EcoLogitsCoefficients;
import io.jouletrace.core.methodology.ecologits.EcoLogitsMethodology;
import io.jouletrace.core.methodology.ecologits.ElectricityMixes;
import io.jouletrace.core.model.ModelRegistry;
import io.jouletrace.core.model.ModelResolver;
import io.jouletrace.core.model.ModelSpec;
import io.jouletrace.core.model.NameEstimate;
import io.jouletrace.core.record.InvocationRecord;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Leave-one-out calibration of sizes read from names (docs/methodology.md §2, "Calibration"): every model of each
 * EcoLogits registry is figured from its name alone, as if the registry did not list it, and compared with the figure
 * the registry gives it. The shares of registry figures inside the name estimate's range, and inside what its band
 * claims, must stay at or above what the methodology document publishes.
 */
class BandCalibrationTest {

  /** The shares docs/methodology.md claims for rule 2, in per cent: inside the range, inside the band's claim. */
  private static final double CLAIMED_INSIDE_RANGE = 90;
  private static final double CLAIMED_INSIDE_BAND = 90;

  private static final List<EcoLogitsCoefficients> RELEASES = List.of(EcoLogitsCoefficients.V0_4_0,
      EcoLogitsCoefficients.V0_8_2, EcoLogitsCoefficients.V0_9_1, EcoLogitsCoefficients.V0_9_3);
  private static final IntensityResolver INTENSITIES = Catalog.estimator(Catalog.Options.defaults()).intensities();
  private static final long OUTPUT_TOKENS = 1000;

  /** One registry's calibration: models listed, models whose name gives a size, and how many of those are covered. */
  record Calibration(String version, int listed, int figured, int insideRange, int insideBand) {
    double shareInsideRange() {
      return 100.0 * insideRange / figured;
    }

    double shareInsideBand() {
      return 100.0 * insideBand / figured;
    }

    String row() {
      return String.format("| %s | %d | %d | %d (%.1f%%) | %d (%.1f%%) |", version, listed, figured, insideRange,
          shareInsideRange(), insideBand, shareInsideBand());
    }
  }

  /** The release's method over a registry listing only {@code models}: any other model is figured from its name. */
  private static EcoLogitsMethodology listing(EcoLogitsCoefficients release, List<ModelSpec> models, ElectricityMixes mixes) {
    return new EcoLogitsMethodology(release,
        new ModelResolver(new ModelRegistry("listing " + models.size(), ModelRegistry.Lookup.EXACT, models, Map.of()), null), mixes);
  }

  static Calibration calibrate(EcoLogitsCoefficients release, NameEstimate.Rule rule) {
    ModelRegistry registry = EcoLogitsData.registry(release);
    ElectricityMixes mixes = EcoLogitsData.mixes(release);
    EcoLogitsMethodology fromNameAlone = listing(release, List.of(), mixes);
    int figured = 0;
    int insideRange = 0;
    int insideBand = 0;
    for (ModelSpec model : registry.models()) {
      // The model's own entry alone, so that 0.4's substring lookup cannot answer with another entry.
      EcoLogitsMethodology listed = listing(release, List.of(model), mixes);
      InvocationRecord call = InvocationRecord.builder(model.provider(), model.name(), OUTPUT_TOKENS).build();
      Estimate named = fromNameAlone.estimate(call, INTENSITIES, rule, Derivation.NONE);
      if (!(named.energy() instanceof Figure.Known estimate)) continue;
      double truth = ((Figure.Known) listed.estimate(call, INTENSITIES).energy()).value();
      figured++;
      if (estimate.range().contains(truth)) insideRange++;
      if (estimate.band().claim(estimate.value(), estimate.range()).contains(truth)) insideBand++;
    }
    return new Calibration(release.methodologyVersion(), registry.models().size(), figured, insideRange, insideBand);
  }

  @Test
  void sizes_read_from_names_cover_the_registry_figures_as_documented() {
    List<Calibration> calibrations = RELEASES.stream().map(release -> calibrate(release, NameEstimate.Rule.CURRENT)).toList();
    // The table of docs/methodology.md, with rule 1's shares beside rule 2's.
    for (EcoLogitsCoefficients release : RELEASES) {
      Calibration before = calibrate(release, NameEstimate.Rule.V1);
      System.out.println(calibrate(release, NameEstimate.Rule.CURRENT).row()
          + String.format(" %.1f%% / %.1f%% |", before.shareInsideRange(), before.shareInsideBand()));
    }
    for (Calibration current : calibrations) {
      assertThat(current.figured()).as(current.version()).isGreaterThan(50);
      assertThat(current.shareInsideRange()).as(current.row()).isGreaterThanOrEqualTo(CLAIMED_INSIDE_RANGE);
      assertThat(current.shareInsideBand()).as(current.row()).isGreaterThanOrEqualTo(CLAIMED_INSIDE_BAND);
    }
  }

  @Test
  void a_mixture_of_experts_named_by_its_total_lies_inside_its_range() {
    // The finding: under 0.4.0, rule 1 figured gpt-oss-120b as 120 B active, 5.1 B in truth (0.9.1's registry).
    ModelSpec truth = new ModelSpec("huggingface_hub", "openai/gpt-oss-120b", Range.exactly(5.1), Range.exactly(117), List.of());
    EcoLogitsCoefficients release = EcoLogitsCoefficients.V0_4_0;
    ElectricityMixes mixes = EcoLogitsData.mixes(release);
    EcoLogitsMethodology listed = listing(release, List.of(truth), mixes);
    EcoLogitsMethodology fromNameAlone = listing(release, List.of(), mixes);
    InvocationRecord call = InvocationRecord.builder(truth.provider(), truth.name(), OUTPUT_TOKENS).build();
    double registryWh = ((Figure.Known) listed.estimate(call, INTENSITIES).energy()).value();
    Figure.Known rule1 = (Figure.Known) fromNameAlone.estimate(call, INTENSITIES, NameEstimate.Rule.V1, Derivation.NONE).energy();
    Figure.Known rule2 = (Figure.Known) fromNameAlone.estimate(call, INTENSITIES).energy();
    assertThat(rule1.range().contains(registryWh)).isFalse();
    assertThat(rule1.range().low() / registryWh).isGreaterThan(2);
    assertThat(rule2.range().contains(registryWh)).as(rule2.range() + " vs " + registryWh).isTrue();
    assertThat(rule2.band().claim(rule2.value(), rule2.range()).contains(registryWh)).isTrue();
  }
}
