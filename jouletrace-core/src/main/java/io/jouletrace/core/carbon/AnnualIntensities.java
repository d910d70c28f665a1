package io.jouletrace.core.carbon;

import java.util.Optional;

/**
 * A table of annual average intensities by zone code. Both jouletrace's own grid data and a
 * methodology's published electricity mixes (EcoLogits') are such tables.
 */
public interface AnnualIntensities {

  /** The annual average for a normalised zone code (upper-case ISO alpha-3, or {@code WOR}). */
  Optional<AnnualIntensity> annual(String zone);

  /** One row: the intensity of a zone and the source it was published in. */
  record AnnualIntensity(String zone, double gramsPerKwh, String source) {}
}
