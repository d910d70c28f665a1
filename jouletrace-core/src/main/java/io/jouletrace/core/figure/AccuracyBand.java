package io.jouletrace.core.figure;

import java.util.Locale;

/**
 * Where the true value of a figure lies, as a claim jouletrace makes and measures (docs/methodology.md §2):
 * {@code accurate} — within the figure's range; {@code medium} — within the range or within ±50% of the value,
 * whichever is wider; {@code gross} — within the range or within a factor of two of the value, whichever is wider.
 */
public enum AccuracyBand {
  ACCURATE(3, 1, 1),
  MEDIUM(2, 0.5, 1.5),
  GROSS(1, 0.5, 2);

  private final int significantDigits;
  private final double lowFactor;
  private final double highFactor;

  AccuracyBand(int significantDigits, double lowFactor, double highFactor) {
    this.significantDigits = significantDigits;
    this.lowFactor = lowFactor;
    this.highFactor = highFactor;
  }

  /** Significant digits a figure of this band is shown with when its range is a single point ({@link Display}). */
  public int significantDigits() {
    return significantDigits;
  }

  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The band whose {@link #code} is {@code code}. */
  public static AccuracyBand of(String code) {
    return valueOf(code.toUpperCase(Locale.ROOT));
  }

  /** The band of a figure derived from two inputs is the worse of their bands. */
  public AccuracyBand worse(AccuracyBand other) {
    return ordinal() >= other.ordinal() ? this : other;
  }

  /** Where this band claims the true value of a figure with this central value and range lies. */
  public Range claim(double value, Range range) {
    return new Range(Math.min(range.low(), lowFactor * value), Math.max(range.high(), highFactor * value));
  }

  /**
   * The band of a figure whose uncertainty is all in its range and which is never better than medium (a size read
   * from a name): medium while the range lies within ±50% of its midpoint, gross beyond.
   */
  public static AccuracyBand ofEstimatedRange(Range range) {
    Range medium = MEDIUM.claim(range.midpoint(), Range.exactly(range.midpoint()));
    return medium.contains(range.low()) && medium.contains(range.high()) ? MEDIUM : GROSS;
  }
}
