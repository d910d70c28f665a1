package io.jouletrace.ledger.budget;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.jouletrace.core.record.InvocationRecord;
import io.jouletrace.ledger.entry.FigureSet;
import io.jouletrace.ledger.Ledger;
import io.jouletrace.ledger.LedgerContractTest;
import io.jouletrace.ledger.entry.LedgerEntry;
import io.jouletrace.ledger.budget.Budget.Mode;
import io.jouletrace.ledger.budget.Budget.Period;
import io.jouletrace.ledger.budget.Budget.Quantity;
import io.jouletrace.ledger.budget.Budget.ScopeKind;
import io.jouletrace.ledger.store.Store;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * Budgets over a real store: persistence, what is spent in a period, the crossing call, the projection and the
 * gateway's check. A store's test extends this with {@link #openStore} (the same, initially empty, store on every
 * call within one test).
 */
public abstract class BudgetsContractTest {

  private static final Instant CREATED = Instant.parse("2026-10-01T00:00:00Z");

  protected abstract Store openStore();

  private static Budget budget(String name, ScopeKind kind, String value, Quantity quantity, double limit, Period period, Mode mode) {
    return new Budget(name, kind, value, quantity, limit, period, mode, CREATED);
  }

  private static InvocationRecord call(String id, Instant at, String team, String model, long outputTokens) {
    return InvocationRecord.builder(model.equals("mystery-model") ? "acme" : "openai", model, outputTokens).id(id).timestamp(at).team(team)
        .tenant("acme").inputTokens(1000L).zone("FRA").build();
  }

  /** The stored entries that {@code filter} keeps, with each one's effective figure of {@code quantity}. */
  private static double sum(Store store, Quantity quantity, Predicate<LedgerEntry> filter) {
    Function<LedgerEntry, FigureSet.Amount> amount = quantity == Quantity.ENERGY ? e -> e.figures().energyJoules() : e -> e.figures().carbonGrams();
    double[] total = {0};
    store.scan(e -> {
      if (filter.test(e) && amount.apply(e) != null) total[0] += amount.apply(e).value();
    });
    return quantity.fromStored(total[0]);
  }

  private static boolean inPeriod(LedgerEntry e, Instant from, Instant atInclusive) {
    Instant ts = e.record().timestamp();
    return !ts.isBefore(from) && !ts.isAfter(atInclusive);
  }

  @Test
  public void set_replaces_by_name_list_is_by_name_and_delete_says_whether_there_was_one() {
    try (Store store = openStore()) {
      Budgets budgets = new Budgets(store);
      Budget team = budget("team-search-kwh-day", ScopeKind.TEAM, "search", Quantity.ENERGY, 10, Period.DAY, Mode.GATE);
      Budget awkward = budget("o'brien; \"x\"", ScopeKind.COST_CENTER, "cc 'é' 电力", Quantity.CARBON, 0.125, Period.MONTH, Mode.ADVISORY);
      budgets.set(team);
      budgets.set(awkward);
      Budget replaced = budget("team-search-kwh-day", ScopeKind.TEAM, "search", Quantity.ENERGY, 12.5, Period.WEEK, Mode.ADVISORY);
      budgets.set(replaced);
      assertThat(budgets.list()).containsExactly(awkward, replaced);
      assertThat(budgets.get("team-search-kwh-day")).contains(replaced);
      assertThat(budgets.delete("team-search-kwh-day")).isTrue();
      assertThat(budgets.delete("team-search-kwh-day")).isFalse();
      assertThat(budgets.list()).containsExactly(awkward);
    }
    try (Store reopened = openStore()) {
      assertThat(reopened.budgets()).extracting(Budget::name).containsExactly("o'brien; \"x\"");
    }
  }

