package io.jouletrace.ledger.report;

import io.jouletrace.ledger.DailyRollup;
import io.jouletrace.ledger.Measurement;
import io.jouletrace.ledger.store.Store;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The query layer every surface reads (CLI now, REST later): aggregations over the {@code report_figures} view of
 * a ledger store, in SQL that DuckDB and PostgreSQL share.
 */
public final class Reports {

  /** A breakdown's line: the dimension's value (null when calls do not carry it) and its totals. */
  public record Group(String key, Aggregate aggregate) {}

  /** Totals over a scope, and each asked-for breakdown ordered by energy, largest first. */
  public record Summary(Scope scope, Aggregate total, Map<Dimension, List<Group>> breakdowns) {}

  /** One point of a time series: a time bucket, a dimension's value in it, and their totals. */
  public record Point(String bucket, String key, Aggregate aggregate) {}

  /** Totals of one combination of dimension values (in the order the dimensions were asked). */
  public record Combination(List<String> keys, Aggregate aggregate) {}

  /** One call of a trace. */
  public record Call(long seq, String id, Instant timestamp, String provider, String model, String operation, Aggregate figures) {}

  /** The footprint of a multi-call operation: all calls sharing a trace id, as one line, with its calls. */
  public record Trace(String traceId, Aggregate total, Instant first, Instant last, List<Call> calls) {}

  /**
   * Measured against modelled energy for one model, over the records that have both figures.
   *
   * @param ratio measured / modelled (central values), null when the modelled sum is zero
   */
  public record Comparison(String model, long records, double measuredJoules, double modelledJoules, double modelledLowJoules,
      double modelledHighJoules, Double ratio) {}

  /** Breakdowns a summary always carries (the names {@code by_model} and {@code by_region} are a contract). */
  public static final List<Dimension> DEFAULT_BREAKDOWNS = List.of(Dimension.MODEL, Dimension.REGION);

  private final Store store;

  public Reports(Store store) {
    this.store = store;
  }

  /**
   * Totals over {@code scope} and a breakdown per dimension: one scan per breakdown (the total is the sum of a
   * breakdown's groups, so it costs no scan of its own when any breakdown is asked), of the {@link DailyRollup} when it
   * covers the question, else of the records.
   */
  public Summary summary(Scope scope, List<Dimension> breakdowns) {
    List<Object> parameters = new ArrayList<>();
    String where = scope.where(parameters);
    boolean rolledUp = DailyRollup.covers(scope, breakdowns);
    if (rolledUp) DailyRollup.refresh(store);
    String rows = rolledUp ? DailyRollup.TABLE : "report_figures";
    String select = rolledUp ? Aggregate.ROLLED_UP_COMPOSITION_SELECT : Aggregate.COMPOSITION_SELECT;
    Map<Dimension, List<Group>> out = new LinkedHashMap<>();
    for (Dimension dimension : breakdowns) out.put(dimension, groups(rows, select, where, parameters, dimension));
    List<Group> whole = breakdowns.isEmpty() ? groups(rows, select, where, parameters, null) : out.get(breakdowns.getFirst());
    Aggregate total = new Aggregate.Composition().aggregate();
    for (Group g : whole) total = total.plus(g.aggregate());
    return new Summary(scope, total, out);
  }

  /**
   * The groups of {@code dimension} (one group of all calls when null), from composition rows ({@code select}) over
   * {@code rows}: time buckets in time order, other values by energy, largest first, then by value.
   */
  private List<Group> groups(String rows, String select, String where, List<Object> parameters, Dimension dimension) {
    Map<String, Aggregate.Composition> byKey = new LinkedHashMap<>();
    if (dimension == null) {
      Aggregate.Composition all = new Aggregate.Composition();
      byKey.put(null, all);
      store.select("sum up the ledger", "SELECT " + select + " FROM " + rows + where + " GROUP BY "
          + Aggregate.COMPOSITION_KEYS, parameters, rs -> all.add(rs, 1));
    } else {
      store.select("break the ledger down by " + dimension.code(), "SELECT " + dimension.sql() + ", " + select
          + " FROM " + rows + where + " GROUP BY 1, " + Aggregate.COMPOSITION_KEYS, parameters,
          rs -> byKey.computeIfAbsent(key(rs, dimension), k -> new Aggregate.Composition()).add(rs, 2));
    }
    List<Group> groups = new ArrayList<>();
    byKey.forEach((k, composition) -> groups.add(new Group(k, composition.aggregate())));
    Comparator<String> byValue = Comparator.nullsLast(Comparator.naturalOrder());
    Comparator<Group> order = dimension != null && dimension.isTimeBucket() ? Comparator.comparing(Group::key, byValue)
        : Comparator.comparing((Group g) -> g.aggregate().energyJoules().total(), Comparator.nullsLast(Comparator.reverseOrder()))
            .thenComparing(Group::key, byValue);
    groups.sort(order);
    return groups;
  }

  /** {@code dimension}'s totals per {@code bucket} (hour, day or month), in time order: what charts draw. */
  public List<Point> series(Scope scope, Dimension dimension, Dimension bucket) {
    if (!bucket.isTimeBucket()) throw new IllegalArgumentException("bucket: expected hour, day or month, got " + bucket.code());
    List<Object> parameters = new ArrayList<>();
    String where = scope.where(parameters);
    List<Point> points = new ArrayList<>();
    store.select("chart " + dimension.code() + " per " + bucket.code(), "SELECT " + bucket.sql() + ", " + dimension.sql() + ", "
        + Aggregate.SELECT + " FROM report_figures" + where + " GROUP BY 1, 2 ORDER BY 1, 2", parameters,
        rs -> points.add(new Point(key(rs, bucket), dimension.isTimeBucket() ? key(rs, dimension, 2) : rs.getString(2), Aggregate.read(rs, 3))));
    return points;
  }

