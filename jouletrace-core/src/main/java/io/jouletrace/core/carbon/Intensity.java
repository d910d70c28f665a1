package io.jouletrace.core.carbon;

import io.jouletrace.core.figure.AccuracyBand;
import java.util.Objects;

/**
 * The grid carbon intensity applied to a call, and where it came from.
 *
 * @param gramsPerKwh grams CO2e per kWh of electricity
 * @param source a stable description of the source, as recorded in {@code intensity_source}
 * @param zone what the intensity describes: a zone code, cloud region or label, or {@code null}
 *     when an explicit value was given without a zone
 * @param country the ISO 3166-1 alpha-3 country (or {@code WOR}) the zone lies in, when known; the
 *     methodologies that need per-country factors other than carbon (EcoLogits' water) use it
 * @param band how well an annual average or a signal describes the hour the call ran in
 */
public record Intensity(double gramsPerKwh, String source, String zone, String country, AccuracyBand band) {
  public Intensity {
    if (!(gramsPerKwh >= 0) || !Double.isFinite(gramsPerKwh)) {
      throw new IllegalArgumentException("intensity must be finite and >= 0, got " + gramsPerKwh);
    }
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(band, "band");
  }
}