  @Test
  public void spent_is_the_sum_of_the_scope_s_figures_in_the_period_up_to_the_instant_and_unrated_calls_stay_apart() {
    try (Ledger ledger = Ledger.open(openStore(), null)) {
      LedgerContractTest.ingest(ledger, LedgerContractTest.records(1_500, 11), 500);
      Store store = ledger.store();
      Budgets budgets = new Budgets(store);
      Instant at = Instant.parse("2026-11-18T13:37:00Z");
      for (Period period : Period.values()) {
        for (Quantity quantity : Quantity.values()) {
          Budget b = budget("b", ScopeKind.TEAM, "team-2", quantity, 1e9, period, Mode.ADVISORY);
          BudgetStatus status = budgets.status(b, at);
          Instant start = period.start(at);
          Predicate<LedgerEntry> counted = e -> "team-2".equals(e.record().team()) && inPeriod(e, start, at);
          double expected = sum(store, quantity, counted);
          assertThat(expected).as("%s %s: the seed must give calls", period, quantity).isPositive();
          assertThat(status.spent()).as("%s %s", period, quantity).isCloseTo(expected, within(1e-9 * expected));
          assertThat(status.spentLow()).isLessThanOrEqualTo(status.spent());
          assertThat(status.spentHigh()).isGreaterThanOrEqualTo(status.spent());
          long[] calls = {0, 0};
          store.scan(e -> {
            if (!counted.test(e)) return;
            calls[0]++;
            if ((quantity == Quantity.ENERGY ? e.figures().energyJoules() : e.figures().carbonGrams()) == null) calls[1]++;
          });
          assertThat(status.calls()).isEqualTo(calls[0]);
          assertThat(status.unratedCalls()).isEqualTo(calls[1]);
          if (period == Period.MONTH) assertThat(status.unratedCalls()).as("the seed's uncatalogued model is unrated, not 0").isPositive();
          assertThat(status.ratedCalls() + status.unratedCalls()).isEqualTo(status.calls());
          assertThat(status.remaining()).isCloseTo(1e9 - status.spent(), within(1e-6));
          assertThat(status.state()).isEqualTo(BudgetStatus.State.OK);
        }
      }
      Budget tenant = budget("t", ScopeKind.TENANT, "tenant-1", Quantity.CARBON, 1e9, Period.MONTH, Mode.ADVISORY);
      double expected = sum(store, Quantity.CARBON, e -> "tenant-1".equals(e.record().tenant()) && inPeriod(e, Period.MONTH.start(at), at));
      assertThat(budgets.status(tenant, at).spent()).isCloseTo(expected, within(1e-9 * expected));
    }
  }

  @Test
  public void a_week_budget_counts_from_monday_and_a_month_budget_from_the_first_utc() {
    try (Ledger ledger = Ledger.open(openStore(), null)) {
      Instant monday = Instant.parse("2026-11-02T00:00:00Z");
      LedgerContractTest.ingest(ledger, List.of(call("sun", monday.minusSeconds(1), "search", "gpt-4o", 100),
          call("mon", monday, "search", "gpt-4o", 200), call("oct", Instant.parse("2026-10-31T23:59:59Z"), "search", "gpt-4o", 300),
          call("nov", Instant.parse("2026-11-01T00:00:00Z"), "search", "gpt-4o", 400)), 10);
      Budgets budgets = new Budgets(ledger.store());
      double mondayOnly = sum(ledger.store(), Quantity.ENERGY, e -> e.record().id().equals("mon"));
      BudgetStatus week = budgets.status(budget("w", ScopeKind.TEAM, "search", Quantity.ENERGY, 1, Period.WEEK, Mode.GATE), monday);
      assertThat(week.periodStart()).isEqualTo(monday);
      assertThat(week.periodEnd()).isEqualTo("2026-11-09T00:00:00Z");
      assertThat(week.calls()).as("the call at Monday 00:00 itself counts; Sunday's is last week's").isEqualTo(1);
      assertThat(week.spent()).isCloseTo(mondayOnly, within(1e-15));
      BudgetStatus month = budgets.status(budget("m", ScopeKind.TEAM, "search", Quantity.ENERGY, 1, Period.MONTH, Mode.GATE), monday);
      assertThat(month.calls()).as("November's three calls; October's last second is not in it").isEqualTo(3);
    }
  }

