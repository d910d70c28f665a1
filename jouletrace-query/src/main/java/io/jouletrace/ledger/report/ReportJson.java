package io.jouletrace.ledger.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jouletrace.core.figure.Energy;
import io.jouletrace.core.figure.Tier;
import java.util.List;

/**
 * The JSON of reports, shared by the CLI and the REST API. Energy in Wh, carbon in grams; a quantity no call has a
 * figure for is null, never 0.
 */
public final class ReportJson {

  private static final ObjectMapper JSON = new ObjectMapper();
  /** The key of a breakdown line whose calls do not carry the dimension. */
  public static final String NONE = "(none)";

  private ReportJson() {}

  /**
   * {@code total_wh}, {@code total_co2_grams}, {@code total_calls} and the composition at the top level, then one
   * {@code by_<dimension>} object per breakdown, keyed by the dimension's value.
   */
  public static ObjectNode summary(Reports.Summary summary) {
    ObjectNode root = scoped(summary.scope());
    Aggregate total = summary.total();
    putNumber(root, "total_wh", wh(total.energyJoules().total()));
    putNumber(root, "total_co2_grams", total.carbonGrams().total());
    root.put("total_calls", total.calls());
    composition(root, total);
    summary.breakdowns().forEach((dimension, groups) -> {
      ObjectNode by = root.putObject("by_" + dimension.code());
      for (Reports.Group g : groups) by.set(g.key() == null ? NONE : g.key(), entry(g.aggregate()));
    });
    return root;
  }

  /** A report's root object, opening with what it covers: {@code since}, {@code until} (null when open) and {@code filters}. */
  static ObjectNode scoped(Scope scope) {
    ObjectNode root = JSON.createObjectNode();
    root.put("since", scope.since() == null ? null : scope.since().toString());
    root.put("until", scope.until() == null ? null : scope.until().toString());
    ObjectNode filters = root.putObject("filters");
    scope.filters().forEach((d, v) -> filters.put(d.code(), v));
    return root;
  }

  /** One breakdown line: {@code wh}, {@code co2_grams}, {@code calls} and the composition. */
  public static ObjectNode entry(Aggregate a) {
    ObjectNode node = JSON.createObjectNode();
    putNumber(node, "wh", wh(a.energyJoules().total()));
    putNumber(node, "co2_grams", a.carbonGrams().total());
    node.put("calls", a.calls());
    composition(node, a);
    return node;
  }

  /** Ranges, per-tier shares, unrated calls and tokens, bands and token counts. */
  private static void composition(ObjectNode node, Aggregate a) {
    Aggregate.Amounts e = a.energyJoules();
    Aggregate.Amounts c = a.carbonGrams();
    putNumber(node, "wh_low", e.ratedCalls() == 0 ? null : wh(e.low()));
    putNumber(node, "wh_high", e.ratedCalls() == 0 ? null : wh(e.high()));
    putNumber(node, "co2_grams_low", c.ratedCalls() == 0 ? null : c.low());
    putNumber(node, "co2_grams_high", c.ratedCalls() == 0 ? null : c.high());
    ObjectNode tiers = node.putObject("tiers");
    for (Tier tier : Tier.values()) {
      tiers.putObject(tier.code()).put("wh", wh(e.of(tier))).put("co2_grams", c.of(tier)).put("calls", e.callsOf(tier))
          .put("carbon_calls", c.callsOf(tier));
    }
    node.putObject("unrated").put("calls", e.unratedCalls()).put("tokens", e.unratedTokens()).put("carbon_calls", c.unratedCalls());
    node.putObject("band").put("energy", e.band() == null ? null : e.band().code()).put("carbon", c.band() == null ? null : c.band().code());
    node.put("input_tokens", a.inputTokens()).put("output_tokens", a.outputTokens());
  }

  /** Points of a series: {@code bucket}, {@code key} and a summary entry each. */
  public static ObjectNode series(Dimension dimension, Dimension bucket, List<Reports.Point> points) {
    ObjectNode root = JSON.createObjectNode().put("by", dimension.code()).put("bucket", bucket.code());
    var array = root.putArray("points");
    for (Reports.Point p : points) {
      ObjectNode point = entry(p.aggregate());
      point.put("bucket", p.bucket()).put("key", p.key() == null ? NONE : p.key());
      array.add(point);
    }
    return root;
  }

  public static ObjectNode trace(Reports.Trace trace) {
    ObjectNode root = entry(trace.total());
    root.put("trace_id", trace.traceId());
    root.put("first", trace.first() == null ? null : trace.first().toString());
    root.put("last", trace.last() == null ? null : trace.last().toString());
    var calls = root.putArray("calls");
    for (Reports.Call call : trace.calls()) {
      ObjectNode line = entry(call.figures());
      line.put("seq", call.seq()).put("id", call.id()).put("timestamp", call.timestamp().toString()).put("provider", call.provider())
          .put("model", call.model()).put("operation", call.operation());
      calls.add(line);
    }
    return root;
  }

  public static ObjectNode measuredVsModelled(List<Reports.Comparison> comparisons) {
    ObjectNode root = JSON.createObjectNode();
    var models = root.putArray("models");
    for (Reports.Comparison c : comparisons) {
      ObjectNode line = models.addObject().put("model", c.model()).put("records", c.records()).put("measured_wh", wh(c.measuredJoules()))
          .put("modelled_wh", wh(c.modelledJoules())).put("modelled_wh_low", wh(c.modelledLowJoules()))
          .put("modelled_wh_high", wh(c.modelledHighJoules()));
      putNumber(line, "ratio", c.ratio());
    }
    return root;
  }

  static Double wh(Double joules) {
    return joules == null ? null : joules / Energy.JOULES_PER_WH;
  }

  static void putNumber(ObjectNode node, String name, Double value) {
    if (value == null) node.putNull(name);
    else node.put(name, value);
  }
}
