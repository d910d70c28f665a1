package io.jouletrace.core.figure;

import java.util.Locale;

/** How close a figure is expected to be to the truth; it bounds the precision a figure is shown with. */
public enum AccuracyBand {
  ACCURATE(3),
  MEDIUM(2),
  GROSS(1);

  private final int significantDigits;

  AccuracyBand(int significantDigits) {
    this.significantDigits = significantDigits;
  }

  /** Significant digits a figure of this band may be displayed with; stored figures are never rounded. */
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
}
