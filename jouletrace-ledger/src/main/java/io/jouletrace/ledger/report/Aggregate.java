package io.jouletrace.ledger.report;

import io.jouletrace.core.figure.AccuracyBand;
import io.jouletrace.core.figure.Tier;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Totals over a set of calls that keep their provenance: energy (J) and carbon (g) per tier, the sums of lows and
 * highs, the calls whose figure is unknown (unrated, never counted as zero) and the tokens they carried, and the
 * weakest band among the known figures.
 */
public record Aggregate(long calls, Amounts energyJoules, Amounts carbonGrams, long inputTokens, long outputTokens) {

  /**
   * One quantity's composition.
   *
   * @param band the weakest accuracy band of the known figures; null when none is known
   */
  public record Amounts(double measured, double modelled, double estimated, long measuredCalls, long modelledCalls,
      long estimatedCalls, double low, double high, long unratedCalls, long unratedTokens, AccuracyBand band) {

    public long ratedCalls() {
      return measuredCalls + modelledCalls + estimatedCalls;
    }

    /** The sum of the known figures' values; null when no call has a known figure (null, never zero). */
    public Double total() {
      return ratedCalls() == 0 ? null : measured + modelled + estimated;
    }

    public double of(Tier tier) {
      return switch (tier) {
        case MEASURED -> measured;
        case MODELLED -> modelled;
        case ESTIMATED -> estimated;
      };
    }

    public long callsOf(Tier tier) {
      return switch (tier) {
        case MEASURED -> measuredCalls;
        case MODELLED -> modelledCalls;
        case ESTIMATED -> estimatedCalls;
      };
    }

    /** The composition of both sets of calls: tier by tier, the weaker band. */
    Amounts plus(Amounts o) {
      AccuracyBand weakest = band == null ? o.band : o.band == null ? band : band.worse(o.band);
      return new Amounts(measured + o.measured, modelled + o.modelled, estimated + o.estimated, measuredCalls + o.measuredCalls,
          modelledCalls + o.modelledCalls, estimatedCalls + o.estimatedCalls, low + o.low, high + o.high, unratedCalls + o.unratedCalls,
          unratedTokens + o.unratedTokens, weakest);
    }
  }

  /** The totals of both sets of calls (breakdowns read finer groups and merge them). */
  public Aggregate plus(Aggregate o) {
    return new Aggregate(calls + o.calls, energyJoules.plus(o.energyJoules), carbonGrams.plus(o.carbonGrams), inputTokens + o.inputTokens,
        outputTokens + o.outputTokens);
  }

  /** The select list that {@link #read} reads, over {@code report_figures}. */
  static final String SELECT = "CAST(count(*) AS BIGINT), " + amounts("energy_j") + ", " + amounts("carbon_g")
      + ", CAST(coalesce(sum(input_tokens), 0) AS BIGINT), CAST(coalesce(sum(output_tokens), 0) AS BIGINT)";

  /** Columns {@link #SELECT} produces. */
  static final int COLUMNS = 1 + 2 * 11 + 2;

  private static String amounts(String prefix) {
    String tier = prefix.equals("energy_j") ? "energy_tier" : "carbon_tier";
    String band = prefix.equals("energy_j") ? "energy_band" : "carbon_band";
    String value = "(" + prefix + "_low + " + prefix + "_high) / 2";
    StringBuilder sql = new StringBuilder();
    for (Tier t : Tier.values()) sql.append("coalesce(sum(CASE WHEN ").append(tier).append(" = '").append(t.code()).append("' THEN ")
        .append(value).append(" END), 0), ");
    for (Tier t : Tier.values()) sql.append(count(tier + " = '" + t.code() + "'")).append(", ");
    sql.append("coalesce(sum(").append(prefix).append("_low), 0), coalesce(sum(").append(prefix).append("_high), 0), ");
    sql.append(count(prefix + "_low IS NULL")).append(", ");
    sql.append("CAST(coalesce(sum(CASE WHEN ").append(prefix).append("_low IS NULL THEN coalesce(input_tokens, 0) + output_tokens ELSE 0 END), 0)")
        .append(" AS BIGINT), ");
    sql.append("max(CASE ").append(band);
    for (AccuracyBand b : AccuracyBand.values()) sql.append(" WHEN '").append(b.code()).append("' THEN ").append(b.ordinal());
    return sql.append(" END)").toString();
  }

  private static String count(String condition) {
    return "CAST(coalesce(sum(CASE WHEN " + condition + " THEN 1 ELSE 0 END), 0) AS BIGINT)";
  }

