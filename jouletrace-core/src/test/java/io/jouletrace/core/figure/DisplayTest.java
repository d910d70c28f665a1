package io.jouletrace.core.figure;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Text output rounds each figure to the precision its own range supports, and never hides the range. */
class DisplayTest {

  @Test
  void a_total_with_a_small_gross_part_keeps_the_precision_of_its_range() {
    // Was "2000 Wh … range 2000 – 2000 Wh": the weakest band present set one significant digit for the whole.
    Display.Shown total = Display.of(2044.5, 1591.6, 2497.4, AccuracyBand.GROSS);
    assertThat(total).isEqualTo(new Display.Shown("2040", "1590", "2500"));
  }

  @Test
  void days_and_the_period_they_make_are_shown_alike() {
    // Was 100 Wh for 1–3 December while its two days printed 70 + 70.
    Display.Shown first = Display.of(70.4, 68.9, 71.6, AccuracyBand.GROSS);
    Display.Shown second = Display.of(69.8, 68.2, 71.1, AccuracyBand.GROSS);
    Display.Shown period = Display.of(140.2, 137.1, 142.7, AccuracyBand.GROSS);
    assertThat(first.value()).isEqualTo("70.4");
    assertThat(second.value()).isEqualTo("69.8");
    assertThat(period.value()).isEqualTo("140.2");
  }

  @Test
  void a_budget_overrun_is_not_rounded_away() {
    // Was "spent 0.01 kWh [0.009 – 0.01] of 0.01 kWh … remaining -0.002".
    double limit = 0.01;
    Display.Shown spent = Display.of(0.0118, 0.00923, 0.01447, AccuracyBand.GROSS);
    Display.Shown remaining = Display.of(limit - 0.0118, limit - 0.01447, limit - 0.00923, AccuracyBand.GROSS);
    assertThat(spent).isEqualTo(new Display.Shown("0.0118", "0.0092", "0.0145"));
    assertThat(remaining.value()).isEqualTo("-0.0018");
    // A remaining amount smaller than the range's resolution keeps its sign.
    assertThat(Display.of(-0.0004, -0.006, 0.005, AccuracyBand.GROSS).value()).isEqualTo("-0.0004");
    assertThat(Display.of(0.0004, -0.006, 0.005, AccuracyBand.GROSS).value()).isEqualTo("0.0004");
  }

  @Test
  void a_point_figure_is_shown_with_its_bands_digits() {
    assertThat(Display.of(0.008535977680336085, AccuracyBand.ACCURATE)).isEqualTo("0.00854");
    assertThat(Display.of(0.3141, AccuracyBand.GROSS)).isEqualTo("0.3");
    assertThat(Display.of(0, AccuracyBand.GROSS)).isEqualTo("0");
  }

  @Test
  void printed_bounds_contain_the_range_and_no_rounding_changes_a_sign() {
    for (long seed = 1; seed <= 20; seed++) {
      SplittableRandom random = new SplittableRandom(seed);
      for (int i = 0; i < 500; i++) {
        double scale = Math.pow(10, random.nextInt(-9, 9));
        double low = (random.nextDouble() * 2 - 0.5) * scale;
        double high = low + (random.nextInt(4) == 0 ? 0 : random.nextDouble() * scale * Math.pow(10, random.nextInt(-6, 2)));
        double value = low + (high - low) * random.nextDouble();
        AccuracyBand band = AccuracyBand.values()[random.nextInt(3)];
        Display.Shown shown = Display.of(value, low, high, band);
        String where = "seed " + seed + " #" + i + ": " + value + " [" + low + ", " + high + "] " + band + " → " + shown;
        assertThat(new BigDecimal(shown.low())).as(where).isLessThanOrEqualTo(new BigDecimal(low));
        assertThat(new BigDecimal(shown.high())).as(where).isGreaterThanOrEqualTo(new BigDecimal(high));
        assertThat(new BigDecimal(shown.value()).signum()).as(where).isEqualTo((int) Math.signum(value));
        assertThat(new BigDecimal(shown.low()).signum()).as(where).isEqualTo((int) Math.signum(low));
        assertThat(new BigDecimal(shown.high()).signum()).as(where).isEqualTo((int) Math.signum(high));
        if (low < high && Math.abs(high - low) > 1e-5 * Math.max(Math.abs(low), Math.abs(high))) {
          assertThat(shown.low()).as(where + ": a range that is not a point stays distinguishable").isNotEqualTo(shown.high());
        }
      }
    }
  }
}