  /** Totals per combination of {@code dimensions} (e.g. tenant × team × model), in key order. */
  public List<Combination> combinations(Scope scope, List<Dimension> dimensions) {
    List<Object> parameters = new ArrayList<>();
    String where = scope.where(parameters);
    StringBuilder select = new StringBuilder();
    StringBuilder groupBy = new StringBuilder();
    for (int i = 0; i < dimensions.size(); i++) {
      select.append(dimensions.get(i).sql()).append(", ");
      groupBy.append(i == 0 ? "" : ", ").append(i + 1);
    }
    List<Combination> out = new ArrayList<>();
    store.select("total per combination", "SELECT " + select + Aggregate.SELECT + " FROM report_figures" + where + " GROUP BY " + groupBy
        + " ORDER BY " + groupBy, parameters, rs -> {
          List<String> keys = new ArrayList<>();
          for (int i = 0; i < dimensions.size(); i++) keys.add(key(rs, dimensions.get(i), i + 1));
          out.add(new Combination(java.util.Collections.unmodifiableList(keys), Aggregate.read(rs, dimensions.size() + 1)));
        });
    return out;
  }

  /** The calls of {@code traceId} within {@code scope} (a tenant key sees its own); empty calls when none. */
  public Trace trace(String traceId, Scope scope) {
    Scope traced = scope.with(Dimension.TRACE, traceId);
    List<Object> parameters = new ArrayList<>();
    String where = traced.where(parameters);
    List<Call> calls = new ArrayList<>();
    store.select("read trace " + traceId, "SELECT seq, id, ts, provider, model, operation, " + Aggregate.SELECT
        + " FROM report_figures" + where + " GROUP BY seq, id, ts, provider, model, operation ORDER BY ts, seq", parameters,
        rs -> calls.add(new Call(rs.getLong(1), rs.getString(2), instant(rs.getObject(3, LocalDateTime.class)), rs.getString(4),
            rs.getString(5), rs.getString(6), Aggregate.read(rs, 7))));
    Aggregate total = summary(traced, List.of()).total();
    return new Trace(traceId, total, calls.isEmpty() ? null : calls.getFirst().timestamp(),
        calls.isEmpty() ? null : calls.getLast().timestamp(), calls);
  }

  /**
   * One grid intensity the scope's carbon figures used: the zone, where its figure came from, its value and how many
   * calls it figured.
   */
  public record IntensityInUse(String zone, String source, double gramsPerKwh, long calls) {}

  /** The intensities the scope's carbon figures were made with (calls without one left out), most-used first. */
  public List<IntensityInUse> intensitiesInUse(Scope scope) {
    List<Object> parameters = new ArrayList<>();
    String where = scope.where(parameters);
    String used = (where.isEmpty() ? " WHERE " : where + " AND ") + "intensity_used_g_per_kwh IS NOT NULL";
    List<IntensityInUse> out = new ArrayList<>();
    store.select("intensities in use", "SELECT intensity_zone, intensity_source, intensity_used_g_per_kwh, CAST(count(*) AS BIGINT)"
        + " FROM report_figures" + used + " GROUP BY 1, 2, 3 ORDER BY 4 DESC, 1, 2, 3", parameters,
        rs -> out.add(new IntensityInUse(rs.getString(1), rs.getString(2), rs.getDouble(3), rs.getLong(4))));
    return out;
  }

  /** Per model, measured and modelled energy of the records that have a measured figure beside a known modelled one. */
  public List<Comparison> measuredVsModelled(Scope scope) {
    List<Object> parameters = new ArrayList<>();
    String where = scope.where(parameters);
    String both = (where.isEmpty() ? " WHERE " : where + " AND ") + "methodology_version = '" + Measurement.METHODOLOGY_VERSION
        + "' AND energy_j_low IS NOT NULL AND modelled_energy_j_low IS NOT NULL";
    List<Comparison> out = new ArrayList<>();
    store.select("compare measured with modelled energy", "SELECT model, CAST(count(*) AS BIGINT), sum((energy_j_low + energy_j_high) / 2), "
        + "sum((modelled_energy_j_low + modelled_energy_j_high) / 2), sum(modelled_energy_j_low), sum(modelled_energy_j_high)"
        + " FROM report_figures" + both + " GROUP BY model ORDER BY model", parameters, rs -> {
          double measured = rs.getDouble(3);
          double modelled = rs.getDouble(4);
          out.add(new Comparison(rs.getString(1), rs.getLong(2), measured, modelled, rs.getDouble(5), rs.getDouble(6),
              modelled > 0 ? measured / modelled : null));
        });
    return out;
  }

  private static String key(ResultSet rs, Dimension dimension) throws SQLException {
    return key(rs, dimension, 1);
  }

  private static String key(ResultSet rs, Dimension dimension, int column) throws SQLException {
    if (!dimension.isTimeBucket()) return rs.getString(column);
    LocalDateTime bucket = rs.getObject(column, LocalDateTime.class);
    return bucket == null ? null : instant(bucket).toString();
  }

  static Instant instant(LocalDateTime utc) {
    return utc.toInstant(ZoneOffset.UTC);
  }
}
