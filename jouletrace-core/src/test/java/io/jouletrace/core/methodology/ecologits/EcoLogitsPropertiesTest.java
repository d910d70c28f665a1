package io.jouletrace.core.methodology.ecologits;

import static org.assertj.core.api.Assertions.assertThat;

import io.jouletrace.core.Fixtures;
import io.jouletrace.core.figure.Figure;
import io.jouletrace.core.figure.NullReason;
import io.jouletrace.core.methodology.Estimate;
import io.jouletrace.core.methodology.Estimator;
import io.jouletrace.core.record.InvocationRecord;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Invariants of the EcoLogits port over seeded random inputs (plain JUnit, fixed seeds, no shrinking). */
class EcoLogitsPropertiesTest {

  private static final List<EcoLogitsCoefficients> RELEASES =
      List.of(EcoLogitsCoefficients.V0_4_0, EcoLogitsCoefficients.V0_8_2, EcoLogitsCoefficients.V0_9_1);
  private static final List<String> MODELS = List.of("open-mistral-7b", "gpt-4o", "gpt-3.5-turbo", "gpt-35-turbo");
  private static final Estimator ESTIMATOR = Fixtures.estimator();

  static LongStream seeds() {
    return LongStream.range(0, 200).map(i -> 0x5EED + i);
  }

  private record Inputs(EcoLogitsCoefficients release, double active, double total, long tokens, double latency, double pue, boolean high) {
    LlmImpacts.Bound bound() {
      return LlmImpacts.compute(release, active, total, tokens, latency, pue, 0.5, 3.0, high);
    }
  }

  private static Inputs random(SplittableRandom random) {
    double total = 0.1 + random.nextDouble() * 2000;
    double active = total * (0.05 + random.nextDouble() * 0.95);
    double latency = random.nextBoolean() ? Double.POSITIVE_INFINITY : random.nextDouble() * 120;
    return new Inputs(RELEASES.get(random.nextInt(RELEASES.size())), active, total, random.nextLong(0, 50_000), latency,
        1 + random.nextDouble() * 0.5, random.nextBoolean());
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void energy_never_falls_when_tokens_grow(long seed) {
    var random = new SplittableRandom(seed);
    Inputs in = random(random);
    Inputs more = new Inputs(in.release(), in.active(), in.total(), in.tokens() + 1 + random.nextLong(0, 10_000), in.latency(), in.pue(), in.high());
    assertThat(more.bound().requestEnergyKwh()).as("seed %d: %s", seed, in).isGreaterThanOrEqualTo(in.bound().requestEnergyKwh());
    assertThat(more.bound().gpuEnergyKwh()).isGreaterThan(in.bound().gpuEnergyKwh());
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void energy_never_falls_when_the_model_grows(long seed) {
    var random = new SplittableRandom(seed);
    Inputs in = random(random);
    double factor = 1 + random.nextDouble();
    Inputs bigger = new Inputs(in.release(), in.active() * factor, in.total() * factor, in.tokens(), in.latency(), in.pue(), in.high());
    assertThat(bigger.bound().requestEnergyKwh()).as("seed %d: %s", seed, in).isGreaterThanOrEqualTo(in.bound().requestEnergyKwh());
    assertThat(bigger.bound().gpuRequiredCount()).isGreaterThanOrEqualTo(in.bound().gpuRequiredCount());
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void every_figure_has_low_le_mid_le_high_and_the_mid_is_the_midpoint(long seed) {
    var random = new SplittableRandom(seed);
    var record = InvocationRecord.builder("openai", MODELS.get(random.nextInt(MODELS.size())), random.nextLong(0, 20_000))
        .latencySeconds(random.nextBoolean() ? null : random.nextDouble() * 60)
        .zone(random.nextBoolean() ? null : List.of("FRA", "USA", "SWE", "WOR").get(random.nextInt(4)))
        .build();
    Estimate estimate = ESTIMATOR.estimate(record);
    for (Figure figure : List.of(estimate.energy(), estimate.carbon(), estimate.embodiedCarbon(), estimate.water())) {
      if (figure instanceof Figure.Known known) {
        assertThat(known.range().low()).as("seed %d %s", seed, figure.quantity()).isLessThanOrEqualTo(known.value());
        assertThat(known.value()).isLessThanOrEqualTo(known.range().high());
        assertThat(known.value()).isEqualTo((known.range().low() + known.range().high()) / 2);
      }
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void zero_tokens_is_a_known_zero_never_an_unknown(long seed) {
    var random = new SplittableRandom(seed);
    var record = InvocationRecord.builder("mistralai", "open-mistral-7b", 0).latencySeconds(random.nextDouble() * 10).build();
    Estimate estimate = ESTIMATOR.estimate(record);
    assertThat(estimate.energy()).isInstanceOfSatisfying(Figure.Known.class, k -> assertThat(k.range().high()).isZero());
    assertThat(estimate.carbon()).isInstanceOfSatisfying(Figure.Known.class, k -> assertThat(k.range().high()).isZero());
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void unknowns_propagate_as_nulls_with_reasons_never_as_zero(long seed) {
    var random = new SplittableRandom(seed);
    long tokens = random.nextLong(1, 10_000);
    Estimate unknownModel = ESTIMATOR.estimate(InvocationRecord.builder("acme", "mystery-" + seed, tokens).build());
    assertThat(List.of(unknownModel.energy(), unknownModel.carbon(), unknownModel.embodiedCarbon(), unknownModel.water()))
        .allSatisfy(f -> assertThat(f).isInstanceOfSatisfying(Figure.Unknown.class,
            u -> assertThat(u.reason().code()).isEqualTo(NullReason.MODEL_NOT_REGISTERED)));
    assertThat(unknownModel.nullReasons()).extracting(Estimate.FieldReason::field)
        .containsExactly("energy", "carbon", "embodied_carbon", "water");

    Estimate unknownZone = ESTIMATOR.estimate(InvocationRecord.builder("openai", "gpt-4o", tokens).zone("Q" + seed).build());
    Estimate sameElsewhere = ESTIMATOR.estimate(InvocationRecord.builder("openai", "gpt-4o", tokens).zone("FRA").build());
    assertThat(unknownZone.energy()).isEqualTo(sameElsewhere.energy());
    assertThat(unknownZone.embodiedCarbon()).isEqualTo(sameElsewhere.embodiedCarbon());
    assertThat(unknownZone.carbon()).isInstanceOfSatisfying(Figure.Unknown.class,
        u -> assertThat(u.reason().code()).isEqualTo(NullReason.ZONE_NOT_REGISTERED));
    assertThat(unknownZone.water().isKnown()).isFalse();
  }
}
