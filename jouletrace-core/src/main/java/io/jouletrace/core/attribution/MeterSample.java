package io.jouletrace.core.attribution;

import java.time.Instant;
import java.util.Objects;

/**
 * One reading of a power meter, already in SI units: a power gauge in watts, or a cumulative energy
 * counter in joules. A reading the source marked unavailable (NaN, N/A, blank sentinel) is kept as
 * {@link #missing}: it is never a zero.
 *
 * @param resource the metered thing: a GPU UUID or index, a node, a PDU outlet…
 */
public record MeterSample(String resource, Instant time, Kind kind, double value) {

  public enum Kind {
    /** Instantaneous (or window-averaged) power, W. */
    POWER,
    /** Cumulative energy counter, J; may wrap or reset. */
    ENERGY
  }

  public MeterSample {
    Objects.requireNonNull(resource, "resource");
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(kind, "kind");
    if (!Double.isNaN(value) && (value < 0 || Double.isInfinite(value))) {
      throw new IllegalArgumentException(resource + " at " + time + ": a meter reading must be finite and >= 0, got " + value);
    }
  }

  public static MeterSample missing(String resource, Instant time, Kind kind) {
    return new MeterSample(resource, time, kind, Double.NaN);
  }

  public boolean isMissing() {
    return Double.isNaN(value);
  }
}
