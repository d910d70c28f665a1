package io.jouletrace.ledger.report;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** What a summary can break its totals down by: a record field, or a time bucket of the record's timestamp (UTC). */
public enum Dimension {
  TENANT("tenant"),
  TEAM("team"),
  COST_CENTER("cost_center"),
  /** The model the client asked for (its alias), else the one that served the call (report_figures, V15). */
  MODEL("model"),
  /** The model that served the call as the provider named it (a dated snapshot such as gpt-4o-2024-08-06). */
  MODEL_SERVED("model_served"),
  PROVIDER("provider"),
  /** Where the call ran as recorded: its region, else its zone. */
  REGION("coalesce(region, zone)"),
  /** The grid zone whose intensity figured the call's carbon. */
  ZONE("intensity_zone"),
  OPERATION("operation"),
  TRACE("trace_id"),
  HOUR("date_trunc('hour', ts)"),
  DAY("date_trunc('day', ts)"),
  MONTH("date_trunc('month', ts)");

  private final String sql;

  Dimension(String sql) {
    this.sql = sql;
  }

  /** The SQL expression over {@code report_figures}. */
  String sql() {
    return sql;
  }

  /** The name on the command line and in JSON ({@code by_<name>}). */
  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }

  public boolean isTimeBucket() {
    return this == HOUR || this == DAY || this == MONTH;
  }

  public static Dimension of(String code) {
    for (Dimension d : values()) {
      if (d.code().equals(code.strip().toLowerCase(Locale.ROOT).replace('-', '_'))) return d;
    }
    throw new IllegalArgumentException("unknown breakdown `" + code + "` (use "
        + Arrays.stream(values()).map(Dimension::code).collect(Collectors.joining(", ")) + ")");
  }
}
