package io.jouletrace.ledger;

import io.jouletrace.core.figure.Tier;
import io.jouletrace.ledger.report.Aggregate;
import io.jouletrace.ledger.store.Store;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * What verify checks of the tables reports and BI tools read instead of the records, which the hash chain does not
 * seal: the daily rollup ({@link DailyRollup}) and the stream aggregates ({@code stream_aggregates}, docs/scale-out.md).
 * Each is recomputed from the records in one statement, so it sees one snapshot even while a summary refreshes the
 * rollup or a sink writes aggregates.
 */
public final class DerivedTables {

  private static final int MAX_EXAMPLES = 10;
  /** Float sums differ in their last bits with the order they were added in (the rollup adds refresh by refresh). */
  private static final double RELATIVE_TOLERANCE = 1e-9;

  private static final String ROLLUP_KEYS = "ts, " + DailyRollup.SCOPE_FIELDS + ", " + Aggregate.COMPOSITION_KEYS;
  private static final List<String> ROLLUP_KEY_NAMES = List.of(("day, " + DailyRollup.SCOPE_FIELDS + ", " + Aggregate.COMPOSITION_KEYS).split(", "));
  private static final List<String> ROLLUP_VALUES = List.of("calls", "energy_j_low", "energy_j_high", "carbon_g_low", "carbon_g_high",
      "input_tokens", "output_tokens");
  private static final String RECORDS = "records";

  /**
   * The rollup's rows summed per key beside the same sums over the records it covers (seq up to through_seq), from
   * report_figures as the refresh reads it. The rollup may hold several rows per key (one per refresh that met it),
   * hence sums on both sides. Nothing is returned while the rollup awaits a rebuild (a measured set came since).
   */
  private static final String ROLLUP_CHECK = "SELECT " + ROLLUP_KEYS + sidesSummed() + " FROM ("
      + "SELECT date_trunc('day', ts) AS ts, " + DailyRollup.SCOPE_FIELDS + ", " + Aggregate.COMPOSITION_KEYS + ", '" + RECORDS + "' AS side, "
      + "1 AS calls, energy_j_low, energy_j_high, carbon_g_low, carbon_g_high, coalesce(input_tokens, 0) AS input_tokens, output_tokens"
      + " FROM report_figures WHERE seq <= (SELECT through_seq FROM report_rollup_state)"
      + " UNION ALL SELECT " + ROLLUP_KEYS + ", 'rollup', " + String.join(", ", ROLLUP_VALUES) + " FROM " + DailyRollup.TABLE + ") sides"
      + " WHERE (SELECT measured_sets FROM report_rollup_state) = " + DailyRollup.MEASURED_SETS
      + " GROUP BY " + ROLLUP_KEYS + " ORDER BY " + ROLLUP_KEYS;

  private static final String ROLLUP_STATE = "SELECT through_seq, measured_sets <> " + DailyRollup.MEASURED_SETS
      + ", (SELECT coalesce(max(seq), 0) FROM ledger_records) FROM report_rollup_state";

  private static final List<String> STREAM_VALUES = List.of("calls", "energy_j_measured", "energy_j_modelled", "energy_j_estimated",
      "carbon_g_measured", "carbon_g_modelled", "carbon_g_estimated", "unrated_calls", "unrated_tokens");

  /**
   * Each aggregate row beside the totals of the records of its team, model and hour, summed as the topology sums
   * them (the records' own figures: value = (low + high) / 2 per tier; unknown energy counted apart with its tokens).
   */
  private static final String STREAM_CHECK = "SELECT a.aggregate_key, a." + String.join(", a.", STREAM_VALUES)
      + ", CAST(count(r.seq) AS BIGINT), " + tierSums("energy_j") + ", " + tierSums("carbon_g")
      + ", CAST(count(r.seq) - count(r.energy_j_low) AS BIGINT)"
      + ", CAST(coalesce(sum(CASE WHEN r.energy_j_low IS NULL THEN coalesce(r.input_tokens, 0) + r.output_tokens END), 0) AS BIGINT)"
      + " FROM stream_aggregates a LEFT JOIN ledger_records r ON r.model = a.model AND coalesce(r.team, '') = coalesce(a.team, '')"
      + " AND r.ts >= a.window_start AND r.ts < a.window_start + INTERVAL '1 hour'"
      + " GROUP BY a.aggregate_key, a." + String.join(", a.", STREAM_VALUES) + " ORDER BY a.aggregate_key";

  private DerivedTables() {}

  private static String sidesSummed() {
    StringBuilder sql = new StringBuilder();
    for (String value : ROLLUP_VALUES) {
      boolean count = value.equals("calls") || value.endsWith("tokens");
      for (String side : List.of(RECORDS, "rollup")) {
        String sum = "sum(CASE WHEN side = '" + side + "' THEN " + value + " END)";
        sql.append(", ").append(count ? "CAST(" + sum + " AS BIGINT)" : sum);
      }
    }
    return sql.toString();
  }

  private static String tierSums(String prefix) {
    List<String> sums = new ArrayList<>();
    String tier = prefix.equals("energy_j") ? "r.energy_tier" : "r.carbon_tier";
    for (Tier t : Tier.values()) {
      sums.add("sum(CASE WHEN " + tier + " = '" + t.code() + "' THEN (r." + prefix + "_low + r." + prefix + "_high) / 2 END)");
    }
    return String.join(", ", sums);
  }

