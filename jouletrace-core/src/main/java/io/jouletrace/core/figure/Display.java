package io.jouletrace.core.figure;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Rounds a figure for display to the precision its band allows (accurate 3, medium 2, gross 1
 * significant digits), so that a gross figure is never quoted as if it were precise. Stored
 * figures are never rounded.
 */
public final class Display {

  private Display() {}

  public static String of(double value, AccuracyBand band) {
    if (value == 0) return "0";
    BigDecimal rounded = new BigDecimal(value).round(new MathContext(band.significantDigits(), RoundingMode.HALF_EVEN));
    return rounded.abs().compareTo(BigDecimal.valueOf(1e-4)) < 0 || rounded.abs().compareTo(BigDecimal.valueOf(1e7)) >= 0
        ? rounded.stripTrailingZeros().toString().replace("E+", "e").replace("E", "e")
        : rounded.toPlainString();
  }
}
