package io.jouletrace.core.figure;

import java.util.Objects;

/**
 * An amount with its provenance, or an explicit absence with a reason. There is deliberately no
 * {@code plus}: totals keep tiers apart, and an unknown figure is never counted as zero.
 */
public sealed interface Figure permits Figure.Known, Figure.Unknown {

  Quantity quantity();

  static Known known(Quantity quantity, Range range, Tier tier, AccuracyBand band, String method, String methodologyVersion) {
    return new Known(quantity, range.midpoint(), range, tier, band, method, methodologyVersion);
  }

  static Unknown unknown(Quantity quantity, NullReason reason) {
    return new Unknown(quantity, reason);
  }

  default boolean isKnown() {
    return this instanceof Known;
  }

  /**
   * A known amount in the quantity's canonical unit: {@code value} is the central figure and lies in
   * {@code range}; for modelled figures it is the midpoint of the range.
   */
  record Known(Quantity quantity, double value, Range range, Tier tier, AccuracyBand band, String method, String methodologyVersion)
      implements Figure {
    public Known {
      Objects.requireNonNull(quantity, "quantity");
      Objects.requireNonNull(range, "range");
      Objects.requireNonNull(tier, "tier");
      Objects.requireNonNull(band, "band");
      Objects.requireNonNull(method, "method");
      Objects.requireNonNull(methodologyVersion, "methodologyVersion");
      if (!range.contains(value)) {
        throw new IllegalArgumentException(quantity.field() + " value " + value + " lies outside " + range);
      }
      value += 0.0;
    }

    /** The same provenance applied to a figure of another quantity, scaled by a non-negative factor. */
    public Known scaled(Quantity target, double factor, AccuracyBand targetBand) {
      return known(target, range.times(factor), tier, targetBand, method, methodologyVersion);
    }
  }

  /** An absent amount: the reason says why; it is never zero. */
  record Unknown(Quantity quantity, NullReason reason) implements Figure {
    public Unknown {
      Objects.requireNonNull(quantity, "quantity");
      Objects.requireNonNull(reason, "reason");
    }
  }
}
