package io.jouletrace.ledger.budget;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jouletrace.ledger.budget.Budget.Mode;
import io.jouletrace.ledger.budget.Budget.Period;
import io.jouletrace.ledger.budget.Budget.Quantity;
import io.jouletrace.ledger.budget.Budget.ScopeKind;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** A budget's own rules, without a store: its periods, and what it refuses to mean. */
class BudgetTest {

  /** A Sunday: the ISO week that holds it started on Monday 2026-10-26. */
  private static final Instant SUNDAY = Instant.parse("2026-11-01T00:00:00Z");

  private static Budget budget(String name, ScopeKind kind, String value, Quantity quantity, double limit, Period period, Mode mode) {
    return new Budget(name, kind, value, quantity, limit, period, mode, Instant.parse("2026-10-01T00:00:00Z"));
  }

  @Test
  void a_week_starts_on_monday_and_a_month_on_the_first_utc() {
    assertThat(Period.WEEK.start(SUNDAY.plusSeconds(86_399))).isEqualTo("2026-10-26T00:00:00Z");
    assertThat(Period.WEEK.end(Instant.parse("2026-10-26T00:00:00Z"))).isEqualTo("2026-11-02T00:00:00Z");
    assertThat(Period.WEEK.start(Instant.parse("2026-11-02T00:00:00Z"))).isEqualTo("2026-11-02T00:00:00Z");
    assertThat(Period.MONTH.start(Instant.parse("2028-02-29T23:59:59Z"))).isEqualTo("2028-02-01T00:00:00Z");
    assertThat(Period.MONTH.end(Instant.parse("2028-02-01T00:00:00Z"))).isEqualTo("2028-03-01T00:00:00Z");
    assertThat(Period.MONTH.end(Instant.parse("2026-12-01T00:00:00Z"))).isEqualTo("2027-01-01T00:00:00Z");
    assertThat(Period.DAY.start(Instant.parse("2026-11-05T23:59:59.999999Z"))).isEqualTo("2026-11-05T00:00:00Z");
  }

  @Test
  void a_budget_refuses_what_it_cannot_mean_naming_the_field() {
    assertThatThrownBy(() -> budget("b", ScopeKind.TEAM, "search", Quantity.ENERGY, -1, Period.DAY, Mode.GATE))
        .hasMessage("limit: must be a positive number of kWh, got -1.0");
    assertThatThrownBy(() -> budget("b", ScopeKind.TEAM, "search", Quantity.CARBON, Double.NaN, Period.DAY, Mode.GATE))
        .hasMessageStartingWith("limit:");
    assertThatThrownBy(() -> budget(" ", ScopeKind.TEAM, "search", Quantity.ENERGY, 1, Period.DAY, Mode.GATE)).hasMessageStartingWith("name:");
    assertThatThrownBy(() -> budget("b", ScopeKind.COST_CENTER, "", Quantity.ENERGY, 1, Period.DAY, Mode.GATE))
        .hasMessage("cost_center: must not be blank");
    assertThatThrownBy(() -> Period.of("year")).hasMessage("unknown period `year` (use day, week, month)");
    assertThatThrownBy(() -> Mode.of("block")).hasMessage("unknown mode `block` (use advisory, gate)");
    assertThat(Budget.defaultName(ScopeKind.COST_CENTER, "cc-7", Quantity.CARBON, Period.WEEK, null)).isEqualTo("cost_center-cc-7-gco2e-week");
    assertThat(Budget.defaultName(ScopeKind.TEAM, "search", Quantity.ENERGY, Period.DAY, "acme")).isEqualTo("tenant-acme-team-search-kwh-day");
    assertThat(ScopeKind.of("cost-center")).isEqualTo(ScopeKind.COST_CENTER);
  }

  @Test
  void a_tenants_team_budget_counts_only_that_tenants_calls_and_an_admin_wide_one_every_tenants() {
    Instant created = Instant.parse("2026-10-01T00:00:00Z");
    Budget owned = new Budget("acme-search", ScopeKind.TEAM, "search", Quantity.ENERGY, 1, Period.DAY, Mode.GATE, created, "acme");
    assertThat(owned.appliesTo("acme", "search", null)).isTrue();
    assertThat(owned.appliesTo("globex", "search", null)).as("another tenant's call naming the same team").isFalse();
    assertThat(owned.appliesTo(null, "search", null)).isFalse();
    assertThat(owned.owner()).isEqualTo("acme");
    Budget adminWide = budget("search", ScopeKind.TEAM, "search", Quantity.ENERGY, 1, Period.DAY, Mode.GATE);
    assertThat(adminWide.appliesTo("globex", "search", null)).isTrue();
    assertThat(adminWide.owner()).isNull();
    assertThat(budget("t", ScopeKind.TENANT, "acme", Quantity.ENERGY, 1, Period.DAY, Mode.GATE).owner()).isEqualTo("acme");
    assertThatThrownBy(() -> new Budget("t", ScopeKind.TENANT, "acme", Quantity.ENERGY, 1, Period.DAY, Mode.GATE, created, "globex"))
        .hasMessageStartingWith("tenant:");
  }
}