  @Test
  public void the_crossing_is_the_call_whose_running_sum_first_reaches_the_limit_in_time_then_seq_order() {
    try (Ledger ledger = Ledger.open(openStore(), null)) {
      Instant t = Instant.parse("2026-11-03T08:00:00Z");
      List<InvocationRecord> calls = new ArrayList<>(List.of(
          call("yesterday", t.minusSeconds(86_400), "search", "gpt-4o", 5000),
          call("c1", t, "search", "gpt-4o", 100),
          call("other-team", t.plusSeconds(1), "ads", "gpt-4o", 5000),
          call("unrated", t.plusSeconds(2), "search", "mystery-model", 5000),
          call("c3", t.plusSeconds(3), "search", "gpt-4o", 300),
          call("c2", t.plusSeconds(3), "search", "gpt-4o", 200),
          call("c4", t.plusSeconds(4), "search", "gpt-4o", 400)));
      LedgerContractTest.ingest(ledger, calls, 10);
      Store store = ledger.store();
      // c3 and c2 share a timestamp: c3 was stored first (lower seq), so it is added first.
      double upToC1 = sum(store, Quantity.ENERGY, e -> e.record().id().equals("c1"));
      double upToC3 = upToC1 + sum(store, Quantity.ENERGY, e -> e.record().id().equals("c3"));
      double upToC2 = upToC3 + sum(store, Quantity.ENERGY, e -> e.record().id().equals("c2"));
      Budgets budgets = new Budgets(store);
      Instant end = t.plusSeconds(60);

      BudgetStatus reachedAtC3 = budgets.status(budget("b", ScopeKind.TEAM, "search", Quantity.ENERGY, (upToC1 + upToC3) / 2, Period.DAY, Mode.GATE), end);
      assertThat(reachedAtC3.state()).isEqualTo(BudgetStatus.State.CROSSED);
      assertThat(reachedAtC3.crossing().callId()).isEqualTo("c3");
      assertThat(reachedAtC3.crossing().at()).isEqualTo(t.plusSeconds(3));
      assertThat(reachedAtC3.remaining()).isNegative();

      BudgetStatus exactlyAtC2 = budgets.status(budget("b", ScopeKind.TEAM, "search", Quantity.ENERGY, upToC2, Period.DAY, Mode.GATE), end);
      assertThat(exactlyAtC2.crossing().callId()).as("reaching the limit exactly crosses it").isEqualTo("c2");

      BudgetStatus beforeC4 = budgets.status(budget("b", ScopeKind.TEAM, "search", Quantity.ENERGY, upToC2 * 1.0001, Period.DAY, Mode.GATE), t.plusSeconds(3));
      assertThat(beforeC4.state()).as("c4 comes after the instant asked about").isEqualTo(BudgetStatus.State.OK);
      assertThat(beforeC4.crossing()).isNull();
      assertThat(beforeC4.calls()).as("c1, unrated, c3, c2").isEqualTo(4);
      assertThat(beforeC4.unratedCalls()).isEqualTo(1);
      assertThat(beforeC4.unratedTokens()).isEqualTo(6000);
      assertThat(beforeC4.spent()).as("the unrated call is not in spent").isCloseTo(upToC2, within(1e-12 * upToC2));
    }
  }

  @Test
  public void the_projection_extrapolates_spent_linearly_over_the_elapsed_fraction_of_the_period() {
    try (Ledger ledger = Ledger.open(openStore(), null)) {
      LedgerContractTest.ingest(ledger, List.of(call("a", Instant.parse("2026-11-03T01:00:00Z"), "search", "gpt-4o", 700)), 10);
      Budgets budgets = new Budgets(ledger.store());
      Budget daily = budget("d", ScopeKind.TEAM, "search", Quantity.CARBON, 1e6, Period.DAY, Mode.ADVISORY);
      BudgetStatus quarter = budgets.status(daily, Instant.parse("2026-11-03T06:00:00Z"));
      assertThat(quarter.elapsedFraction()).isEqualTo(0.25);
      assertThat(quarter.projected()).isCloseTo(4 * quarter.spent(), within(1e-12 * quarter.spent()));
      assertThat(quarter.spent()).isPositive();

      Budget weekly = budget("w", ScopeKind.TEAM, "search", Quantity.CARBON, 1e6, Period.WEEK, Mode.ADVISORY);
      BudgetStatus wednesday = budgets.status(weekly, Instant.parse("2026-11-04T12:00:00Z"));
      assertThat(wednesday.elapsedFraction()).isEqualTo(2.5 / 7);
      assertThat(wednesday.projected()).isCloseTo(wednesday.spent() * 7 / 2.5, within(1e-9));

      BudgetStatus atStart = budgets.status(daily, Instant.parse("2026-11-04T00:00:00Z"));
      assertThat(atStart.spent()).isZero();
      assertThat(atStart.projected()).as("nothing elapsed to extrapolate from").isNull();
    }
  }

