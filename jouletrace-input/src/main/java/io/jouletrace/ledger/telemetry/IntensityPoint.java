package io.jouletrace.ledger.telemetry;

import java.time.Instant;
import java.util.Objects;

/**
 * The carbon intensity of a grid zone's electricity from {@code time} on.
 *
 * @param zone an Electricity Maps zone ({@code DE}, {@code US-CAL-CISO}), a WattTime region ({@code CAISO_NORTH}) or any id the CSV uses
 * @param gramsPerKwh gCO2eq per kWh
 */
public record IntensityPoint(String zone, Instant time, double gramsPerKwh) {

  public IntensityPoint {
    Objects.requireNonNull(zone, "zone");
    Objects.requireNonNull(time, "time");
    if (!(gramsPerKwh >= 0) || Double.isInfinite(gramsPerKwh)) {
      throw new IllegalArgumentException(zone + " at " + time + ": intensity must be finite and >= 0, got " + gramsPerKwh);
    }
  }
}
