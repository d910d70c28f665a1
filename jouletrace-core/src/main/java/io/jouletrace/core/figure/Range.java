package io.jouletrace.core.figure;

/**
 * Closed interval [low, high] of a non-negative quantity. Products and sums of such intervals are
 * computed bound by bound, which is exact because both bounds are non-negative.
 */
public record Range(double low, double high) {

  public Range {
    if (!(low >= 0) || !(low <= high) || !Double.isFinite(high)) {
      throw new IllegalArgumentException("range must satisfy 0 <= low <= high < inf, got [" + low + ", " + high + "]");
    }
    low += 0.0; // -0.0 becomes 0.0 so that equality and hashes agree
    high += 0.0;
  }

  public static Range exactly(double value) {
    return new Range(value, value);
  }

  public boolean isExact() {
    return low == high;
  }

  public double midpoint() {
    return (low + high) / 2;
  }

  public boolean contains(double value) {
    return low <= value && value <= high;
  }

  public Range times(double factor) {
    return new Range(low * factor, high * factor);
  }

  @Override
  public String toString() {
    return isExact() ? Double.toString(low) : "[" + low + ", " + high + "]";
  }
}
