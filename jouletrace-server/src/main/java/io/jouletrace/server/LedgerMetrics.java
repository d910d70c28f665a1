package io.jouletrace.server;

import io.jouletrace.core.figure.Tier;
import io.jouletrace.ledger.report.Aggregate;
import io.jouletrace.ledger.report.Dimension;
import io.jouletrace.ledger.report.Reports;
import io.jouletrace.ledger.report.Scope;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Unit;
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
 * <p>Names follow Prometheus' conventions (base units, {@code _total} on counters; {@code promtool check metrics} is
 * clean). The ledger totals are counters: the ledger is append-only, so each total only grows, and {@code rate()} of
 * one is the energy (or carbon, or calls) per second. Every counter of this process is exposed at 0 from start, so a
 * rate has a first sample before the first event.
 *
 * <p>Team and model names come from tenants' records, so each tenant shows its {@code top} teams and models by calls and
 * folds the rest into {@value #OTHER}: a tenant sending a new name per call cannot grow the exposition without bound.
 */
final class LedgerMetrics implements Gateway.Unrecorded {

  /** The label value of a tenant's teams and models beyond its top ones. */
  static final String OTHER = "other";
  /** How many teams and how many models of each tenant get their own series by default. */
  static final int DEFAULT_TOP = 10;

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Reports reports;
  private final LedgerAccess access;
  private final int top;

  /** @param top how many teams and how many models of each tenant get series of their own; the rest are {@value #OTHER} */
  LedgerMetrics(Reports reports, LedgerAccess access, int top) {
    if (top < 1) throw new IllegalArgumentException("--metrics-top must be at least 1, got " + top);
    this.reports = reports;
    this.access = access;
    this.top = top;
    registry.getPrometheusRegistry().register((MultiCollector) this::ledgerTotals);
    for (String source : List.of("api", "otlp", "gateway")) ingested(source, 0, 0, 0);
    for (String endpoint : Gateway.ENDPOINTS.keySet()) {
      for (String reason : Gateway.Unrecorded.REASONS) unrecordedCounter(endpoint, reason);
    }
    writeFailures();
  }

  /** Counts what one ingest request did. */
  void ingested(String source, long accepted, long duplicates, long rejected) {
    counter(source, "accepted").increment(accepted);
    counter(source, "duplicate").increment(duplicates);
    counter(source, "rejected").increment(rejected);
  }

  /** Counts a gateway call that left no record (Gateway.Unrecorded), by endpoint and reason. */
  @Override
  public void unrecorded(String endpoint, String reason) {
    unrecordedCounter(endpoint, reason).increment();
  }

  private Counter unrecordedCounter(String endpoint, String reason) {
    return Counter.builder("jouletrace.gateway.unrecorded.calls").description("Gateway calls that produced no tokens and so no ledger record")
        .tags("endpoint", endpoint, "reason", reason).register(registry);
  }

  /** Counts an append the ledger failed (database away, disk full). */
  void writeFailed() {
    writeFailures().increment();
  }

  private Counter writeFailures() {
    return Counter.builder("jouletrace.ledger.write.failures").description("Appends the ledger failed (each failed its batch only)")
        .register(registry);
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

  /** The exposition text, with the ledger totals read now. */
  String scrape() {
    return registry.scrape();
  }

  /** The ledger's totals by tenant, team, model (and tier), read from the ledger at each scrape. */
  private MetricSnapshots ledgerTotals() {
    List<Reports.Combination> combinations = access.withLedger(
        () -> reports.combinations(Scope.all(), List.of(Dimension.TENANT, Dimension.TEAM, Dimension.MODEL)));
    Map<List<String>, Aggregate> totals = foldTail(combinations);
    CounterSnapshot.Builder unrated = family("jouletrace_unrated_calls", null, "Calls whose energy figure is unknown (never counted as 0)");
    totals.forEach((key, a) -> unrated.dataPoint(point(labels(key), a.energyJoules().unratedCalls())));
    return MetricSnapshots.of(
        byTier(totals, "jouletrace_energy", Unit.JOULES, "Energy of the ledger's calls by tier (sum of central values)",
            (a, tier) -> a.energyJoules().of(tier)),
        byTier(totals, "jouletrace_carbon", Unit.GRAMS, "Carbon of the ledger's calls by tier, gCO2e", (a, tier) -> a.carbonGrams().of(tier)),
        byTier(totals, "jouletrace_calls", null, "Calls in the ledger by the tier of their energy figure",
            (a, tier) -> a.energyJoules().callsOf(tier)),
        unrated.build());
  }

  private interface TierValue {
    double of(Aggregate aggregate, Tier tier);
  }

  private static CounterSnapshot byTier(Map<List<String>, Aggregate> totals, String name, Unit unit, String help, TierValue value) {
    CounterSnapshot.Builder family = family(name, unit, help);
    totals.forEach((key, a) -> {
      for (Tier tier : Tier.values()) family.dataPoint(point(labels(key).add("tier", tier.code()), value.of(a, tier)));
    });
    return family.build();
  }

  /** A counter family; the exposition adds {@code _total} to its name (and the unit's suffix, where it has one). */
  private static CounterSnapshot.Builder family(String name, Unit unit, String help) {
    return CounterSnapshot.builder().name(unit == null ? name : name + "_" + unit).help(help).unit(unit);
  }

  private static CounterDataPointSnapshot point(Labels labels, double value) {
    return CounterDataPointSnapshot.builder().labels(labels).value(value).build();
  }

  private static Labels labels(List<String> key) {
    return Labels.of("tenant", key.get(0), "team", key.get(1), "model", key.get(2));
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