  @Test
  public void check_refuses_for_a_spent_gate_and_warns_for_a_crossed_advisory_of_the_call_s_scopes_only() {
    try (Ledger ledger = Ledger.open(openStore(), null)) {
      Instant t = Instant.parse("2026-11-03T08:00:00Z");
      LedgerContractTest.ingest(ledger, List.of(call("s1", t, "search", "gpt-4o", 1000), call("a1", t, "ads", "gpt-4o", 1000)), 10);
      double one = sum(ledger.store(), Quantity.ENERGY, e -> e.record().id().equals("s1"));
      Instant[] now = {Instant.parse("2030-01-01T00:00:00Z")};
      Budgets budgets = new Budgets(ledger.store(), Duration.ofSeconds(5), () -> now[0]);
      Budget gate = budget("search-gate", ScopeKind.TEAM, "search", Quantity.ENERGY, one / 2, Period.DAY, Mode.GATE);
      Budget advisory = budget("acme-advisory", ScopeKind.TENANT, "acme", Quantity.ENERGY, one, Period.DAY, Mode.ADVISORY);
      Budget roomyGate = budget("search-roomy", ScopeKind.TEAM, "search", Quantity.ENERGY, one * 1.5, Period.DAY, Mode.GATE);
      Budget adsGate = budget("ads-gate", ScopeKind.TEAM, "ads", Quantity.ENERGY, one / 2, Period.DAY, Mode.GATE);
      for (Budget b : List.of(gate, advisory, roomyGate, adsGate)) budgets.set(b);

      Instant at = t.plusSeconds(10);
      Budgets.Check search = budgets.check("acme", "search", null, at);
      assertThat(search.refused()).isTrue();
      assertThat(search.exhausted()).extracting(s -> s.budget().name()).containsExactly("search-gate");
      assertThat(search.advisories()).extracting(s -> s.budget().name()).containsExactly("acme-advisory");
      assertThat(search.advisories().getFirst().crossing().at()).isEqualTo(t);

      Budgets.Check noTeam = budgets.check("acme", null, null, at);
      assertThat(noTeam.refused()).as("team budgets do not apply to a call without a team").isFalse();
      assertThat(noTeam.advisories()).hasSize(1);
      assertThat(budgets.check("globex", "support", "cc-1", at)).isEqualTo(new Budgets.Check(List.of(), List.of()));

      // A second call spends the roomy gate; within maxAge the cached status still lets calls through, after it not.
      LedgerContractTest.ingest(ledger, List.of(call("s2", t.plusSeconds(20), "search", "gpt-4o", 1000)), 10);
      Instant later = t.plusSeconds(30);
      assertThat(budgets.check("acme", "search", null, later).exhausted()).extracting(s -> s.budget().name()).containsExactly("search-gate");
      now[0] = now[0].plusSeconds(5);
      assertThat(budgets.check("acme", "search", null, later).exhausted()).extracting(s -> s.budget().name())
          .containsExactly("search-gate", "search-roomy");

      budgets.delete("search-gate");
      assertThat(budgets.check("acme", "search", null, later).exhausted()).as("a change through Budgets is seen at once")
          .extracting(s -> s.budget().name()).containsExactly("search-roomy");
      assertThat(budgets.check("acme", "search", null, Instant.parse("2026-11-04T00:00:00Z")).refused())
          .as("a new day: the daily budget starts again").isFalse();
    }
  }
}
