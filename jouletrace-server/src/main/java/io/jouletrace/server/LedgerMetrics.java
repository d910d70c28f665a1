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
import java.util.List;
import java.util.function.Supplier;

/**
 * Prometheus exposition at {@code /metrics}: the ledger's energy, carbon, calls and unrated calls by tenant, team, model
 * and tier (read from the ledger at each scrape, so they are totals since the first record), and the ingest counters
 * of this process by source and outcome (their rate is the ingest rate).
 */
final class LedgerMetrics {

  /** Runs a ledger query with the ledger to itself. */
  interface LedgerAccess {
    <T> T withLedger(Supplier<T> work);
  }

  private static final double JOULES_PER_WH = 3600;

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Reports reports;
  private final LedgerAccess access;
  private final MultiGauge energy;
  private final MultiGauge carbon;
  private final MultiGauge calls;
  private final MultiGauge unrated;

  LedgerMetrics(Reports reports, LedgerAccess access) {
    this.reports = reports;
    this.access = access;
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
    for (Reports.Combination c : combinations) {
      Tags tags = Tags.of("tenant", label(c.keys().get(0)), "team", label(c.keys().get(1)), "model", label(c.keys().get(2)));
      Aggregate a = c.aggregate();
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

  /** Prometheus has no null label: a call without the field gets an empty value. */
  private static String label(String value) {
    return value == null ? "" : value;
  }
}
