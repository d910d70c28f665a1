package io.jouletrace.core.figure;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Energy's conversions are the very operations figures were computed with before it existed, to the last bit. */
class EnergyTest {

  @Test
  void wh_and_kwh_divide_and_multiply_by_the_exact_factors() {
    assertThat(Energy.ofWh(1).joules()).isEqualTo(3600);
    assertThat(Energy.ofKwh(1).joules()).isEqualTo(3.6e6);
    assertThat(new Energy(7200).wh()).isEqualTo(2);
    assertThat(new Energy(1.8e6).kwh()).isEqualTo(0.5);
    for (double joules = 0.1; joules < 1e9; joules = joules * 1.7 + 0.013) {
      assertThat(new Energy(joules).wh()).isEqualTo(joules / 3600);
      assertThat(new Energy(joules).kwh()).isEqualTo(joules / 3.6e6);
      assertThat(Energy.ofWh(joules).joules()).isEqualTo(joules * 3600);
      assertThat(Energy.ofKwh(joules).joules()).isEqualTo(joules * 3.6e6);
      assertThat(joules * Energy.WH_PER_JOULE).isEqualTo(joules * (1 / 3600.0));
    }
  }

  @Test
  void dividing_by_3600_and_scaling_by_its_reciprocal_differ_in_the_last_bit_for_some_values() {
    // Why wh() divides and WH_PER_JOULE is kept apart: swapping one for the other would change stored and shown figures.
    boolean differs = false;
    for (int i = 1; i < 1000 && !differs; i++) differs = new Energy(i * 0.7).wh() != i * 0.7 * Energy.WH_PER_JOULE;
    assertThat(differs).isTrue();
  }
}
