package io.jouletrace.ledger.report;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which records a report covers: a time range (since inclusive, until exclusive; either open) and equality filters
 * on record fields (a tenant key's scope is one such filter).
 */
public record Scope(Instant since, Instant until, Map<Dimension, String> filters) {

  public Scope {
    if (since != null && until != null && !since.isBefore(until)) {
      throw new IllegalArgumentException("--since " + since + " must be before --until " + until);
    }
    for (Dimension d : filters.keySet()) {
      if (d.isTimeBucket()) throw new IllegalArgumentException("cannot filter on the time bucket " + d.code() + "; use since/until");
    }
    filters = Collections.unmodifiableMap(new TreeMap<>(filters));
  }

  public static Scope all() {
    return new Scope(null, null, Map.of());
  }

  public Scope with(Dimension dimension, String value) {
    Map<Dimension, String> more = new TreeMap<>(filters);
    more.put(dimension, value);
    return new Scope(since, until, more);
  }

  /** RFC 3339 ({@code 2026-11-01T00:00:00Z}) or a UTC date ({@code 2026-11-01}, its midnight); null stays null. */
  public static Instant time(String option, String text) {
    if (text == null) return null;
    try {
      return text.length() == 10 ? LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant() : Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(option + ": expected an RFC 3339 time or a date (2026-11-01), got `" + text + "`");
    }
  }

  /** {@code WHERE …} over {@code report_figures}, its parameters appended to {@code parameters}. */
  String where(List<Object> parameters) {
    List<String> conditions = new ArrayList<>();
    if (since != null) {
      conditions.add("ts >= ?");
      parameters.add(since);
    }
    if (until != null) {
      conditions.add("ts < ?");
      parameters.add(until);
    }
    filters.forEach((dimension, value) -> {
      conditions.add(dimension.sql() + " = ?");
      parameters.add(value);
    });
    return conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions);
  }
}
