package io.jouletrace.core.carbon;

import java.time.Instant;
import java.util.Optional;

/**
 * A time-varying intensity per zone (a grid signal). The seam where time series plug into the
 * precedence: a signal at the record's time beats an annual average, and an explicit value beats both.
 */
@FunctionalInterface
public interface IntensitySignal {

  /** The intensity in force in {@code zone} at {@code time}, if this signal covers it. */
  Optional<Reading> at(String zone, Instant time);

  /** A signal that covers nothing, for deployments without time series. */
  static IntensitySignal none() {
    return (zone, time) -> Optional.empty();
  }

  /** One reading of a signal, with the name of its series so the figure can say where it came from. */
  record Reading(double gramsPerKwh, String series) {}
}