  /** Checks both tables against the records of {@code store}. */
  public static VerifyReport.Derived check(Store store) {
    Findings findings = new Findings();
    List<RollupState> states = new ArrayList<>();
    store.select("read the rollup's state", ROLLUP_STATE, List.of(), rs -> states.add(new RollupState(rs.getLong(1), rs.getBoolean(2), rs.getLong(3))));
    RollupState state = states.getFirst();
    if (state.throughSeq() > state.lastSeq()) {
      findings.row(List.of(new VerifyReport.Difference("report_rollup_state", "(its one row)", "through_seq",
          "at most " + state.lastSeq() + " (the ledger's last seq)", Long.toString(state.throughSeq()))));
    }
    long[] groups = {0};
    store.select("check the daily rollup against the records", ROLLUP_CHECK, List.of(), rs -> {
      groups[0]++;
      findings.row(rollupDifferences(rs));
    });
    long[] streamRows = {0, 0};
    store.select("check the stream aggregates against the records", STREAM_CHECK, List.of(), rs -> {
      streamRows[0]++;
      long stored = rs.getLong(2);
      long records = rs.getLong(2 + STREAM_VALUES.size());
      if (records > stored) streamRows[1]++;
      findings.row(streamDifferences(rs, records > stored));
    });
    return new VerifyReport.Derived(state.throughSeq(), state.stale(), groups[0], streamRows[0], streamRows[1], findings.rows, findings.examples);
  }

  /** The rollup's state row, and the ledger's last seq. */
  private record RollupState(long throughSeq, boolean stale, long lastSeq) {}

  /** Differing rows, counted once each, and the first few differences named. */
  private static final class Findings {
    long rows;
    final List<VerifyReport.Difference> examples = new ArrayList<>();

    void row(List<VerifyReport.Difference> differences) {
      if (differences.isEmpty()) return;
      rows++;
      for (VerifyReport.Difference d : differences) if (examples.size() < MAX_EXAMPLES) examples.add(d);
    }
  }

  private static List<VerifyReport.Difference> rollupDifferences(ResultSet rs) throws SQLException {
    int keys = ROLLUP_KEY_NAMES.size();
    StringBuilder row = new StringBuilder();
    for (int i = 0; i < keys; i++) {
      Object key = i == 0 ? rs.getObject(1, LocalDateTime.class).toLocalDate() : rs.getString(i + 1);
      if (key != null) row.append(row.isEmpty() ? "" : " ").append(ROLLUP_KEY_NAMES.get(i)).append('=').append(key);
    }
    List<VerifyReport.Difference> differences = new ArrayList<>();
    for (int v = 0; v < ROLLUP_VALUES.size(); v++) {
      int column = keys + 1 + 2 * v;
      Object expected = rs.getObject(column);
      Object stored = rs.getObject(column + 1);
      boolean callsColumn = v == 0;
      if (callsColumn && (expected == null || stored == null)) {
        // One side has no such key: no records behind a stored row, or records the rollup claims but lacks.
        return List.of(new VerifyReport.Difference(DailyRollup.TABLE, row.toString(), "calls", expected == null ? null : text(expected),
            stored == null ? null : text(stored)));
      }
      if (!same(expected, stored)) {
        differences.add(new VerifyReport.Difference(DailyRollup.TABLE, row.toString(), ROLLUP_VALUES.get(v), text(expected), text(stored)));
      }
    }
    return differences;
  }

  /** Columns: key, the stored values, then the records' values in the same order. */
  private static List<VerifyReport.Difference> streamDifferences(ResultSet rs, boolean partial) throws SQLException {
    String key = rs.getString(1);
    List<VerifyReport.Difference> differences = new ArrayList<>();
    for (int v = 0; v < STREAM_VALUES.size(); v++) {
      Object stored = rs.getObject(2 + v);
      Object records = rs.getObject(2 + STREAM_VALUES.size() + v);
      // A row that counts fewer calls than its hour's records (late for the stream, or stored another way) may hold
      // less of everything, never more.
      boolean wrong = partial ? exceeds(stored, records) : !same(records, stored);
      if (wrong) {
        differences.add(new VerifyReport.Difference("stream_aggregates", key, STREAM_VALUES.get(v),
            (partial ? "at most " : "") + text(records), text(stored)));
      }
    }
    return differences;
  }

  private static boolean same(Object expected, Object stored) {
    if (expected == null || stored == null) return expected == stored;
    double e = ((Number) expected).doubleValue();
    double s = ((Number) stored).doubleValue();
    return Math.abs(e - s) <= RELATIVE_TOLERANCE * Math.max(Math.abs(e), Math.abs(s));
  }

  private static boolean exceeds(Object stored, Object records) {
    if (stored == null) return false;
    if (records == null) return true;
    double r = ((Number) records).doubleValue();
    return ((Number) stored).doubleValue() > r + RELATIVE_TOLERANCE * Math.abs(r);
  }

  private static String text(Object value) {
    return String.valueOf(value);
  }
}
