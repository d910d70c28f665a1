package io.jouletrace.ledger.telemetry;

import io.jouletrace.core.attribution.RunSpan;
import java.util.Objects;

/**
 * One row of a CodeCarbon {@code emissions.csv}: a coarse run and the energy CodeCarbon integrated over
 * it. CodeCarbon multiplies every energy by its {@code pue} setting; the energies here have it divided
 * out again, so they are IT energy, in joules, ready for our own PUE.
 *
 * @param runId {@code run_id}
 * @param span id {@code <run_id>@<timestamp>}, resource {@code codecarbon:<run_id>}, from timestamp −
 *     duration to timestamp
 * @param itJoules {@code energy_consumed / pue}, in J
 * @param gpuJoules {@code gpu_energy / pue}, in J; NaN when the row has no value
 * @param cpuJoules {@code cpu_energy / pue}, in J; NaN when the row has no value
 * @param ramJoules {@code ram_energy / pue}, in J (CodeCarbon models RAM, it does not measure it); NaN when the row has no value
 * @param pue the PUE CodeCarbon applied, 1 when the file predates the {@code pue} column
 * @param countryIso {@code country_iso_code} (ISO 3166 alpha-3, e.g. {@code FRA}), or {@code null}
 * @param project {@code project_name}, or {@code null}
 */
public record CodeCarbonRun(String runId, RunSpan span, double itJoules, double gpuJoules, double cpuJoules, double ramJoules, double pue,
    String countryIso, String project) {

  public CodeCarbonRun {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(span, "span");
    if (!(itJoules >= 0) || Double.isInfinite(itJoules)) throw new IllegalArgumentException("itJoules must be finite and >= 0");
    if (!(pue >= 1) || Double.isInfinite(pue)) throw new IllegalArgumentException("pue must be finite and >= 1");
  }
}
