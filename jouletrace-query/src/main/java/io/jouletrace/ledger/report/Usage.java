package io.jouletrace.ledger.report;

import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * What the efficiency reports read per group of calls: the group's {@link Aggregate}, and over its rated calls (those
 * with an energy figure) the token sums that give the mean token mix and the sums that give the energy-weighted mean
 * grid intensity.
 *
 * @param joulesTimesIntensity Σ energy (J) × intensity (g/kWh) over the rated calls whose carbon is known
 * @param joulesWithIntensity Σ energy (J) over those same calls
 */
public record Usage(Aggregate figures, long ratedOutputTokens, long ratedInputTokens, long ratedCallsWithInputTokens,
    double joulesTimesIntensity, double joulesWithIntensity) {

  private static final String RATED = "energy_j_low IS NOT NULL";
  private static final String JOULES = "(energy_j_low + energy_j_high) / 2";

  /** The select list {@link #read} reads, over {@code report_figures}. */
  static final String SELECT = Aggregate.SELECT
      + ", CAST(coalesce(sum(CASE WHEN " + RATED + " THEN output_tokens END), 0) AS BIGINT)"
      + ", CAST(coalesce(sum(CASE WHEN " + RATED + " THEN input_tokens END), 0) AS BIGINT)"
      + ", CAST(coalesce(sum(CASE WHEN " + RATED + " AND input_tokens IS NOT NULL THEN 1 ELSE 0 END), 0) AS BIGINT)"
      + ", coalesce(sum(CASE WHEN " + RATED + " THEN " + JOULES + " * intensity_used_g_per_kwh END), 0)"
      + ", coalesce(sum(CASE WHEN " + RATED + " AND intensity_used_g_per_kwh IS NOT NULL THEN " + JOULES + " END), 0)";

  static Usage read(ResultSet rs, int column) throws SQLException {
    int c = column + Aggregate.COLUMNS;
    return new Usage(Aggregate.read(rs, column), rs.getLong(c), rs.getLong(c + 1), rs.getLong(c + 2), rs.getDouble(c + 3), rs.getDouble(c + 4));
  }

  Usage plus(Usage o) {
    return new Usage(figures.plus(o.figures), ratedOutputTokens + o.ratedOutputTokens, ratedInputTokens + o.ratedInputTokens,
        ratedCallsWithInputTokens + o.ratedCallsWithInputTokens, joulesTimesIntensity + o.joulesTimesIntensity,
        joulesWithIntensity + o.joulesWithIntensity);
  }

  public long ratedCalls() {
    return figures.energyJoules().ratedCalls();
  }

  /** Mean output tokens per rated call; null when no call is rated. */
  public Double meanOutputTokens() {
    return ratedCalls() == 0 ? null : (double) ratedOutputTokens / ratedCalls();
  }

  /** Mean input tokens over the rated calls that carry them; null when none does. */
  public Double meanInputTokens() {
    return ratedCallsWithInputTokens == 0 ? null : (double) ratedInputTokens / ratedCallsWithInputTokens;
  }

  /** The grid intensity (g/kWh) of these calls, weighted by their energy; null when none has a carbon figure. */
  public Double intensityGramsPerKwh() {
    return joulesWithIntensity > 0 ? joulesTimesIntensity / joulesWithIntensity : null;
  }
}
