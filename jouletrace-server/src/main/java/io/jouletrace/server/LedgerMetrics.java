package io.jouletrace.server;

import io.jouletrace.core.figure.Tier;
import io.jouletrace.ledger.report.Aggregate;
import io.jouletrace.ledger.report.Dimension;
import io.jouletrace.ledger.report.Reports;
import io.jouletrace.ledger.report.Scope;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.function.Supplier;

/**
 * Prometheus exposition at {@code /metrics}: the ledger's energy, carbon, calls and unrated calls by tenant, team, model
 * and tier (read from the ledger at each scrape, so they are totals since the first record), and the ingest counters
 * of this process by source and outcome (their rate is the ingest rate).
 *
 * <p>Team and model names come from tenants' records, so each tenant shows its {@code top} teams and models by calls and
 * folds the rest into {@value #OTHER}: a tenant sending a new name per call cannot grow the exposition without bound.
 */
final class LedgerMetrics {

  /** Runs a ledger query with the ledger to itself. */
  interface LedgerAccess {
    <T> T withLedger(Supplier<T> work);
  }

  private static final double JOULES_PER_WH = 3600;
  /** The label value of a tenant's teams and models beyond its top ones. */
  static final String OTHER = "other";
  /** How many teams and how many models of each tenant get their own series by default. */
  static final int DEFAULT_TOP = 10;

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Reports reports;
  private final LedgerAccess access;
  private final int top;
  private final MultiGauge energy;
  private final MultiGauge carbon;
  private final MultiGauge calls;
  private final MultiGauge unrated;

  /** @param top how many teams and how many models of each tenant get series of their own; the rest are {@value #OTHER} */
  LedgerMetrics(Reports reports, LedgerAccess access, int top) {
    if (top < 1) throw new IllegalArgumentException("--metrics-top must be at least 1, got " + top);
    this.reports = reports;
    this.access = access;
    this.top = top;
    energy = MultiGauge.builder("jouletrace.energy.watt.hours").description("Energy of the ledger's calls by tier (sum of central values)")
        .register(registry);
    carbon = MultiGauge.builder("jouletrace.carbon.grams").description("Carbon of the ledger's calls by tier, gCO2e").register(registry);
    calls = MultiGauge.builder("jouletrace.calls").description("Calls in the ledger by the tier of their energy figure").register(registry);
    unrated = MultiGauge.builder("jouletrace.unrated.calls").description("Calls whose energy figure is unknown (never counted as 0)")
        .register(registry);
  }

  /** Counts what one ingest request did. */
  void ingested(String source, long accepted, long duplicates, long rejected) {
    counter(source, "accepted").increment(accepted);
    counter(source, "duplicate").increment(duplicates);
    counter(source, "rejected").increment(rejected);
  }

  /** Counts a gateway call that left no record (Gateway.Unrecorded), by endpoint and reason. */
  void unrecorded(String endpoint, String reason) {
    Counter.builder("jouletrace.gateway.unrecorded.calls").description("Gateway calls that produced no tokens and so no ledger record")
        .tags("endpoint", endpoint, "reason", reason).register(registry).increment();
  }

  /** Counts an append the ledger failed (database away, disk full). */
  void writeFailed() {
    Counter.builder("jouletrace.ledger.write.failures").description("Appends the ledger failed (each failed its batch only)")
        .register(registry).increment();
  }

  /** Exposes how many gateway calls wait to be stored. */
  void recordQueue(Supplier<Number> depth) {
    Gauge.builder("jouletrace.gateway.record.queue.depth", depth).description("Gateway calls waiting to be stored in the ledger")
        .register(registry);
  }

  private Counter counter(String source, String outcome) {
    return Counter.builder("jouletrace.ingest.records").description("Records received by this server, by source and outcome")
        .tags("source", source, "outcome", outcome).register(registry);
  }

  /** The exposition text, with the ledger gauges read now. */
  String scrape() {
    List<Reports.Combination> combinations = access.withLedger(
        () -> reports.combinations(Scope.all(), List.of(Dimension.TENANT, Dimension.TEAM, Dimension.MODEL)));
    List<MultiGauge.Row<?>> energyRows = new ArrayList<>();
    List<MultiGauge.Row<?>> carbonRows = new ArrayList<>();
    List<MultiGauge.Row<?>> callRows = new ArrayList<>();
    List<MultiGauge.Row<?>> unratedRows = new ArrayList<>();
    for (Map.Entry<List<String>, Aggregate> c : foldTail(combinations).entrySet()) {
      Tags tags = Tags.of("tenant", c.getKey().get(0), "team", c.getKey().get(1), "model", c.getKey().get(2));
      Aggregate a = c.getValue();
      for (Tier tier : Tier.values()) {
        Tags tiered = tags.and("tier", tier.code());
        energyRows.add(MultiGauge.Row.of(tiered, a.energyJoules().of(tier) / JOULES_PER_WH));
        carbonRows.add(MultiGauge.Row.of(tiered, a.carbonGrams().of(tier)));
        callRows.add(MultiGauge.Row.of(tiered, a.energyJoules().callsOf(tier)));
      }
      unratedRows.add(MultiGauge.Row.of(tags, a.energyJoules().unratedCalls()));
    }
    energy.register(energyRows, true);
    carbon.register(carbonRows, true);
    calls.register(callRows, true);
    unrated.register(unratedRows, true);
    return registry.scrape();
  }

  /**
   * Tenant, team and model labels to their totals, with each tenant's teams and models beyond its {@link #top} by calls
   * (ties by name) folded into {@value #OTHER}.
   */
  private Map<List<String>, Aggregate> foldTail(List<Reports.Combination> combinations) {
    Map<String, List<Reports.Combination>> byTenant = new TreeMap<>();
    for (Reports.Combination c : combinations) byTenant.computeIfAbsent(label(c.keys().get(0)), t -> new ArrayList<>()).add(c);
    Map<List<String>, Aggregate> folded = new LinkedHashMap<>();
    byTenant.forEach((tenant, rows) -> {
      Set<String> teams = topNames(rows, 1);
      Set<String> models = topNames(rows, 2);
      for (Reports.Combination c : rows) {
        String team = label(c.keys().get(1));
        String model = label(c.keys().get(2));
        folded.merge(List.of(tenant, teams.contains(team) ? team : OTHER, models.contains(model) ? model : OTHER), c.aggregate(),
            Aggregate::plus);
      }
    });
    return folded;
  }

  /** The {@link #top} label values of key {@code index} by calls, most first, then by name. */
  private Set<String> topNames(List<Reports.Combination> rows, int index) {
    Map<String, Long> calls = new TreeMap<>();
    for (Reports.Combination c : rows) calls.merge(label(c.keys().get(index)), c.aggregate().calls(), Long::sum);
    return calls.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(top).map(Map.Entry::getKey)
        .collect(Collectors.toSet());
  }

  /** Prometheus has no null label: a call without the field gets an empty value. */
  private static String label(String value) {
    return value == null ? "" : value;
  }
}
