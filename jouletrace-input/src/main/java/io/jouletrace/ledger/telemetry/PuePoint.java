package io.jouletrace.ledger.telemetry;

import java.time.Instant;
import java.util.Objects;

/** A facility's power usage effectiveness (facility energy ÷ IT energy, so >= 1) from {@code time} on. */
public record PuePoint(String facility, Instant time, double pue) {

  /** The highest PUE a series may give: the least efficient data centres run near 2.5 (docs/ledger.md, "Record bounds"). */
  public static final double MAX = 5;

  public PuePoint {
    Objects.requireNonNull(facility, "facility");
    Objects.requireNonNull(time, "time");
    if (!(pue >= 1) || Double.isInfinite(pue)) {
      throw new IllegalArgumentException(facility + " at " + time + ": PUE must be finite and >= 1, got " + pue);
    }
  }
}
