package io.jouletrace.core.figure;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Rounds a figure for text output to the precision its own range supports (docs/methodology.md §2, "Display"):
 * the value, and its low and high bound, to one decimal place finer than the leading digit of the range's width; the
 * low bound rounded down and the high bound rounded up, so the printed range always contains the real one. A figure
 * whose range is a single point is shown with its band's significant digits (accurate 3, medium 2, gross 1). No
 * rounding changes a number's sign: a non-zero number that would round to zero or across it gets more digits. Stored
 * figures and JSON are never rounded.
 */
public final class Display {

  /** At most this many significant digits, however narrow a range is. */
  private static final int MOST_DIGITS = 6;

  private Display() {}

  /** A figure as printed: its value and its range's bounds, rounded alike. */
  public record Shown(String value, String low, String high) {
    /** {@code value [low – high]}. */
    public String withRange() {
      return value + " [" + low + " – " + high + "]";
    }
  }

  /** A figure of value {@code value} whose true value lies in {@code [low, high]}; the numbers may be negative. */
  public static Shown of(double value, double low, double high, AccuracyBand band) {
    int exponent = high > low ? leadingExponent(high - low) - 1 : leadingExponent(value) - (band.significantDigits() - 1);
    exponent = Math.max(exponent, leadingExponent(Math.max(Math.abs(low), Math.abs(high))) - (MOST_DIGITS - 1));
    return new Shown(round(value, exponent, RoundingMode.HALF_EVEN), round(low, exponent, RoundingMode.FLOOR),
        round(high, exponent, RoundingMode.CEILING));
  }

  /** A known figure, scaled into the unit it is shown in (e.g. joules to Wh: 1 / 3600). */
  public static Shown of(Figure.Known figure, double scale) {
    return of(figure.value() * scale, figure.range().low() * scale, figure.range().high() * scale, figure.band());
  }

  /** A number with no range of its own (an intensity, a count): its band's significant digits. */
  public static String of(double value, AccuracyBand band) {
    return of(value, value, value, band).value();
  }

  /** The power of ten of {@code x}'s leading digit (0 for 0). */
  private static int leadingExponent(double x) {
    return x == 0 || !Double.isFinite(x) ? 0 : (int) Math.floor(Math.log10(Math.abs(x)));
  }

  /** {@code x} to the multiple of 10^exponent that {@code mode} picks, with more digits where that would change its sign. */
  private static String round(double x, int exponent, RoundingMode mode) {
    if (x == 0) return "0";
    BigDecimal exact = new BigDecimal(x);
    BigDecimal rounded = exact.setScale(-exponent, mode);
    // Sign kept: a non-zero number never prints as 0 or with the other sign. This ends at the number's own leading
    // digit at the latest, where every rounding mode keeps the sign.
    for (int e = exponent - 1; rounded.signum() != exact.signum(); e--) {
      rounded = exact.setScale(-e, mode);
    }
    BigDecimal magnitude = rounded.abs();
    return magnitude.compareTo(BigDecimal.valueOf(1e-4)) < 0 || magnitude.compareTo(BigDecimal.valueOf(1e7)) >= 0
        ? rounded.stripTrailingZeros().toString().replace("E+", "e").replace("E", "e")
        : rounded.toPlainString();
  }
}