  /**
   * The grouping keys and select list of composition rows, which {@link Composition} folds into an aggregate: calls
   * grouped by their tiers and bands carry plain sums only. Over millions of rows DuckDB computes these about twice as
   * fast as the conditional sums of {@link #SELECT} (docs/benchmarks.md), and a handful of such rows make each group.
   */
  public static final String COMPOSITION_KEYS = "energy_tier, energy_band, carbon_tier, carbon_band";

  public static final String COMPOSITION_SELECT = COMPOSITION_KEYS + ", CAST(count(*) AS BIGINT), " + compositionSums();

  /** {@link #COMPOSITION_SELECT} over the composition rows of {@code report_rollup_day}: their calls add up. */
  static final String ROLLED_UP_COMPOSITION_SELECT = COMPOSITION_KEYS + ", CAST(sum(calls) AS BIGINT), " + compositionSums();

  private static String compositionSums() {
    return "sum(energy_j_low), sum(energy_j_high), sum(carbon_g_low), sum(carbon_g_high), "
        + "CAST(coalesce(sum(input_tokens), 0) AS BIGINT), CAST(sum(output_tokens) AS BIGINT)";
  }

  /** Folds composition rows ({@link #COMPOSITION_SELECT}) into the aggregate that {@link #SELECT} would give for their calls. */
  static final class Composition {
    private final AmountsSum energy = new AmountsSum();
    private final AmountsSum carbon = new AmountsSum();
    private long calls;
    private long inputTokens;
    private long outputTokens;

    /** Adds the composition row whose first column is {@code column}. */
    void add(ResultSet rs, int column) throws SQLException {
      long rowCalls = rs.getLong(column + 4);
      long rowInput = rs.getLong(column + 9);
      long rowOutput = rs.getLong(column + 10);
      energy.add(rs.getString(column), rs.getString(column + 1), rowCalls, rs.getDouble(column + 5), rs.getDouble(column + 6),
          rowInput + rowOutput);
      carbon.add(rs.getString(column + 2), rs.getString(column + 3), rowCalls, rs.getDouble(column + 7), rs.getDouble(column + 8),
          rowInput + rowOutput);
      calls += rowCalls;
      inputTokens += rowInput;
      outputTokens += rowOutput;
    }

    Aggregate aggregate() {
      return new Aggregate(calls, energy.amounts(), carbon.amounts(), inputTokens, outputTokens);
    }
  }

  /** One quantity's sums over composition rows: a row without a tier is calls whose figure is unknown. */
  private static final class AmountsSum {
    private final double[] value = new double[Tier.values().length];
    private final long[] tierCalls = new long[Tier.values().length];
    private double low;
    private double high;
    private long unratedCalls;
    private long unratedTokens;
    private AccuracyBand band;

    void add(String tier, String bandCode, long calls, double lowSum, double highSum, long tokens) {
      if (tier == null) {
        unratedCalls += calls;
        unratedTokens += tokens;
        return;
      }
      int t = Tier.of(tier).ordinal();
      value[t] += (lowSum + highSum) / 2;
      tierCalls[t] += calls;
      low += lowSum;
      high += highSum;
      if (bandCode != null) {
        AccuracyBand b = AccuracyBand.of(bandCode);
        band = band == null ? b : band.worse(b);
      }
    }

    Amounts amounts() {
      return new Amounts(value[Tier.MEASURED.ordinal()], value[Tier.MODELLED.ordinal()], value[Tier.ESTIMATED.ordinal()],
          tierCalls[Tier.MEASURED.ordinal()], tierCalls[Tier.MODELLED.ordinal()], tierCalls[Tier.ESTIMATED.ordinal()], low, high,
          unratedCalls, unratedTokens, band);
    }
  }

  /** Reads the columns of {@link #SELECT} starting at {@code column}. */
  static Aggregate read(ResultSet rs, int column) throws SQLException {
    long calls = rs.getLong(column);
    Amounts energy = amounts(rs, column + 1);
    Amounts carbon = amounts(rs, column + 12);
    return new Aggregate(calls, energy, carbon, rs.getLong(column + 23), rs.getLong(column + 24));
  }

  private static Amounts amounts(ResultSet rs, int c) throws SQLException {
    int band = rs.getInt(c + 10);
    AccuracyBand weakest = rs.wasNull() ? null : AccuracyBand.values()[band];
    return new Amounts(rs.getDouble(c), rs.getDouble(c + 1), rs.getDouble(c + 2), rs.getLong(c + 3), rs.getLong(c + 4), rs.getLong(c + 5),
        rs.getDouble(c + 6), rs.getDouble(c + 7), rs.getLong(c + 8), rs.getLong(c + 9),
        weakest);
  }
}
