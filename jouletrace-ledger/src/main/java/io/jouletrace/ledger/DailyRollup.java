package io.jouletrace.ledger;

import io.jouletrace.ledger.report.Aggregate;
import io.jouletrace.ledger.report.Dimension;
import io.jouletrace.ledger.report.Scope;
import io.jouletrace.ledger.store.Store;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * The reports' daily rollup ({@code report_rollup_day}, migration V7): composition rows per UTC day and scope field,
 * which a summary reads instead of every record when it needs neither hours nor traces and its range starts and ends at
 * midnights. The 10 M-record benchmark ledger rolls up into 335 k rows (docs/benchmarks.md).
 *
 * <p>Kept by the reports themselves, not the writer, so every store and every way of appending (ingest, the gateway,
 * the stream sink) feeds it: each summary first rolls up the records appended since the last one, which the
 * append-only ledger makes safe. A new measured figure set changes an old record's figures in {@code report_figures},
 * so the rollup then starts over.
 */
public final class DailyRollup {

  static final String SCOPE_FIELDS = "tenant, team, cost_center, model, provider, region, zone, intensity_zone, operation";
  private static final String ALL_KEYS = "1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14";
  static final String MEASURED_SETS = "(SELECT count(*) FROM ledger_figure_sets WHERE methodology_version = '"
      + Measurement.METHODOLOGY_VERSION + "')";

  /**
   * The refresh, one transaction. Its first statement locks the state row, so concurrent refreshes take turns, and
   * reads the head and the measured sets once: the later statements act on that snapshot, so a figure set committed
   * meanwhile is left to the next refresh rather than counted as rolled up.
   */
  private static final List<String> REFRESH = List.of(
      "UPDATE report_rollup_state SET target_seq = (SELECT coalesce(max(seq), 0) FROM ledger_records), target_measured_sets = "
          + MEASURED_SETS,
      "DELETE FROM report_rollup_day WHERE (SELECT measured_sets <> target_measured_sets FROM report_rollup_state)",
      "UPDATE report_rollup_state SET through_seq = 0 WHERE measured_sets <> target_measured_sets",
      "INSERT INTO report_rollup_day SELECT date_trunc('day', ts), " + SCOPE_FIELDS + ", " + Aggregate.COMPOSITION_SELECT
          + " FROM report_figures WHERE seq > (SELECT through_seq FROM report_rollup_state)"
          + " AND seq <= (SELECT target_seq FROM report_rollup_state)"
          + " GROUP BY date_trunc('day', ts), " + SCOPE_FIELDS + ", " + Aggregate.COMPOSITION_KEYS
          // In key order, so a summary sums the rows in an order that does not depend on how the aggregation ran:
          // two ledgers of the same records give the same totals to the last bit.
          + " ORDER BY " + ALL_KEYS,
      "UPDATE report_rollup_state SET through_seq = target_seq, measured_sets = target_measured_sets");

  public static final String TABLE = "report_rollup_day";

  private DailyRollup() {}

  /** Whether a summary of {@code scope} by {@code breakdowns} can read the rollup and still be exact. */
  public static boolean covers(Scope scope, List<Dimension> breakdowns) {
    // The rollup keeps neither traces, hours nor the served model name (its model is the requested one).
    return !scope.filters().containsKey(Dimension.TRACE) && !breakdowns.contains(Dimension.HOUR) && !breakdowns.contains(Dimension.TRACE)
        && !scope.filters().containsKey(Dimension.MODEL_SERVED) && !breakdowns.contains(Dimension.MODEL_SERVED)
        && isMidnight(scope.since()) && isMidnight(scope.until());
  }

  private static boolean isMidnight(Instant time) {
    return time == null || time.truncatedTo(ChronoUnit.DAYS).equals(time);
  }

  /** Rolls up the records appended since the last refresh. */
  public static void refresh(Store store) {
    store.update("roll up the ledger by day", REFRESH);
  }
}
