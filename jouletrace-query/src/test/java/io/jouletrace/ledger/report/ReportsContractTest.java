package io.jouletrace.ledger.report;

import static io.jouletrace.ledger.LedgerContractTest.MODEL;
import static io.jouletrace.ledger.LedgerContractTest.T0;
import static io.jouletrace.ledger.LedgerContractTest.counter;
import static io.jouletrace.ledger.LedgerContractTest.ingest;
import static io.jouletrace.ledger.LedgerContractTest.records;
import static io.jouletrace.ledger.LedgerContractTest.setup;
import static io.jouletrace.ledger.LedgerContractTest.twoSpans;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.jouletrace.core.attribution.Attribution;
import io.jouletrace.core.figure.AccuracyBand;
import io.jouletrace.core.figure.Tier;
import io.jouletrace.core.record.InvocationRecord;
import io.jouletrace.ledger.entry.FigureSet;
import io.jouletrace.ledger.Ledger;
import io.jouletrace.ledger.Measurement;
import io.jouletrace.ledger.VerifyReport;
import io.jouletrace.ledger.store.Store;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What reports read from every store: sums that add up to the stored figures, the daily rollup, traces, and verify's
 * check of the rollup. A store's test extends this with {@link #openStore} (the same, initially empty, ledger on every
 * call within one test) and {@link #sql} (a statement run directly against it, to tamper), as for
 * {@link io.jouletrace.ledger.LedgerContractTest}, whose records and measurement fixtures these tests share.
 */
public abstract class ReportsContractTest {

  /** Opens this test's ledger store; every call within one test opens the same ledger. */
  protected abstract Store openStore();

  /** Runs one SQL statement directly against this test's ledger, as someone with write access could. */
  protected abstract void sql(String statement) throws Exception;

  private Ledger open(byte[] key) {
    return Ledger.open(openStore(), key);
  }

  @Test
  public void a_summary_adds_up_to_the_stored_figures_tier_by_tier_and_never_counts_unrated_calls_as_zero() {
    try (Ledger ledger = open(null)) {
      ingest(ledger, records(1_500, 11), 500);
      Instant since = Instant.parse("2026-11-05T00:00:00Z");
      Instant until = Instant.parse("2026-11-20T00:00:00Z");
      double[] byTier = new double[3];
      double[] lowHigh = new double[2];
      long[] counts = new long[3]; // calls, unrated calls, unrated tokens
      int[] weakestBand = {-1};
      Map<String, Double> byModel = new HashMap<>();
      ledger.store().scan(e -> {
        if (e.record().timestamp().isBefore(since) || !e.record().timestamp().isBefore(until) || !"team-2".equals(e.record().team())) return;
        counts[0]++;
        FigureSet.Amount energy = e.figures().energyJoules();
        if (energy == null) {
          counts[1]++;
          counts[2] += e.record().totalTokens();
          return;
        }
        byTier[Tier.valueOf(energy.tier().toUpperCase()).ordinal()] += energy.value();
        weakestBand[0] = Math.max(weakestBand[0], AccuracyBand.valueOf(energy.band().toUpperCase()).ordinal());
        lowHigh[0] += energy.low();
        lowHigh[1] += energy.high();
        byModel.merge(e.record().model(), energy.value() / 3600, Double::sum);
      });
      assertThat(counts[1]).as("the seed must give unrated calls").isPositive();

      var scope = new Scope(since, until,
          Map.of(Dimension.TEAM, "team-2"));
      var summary = new Reports(ledger.store()).summary(scope,
          Reports.DEFAULT_BREAKDOWNS);
      var energy = summary.total().energyJoules();
      assertThat(summary.total().calls()).isEqualTo(counts[0]);
      assertThat(energy.measured()).isZero();
      assertThat(energy.modelled()).isCloseTo(byTier[1], within(1e-9 * byTier[1]));
      assertThat(energy.estimated()).isCloseTo(byTier[2], within(1e-9 * byTier[2]));
      assertThat(energy.low()).isCloseTo(lowHigh[0], within(1e-9 * lowHigh[0]));
      assertThat(energy.high()).isCloseTo(lowHigh[1], within(1e-9 * lowHigh[1]));
      assertThat(energy.unratedCalls()).isEqualTo(counts[1]);
      assertThat(energy.unratedTokens()).isEqualTo(counts[2]);
      assertThat(energy.band()).isEqualTo(AccuracyBand.values()[weakestBand[0]]);

      var json = ReportJson.summary(summary);
      assertThat(json.get("total_calls").asLong()).isEqualTo(counts[0]);
      assertThat(json.get("total_wh").asDouble()).isCloseTo((byTier[1] + byTier[2]) / 3600, within(1e-9));
      assertThat(json.get("by_model").get("mystery-model").get("wh").isNull()).as("an uncatalogued model is unrated, not 0").isTrue();
      assertThat(json.get("by_model").get("mystery-model").get("unrated").get("calls").asLong()).isPositive();
      byModel.forEach((model, wh) -> assertThat(json.get("by_model").get(model).get("wh").asDouble()).isCloseTo(wh, within(1e-9 * wh)));
      double regions = 0;
      for (var region : json.get("by_region")) regions += region.get("calls").asLong();
      assertThat(regions).isEqualTo(counts[0]);
    }
  }

  @Test
  public void a_measured_figure_takes_the_place_of_the_modelled_one_in_reports_and_the_two_are_compared_per_model() {
    try (Ledger ledger = open(null)) {
      Measurement.Result result = new Measurement(ledger).ingest(counter(), twoSpans(), setup(), 100);
      var reports = new Reports(ledger.store());
      var total = reports.summary(Scope.all(), List.of()).total().energyJoules();
      double measured = result.attribution().spans().stream().mapToDouble(Attribution.SpanEnergy::energyJ).sum();
      assertThat(total.measured()).isCloseTo(measured, within(1e-9));
      assertThat(total.measuredCalls()).isEqualTo(2);
      assertThat(total.modelled() + total.estimated()).isZero();

      double[] modelled = {0};
      ledger.store().scan(e -> modelled[0] += e.figures().energyJoules().value());
      var comparison = reports.measuredVsModelled(Scope.all());
      assertThat(comparison).singleElement().satisfies(c -> {
        assertThat(c.model()).isEqualTo(MODEL);
        assertThat(c.records()).isEqualTo(2);
        assertThat(c.ratio()).isCloseTo(measured / modelled[0], within(1e-12));
      });
    }
  }

  @Test
  public void each_breakdown_of_a_summary_equals_the_same_totals_computed_by_conditional_sums_group_by_group() {
    try (Ledger ledger = open(null)) {
      ingest(ledger, records(1_500, 11), 500);
      var reports = new Reports(ledger.store());
      var scope = new Scope(Instant.parse("2026-11-03T00:00:00Z"), null, Map.of());
      List<Dimension> dimensions = List.of(Dimension.TEAM,
          Dimension.MODEL, Dimension.REGION, Dimension.DAY);
      assertSummaryEqualsRecords(reports, scope, dimensions);
      var summary = reports.summary(scope, dimensions);
      var byTeam = reports.combinations(scope, List.of(Dimension.TEAM));
      assertThat(summary.total().calls()).isEqualTo(byTeam.stream().mapToLong(c -> c.aggregate().calls()).sum());
      assertThat(summary.total().energyJoules().low()).isCloseTo(byTeam.stream().mapToDouble(c -> c.aggregate().energyJoules().low()).sum(),
          within(1e-9 * summary.total().energyJoules().low()));
      assertThat(summary.total().energyJoules().unratedCalls()).as("the seed must give unrated calls").isPositive();
    }
  }

  @Test
  public void the_daily_rollup_a_summary_reads_follows_new_records_and_a_measurement_of_an_old_one() {
    try (Ledger ledger = open(null)) {
      var reports = new Reports(ledger.store());
      var scope = new Scope(Instant.parse("2026-11-03T00:00:00Z"), null, Map.of());
      List<Dimension> byTeamAndZone = List.of(Dimension.TEAM,
          Dimension.ZONE);
      ingest(ledger, records(400, 21), 100);
      assertSummaryEqualsRecords(reports, scope, byTeamAndZone);
      ingest(ledger, records(300, 22), 100); // appended after the rollup was made
      assertSummaryEqualsRecords(reports, scope, byTeamAndZone);
      var fromSixAm = new Scope(Instant.parse("2026-11-03T06:00:00Z"), null, Map.of());
      assertSummaryEqualsRecords(reports, fromSixAm, byTeamAndZone); // not a whole day: read from the records

      // req-b is rolled up with its modelled figures; measuring it later replaces them in every report.
      ingest(ledger, List.of(InvocationRecord.builder("self-hosted", MODEL, 700).id("req-b").tenant("globex").timestamp(T0.plusSeconds(5))
          .inputTokens(800L).zone("FRA").build()), 10);
      var everything = Scope.all();
      assertThat(reports.summary(everything, byTeamAndZone).total().energyJoules().measuredCalls()).isZero();
      new Measurement(ledger).ingest(counter(), twoSpans(), setup(), 100);
      assertThat(reports.summary(everything, byTeamAndZone).total().energyJoules().measuredCalls()).isEqualTo(2);
      assertSummaryEqualsRecords(reports, everything, byTeamAndZone);
    }
  }

  /** Each breakdown of the summary (read from the rollup) equals the conditional sums over the records. */
  private static void assertSummaryEqualsRecords(Reports reports, Scope scope,
      List<Dimension> dimensions) {
    var summary = reports.summary(scope, dimensions);
    for (var dimension : dimensions) {
      Map<String, Aggregate> expected = new HashMap<>();
      reports.combinations(scope, List.of(dimension)).forEach(c -> expected.put(c.keys().getFirst(), c.aggregate()));
      assertThat(summary.breakdowns().get(dimension)).as(dimension.code()).hasSize(expected.size());
      for (var group : summary.breakdowns().get(dimension)) {
        assertSameTotals(group.aggregate(), expected.get(group.key()), dimension.code() + " " + group.key());
      }
    }
  }

  private static void assertSameTotals(Aggregate actual, Aggregate expected, String what) {
    assertThat(expected).as(what).isNotNull();
    assertThat(actual.calls()).as(what).isEqualTo(expected.calls());
    assertThat(actual.inputTokens()).as(what).isEqualTo(expected.inputTokens());
    assertThat(actual.outputTokens()).as(what).isEqualTo(expected.outputTokens());
    for (var pair : List.of(List.of(actual.energyJoules(), expected.energyJoules()), List.of(actual.carbonGrams(), expected.carbonGrams()))) {
      var a = pair.get(0);
      var e = pair.get(1);
      for (var tier : Tier.values()) {
        assertThat(a.of(tier)).as(what + " " + tier).isCloseTo(e.of(tier), within(1e-9 * Math.max(1, e.of(tier))));
        assertThat(a.callsOf(tier)).as(what + " " + tier).isEqualTo(e.callsOf(tier));
      }
      assertThat(a.low()).as(what).isCloseTo(e.low(), within(1e-9 * Math.max(1, e.low())));
      assertThat(a.high()).as(what).isCloseTo(e.high(), within(1e-9 * Math.max(1, e.high())));
      assertThat(a.unratedCalls()).as(what).isEqualTo(e.unratedCalls());
      assertThat(a.unratedTokens()).as(what).isEqualTo(e.unratedTokens());
      assertThat(a.band()).as(what).isEqualTo(e.band());
    }
  }

  @Test
  public void ordered_breakdowns_keep_their_sums_exact() {
    try (Ledger ledger = open(null)) {
      ingest(ledger, List.of(InvocationRecord.builder("acme", "mystery", 200).id("u1").timestamp(T0).build(),
          InvocationRecord.builder("openai", "gpt-4o", 100).id("k1").timestamp(T0).inputTokens(1000L).build()), 10);
      var groups = new Reports(ledger.store()).summary(Scope.all(),
          List.of(Dimension.MODEL)).breakdowns().get(Dimension.MODEL);
      assertThat(groups).extracting(g -> g.aggregate().energyJoules().unratedTokens()).containsExactly(0L, 200L);
      assertThat(groups.getLast().aggregate().energyJoules().band()).isNull();
    }
  }

  @Test
  public void a_trace_rolls_its_calls_up_into_one_line() {
    try (Ledger ledger = open(null)) {
      List<InvocationRecord> calls = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        calls.add(InvocationRecord.builder("openai", i == 2 ? "mystery-model" : "gpt-4o", 100 * (i + 1)).id("agent-" + i)
            .timestamp(T0.plusSeconds(i)).traceId("trace-1").zone("FRA").build());
      }
      calls.add(InvocationRecord.builder("openai", "gpt-4o", 50).id("other").timestamp(T0).traceId("trace-2").build());
      ingest(ledger, calls, 10);
      var trace = new Reports(ledger.store()).trace("trace-1", Scope.all());
      assertThat(trace.calls()).extracting(Reports.Call::id).containsExactly("agent-0", "agent-1", "agent-2");
      assertThat(trace.total().calls()).isEqualTo(3);
      assertThat(trace.total().energyJoules().unratedCalls()).isEqualTo(1);
      double sum = trace.calls().stream().mapToDouble(c -> c.figures().energyJoules().total() == null ? 0 : c.figures().energyJoules().total()).sum();
      assertThat(trace.total().energyJoules().total()).isCloseTo(sum, within(1e-12));
      assertThat(trace.first()).isEqualTo(T0);
    }
  }

  @Test
  public void an_edited_rollup_row_fails_verify_naming_the_table_and_the_row() throws Exception {
    try (Ledger ledger = open(null)) {
      ingest(ledger, records(300, 11), 100);
      new Reports(ledger.store()).summary(Scope.all(),
          Reports.DEFAULT_BREAKDOWNS);
      VerifyReport untouched = ledger.verify();
      assertThat(untouched.ok()).as(untouched.derived().examples().toString()).isTrue();
      assertThat(untouched.derived().rollupThroughSeq()).isEqualTo(300);
      assertThat(untouched.derived().rollupGroupsCompared()).isGreaterThan(10);
    }
    // One tenant's first day of rated energy drops to a tenth, as `report summary` would then show it.
    sql("UPDATE report_rollup_day SET energy_j_high = energy_j_high / 10 WHERE tenant = 'tenant-1' AND energy_j_high > 0"
        + " AND ts = (SELECT min(ts) FROM report_rollup_day WHERE tenant = 'tenant-1' AND energy_j_high > 0)");
    try (Ledger ledger = open(null)) {
      VerifyReport report = ledger.verify();
      assertThat(report.chainIntact()).isTrue();
      assertThat(report.ok()).isFalse();
      assertThat(report.derived().differences()).isPositive();
      VerifyReport.Difference first = report.derived().examples().getFirst();
      assertThat(first.table()).isEqualTo("report_rollup_day");
      assertThat(first.row()).startsWith("day=2026-11-").contains("tenant=tenant-1");
      assertThat(first.field()).isEqualTo("energy_j_high");
      assertThat(Double.parseDouble(first.expected()) / Double.parseDouble(first.stored())).isCloseTo(10, within(1e-6));
    }
  }

  @Test
  public void reports_and_filters_name_a_call_by_the_model_asked_for_and_model_served_by_the_snapshot_that_answered() {
    Instant day = Instant.parse("2026-11-03T00:00:00Z");
    InvocationRecord aliased = InvocationRecord.builder("openai", "gpt-4o-mini-2024-07-18", 100).id("aliased").inputTokens(50L)
        .timestamp(day.plusSeconds(3_600)).modelRequested("gpt-4o-mini").build();
    InvocationRecord plain = InvocationRecord.builder("openai", "gpt-4o-mini", 100).id("plain").inputTokens(50L)
        .timestamp(day.plusSeconds(7_200)).build();
    try (Ledger ledger = open(null)) {
      ingest(ledger, List.of(aliased, plain), 10);
      Reports reports = new Reports(ledger.store());
      // Whole days: the rollup's path; an open scope: the records' path. Both name the call the same way.
      for (Scope scope : List.of(new Scope(day, day.plusSeconds(86_400), Map.of()), new Scope(null, null, Map.of()))) {
        var summary = reports.summary(scope, List.of(Dimension.MODEL, Dimension.MODEL_SERVED));
        assertThat(summary.breakdowns().get(Dimension.MODEL)).extracting(Reports.Group::key).containsExactly("gpt-4o-mini");
        assertThat(summary.breakdowns().get(Dimension.MODEL).getFirst().aggregate().calls()).isEqualTo(2);
        assertThat(summary.breakdowns().get(Dimension.MODEL_SERVED)).extracting(Reports.Group::key)
            .containsExactlyInAnyOrder("gpt-4o-mini", "gpt-4o-mini-2024-07-18");
        assertThat(reports.summary(new Scope(scope.since(), scope.until(), Map.of(Dimension.MODEL, "gpt-4o-mini")), List.of())
            .total().calls()).as("a filter on the alias finds both calls").isEqualTo(2);
        assertThat(reports.summary(new Scope(scope.since(), scope.until(), Map.of(Dimension.MODEL_SERVED, "gpt-4o-mini-2024-07-18")),
            List.of()).total().calls()).isEqualTo(1);
      }
      assertThat(ledger.verify().ok()).as("the rollup agrees with the records").isTrue();
    }
  }

}
