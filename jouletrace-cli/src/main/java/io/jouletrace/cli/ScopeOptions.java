package io.jouletrace.cli;

import io.jouletrace.ledger.report.Dimension;
import io.jouletrace.ledger.report.Scope;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** Which records a report covers: shared by every report and export command. */
final class ScopeOptions {

  @Option(names = "--since", paramLabel = "TIME", description = "From this time, inclusive (RFC 3339 or a UTC date, 2026-11-01).")
  String since;

  @Option(names = "--until", paramLabel = "TIME", description = "Up to this time, exclusive (RFC 3339 or a UTC date).")
  String until;

  @Option(names = "--tenant", paramLabel = "T", description = "Only this tenant.")
  String tenant;

  @Option(names = "--team", paramLabel = "T", description = "Only this team.")
  String team;

  @Option(names = "--cost-center", paramLabel = "C", description = "Only this cost center.")
  String costCenter;

  @Option(names = "--model", paramLabel = "M", description = "Only this model (as recorded).")
  String model;

  @Option(names = "--provider", paramLabel = "P", description = "Only this provider.")
  String provider;

  @Option(names = "--region", paramLabel = "R", description = "Only calls recorded in this region (or zone).")
  String region;

  @Option(names = "--zone", paramLabel = "Z", description = "Only calls whose carbon used this grid zone.")
  String zone;

  @Option(names = "--operation", paramLabel = "OP", description = "Only this operation (chat, completion, embedding, …).")
  String operation;

  @Option(names = "--trace", paramLabel = "ID", description = "Only the calls of this trace id.")
  String trace;

  Scope scope() {
    Map<Dimension, String> filters = new LinkedHashMap<>();
    put(filters, Dimension.TENANT, tenant);
    put(filters, Dimension.TEAM, team);
    put(filters, Dimension.COST_CENTER, costCenter);
    put(filters, Dimension.MODEL, model);
    put(filters, Dimension.PROVIDER, provider);
    put(filters, Dimension.REGION, region);
    put(filters, Dimension.ZONE, zone);
    put(filters, Dimension.OPERATION, operation);
    put(filters, Dimension.TRACE, trace);
    return new Scope(Scope.time("--since", since), Scope.time("--until", until), filters);
  }

  /** The same scope as the server's query parameters (since, until and a dimension's code for each filter). */
  Map<String, String> query() {
    Map<String, String> query = new LinkedHashMap<>();
    if (since != null) query.put("since", since);
    if (until != null) query.put("until", until);
    scope().filters().forEach((dimension, value) -> query.put(dimension.code(), value));
    return query;
  }

  private static void put(Map<Dimension, String> filters, Dimension dimension, String value) {
    if (value != null) filters.put(dimension, value);
  }
}
