package io.jouletrace.ledger.budget;

import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Instant;
import java.util.List;

/** Checks a live call's scopes against energy budgets before it goes upstream (the gateway's port; docs/budgets.md). */
@FunctionalInterface
public interface BudgetGate {

  Verdict check(String tenant, String team, String costCenter, Instant at);

  /**
   * @param refusedBy the gate budget that is spent (the call is refused with 429), or null
   * @param refusal what the client is told
   * @param warnings crossed advisory budgets, named in the {@code x-jouletrace-budget-warning} header
   * @param resumesAt when the refusing budget's period ends (the refusal's {@code Retry-After}); null when none refuses
   */
  record Verdict(String refusedBy, String refusal, List<String> warnings, Instant resumesAt) {
    public static final Verdict PASS = new Verdict(null, null, List.of(), null);
  }

  /**
   * The gate over {@code budgets}: a spent gate budget refuses the call; crossed advisory budgets are named with their
   * crossing time. Only budgets of the call's tenant or admin-wide ones apply ({@link Budget#appliesTo}); an admin-wide
   * budget's figures sum every tenant's calls, so its refusal states none.
   */
  static BudgetGate of(Budgets budgets) {
    return (tenant, team, costCenter, at) -> {
      Budgets.Check check = budgets.check(tenant, team, costCenter, at);
      List<String> warnings = check.advisories().stream()
          .map(s -> s.budget().name() + " crossed at " + s.crossing().at()).toList();
      if (!check.refused()) return warnings.isEmpty() ? Verdict.PASS : new Verdict(null, null, warnings, null);
      BudgetStatus spent = check.exhausted().getFirst();
      Budget budget = spent.budget();
      String figures = budget.owner() == null ? ""
          : " (" + rounded(spent.spent()) + " of " + rounded(budget.limit()) + " " + budget.quantity().unit() + ")";
      return new Verdict(budget.name(), budget.quantity().code() + " budget " + budget.name() + " of "
          + budget.scopeKind().code() + " " + budget.scopeValue() + " is spent for this " + budget.period().code() + figures
          + "; calls resume at " + spent.periodEnd(), warnings, spent.periodEnd());
    };
  }

  /** Four significant digits: enough to compare spending with a limit, without binary-float tails. */
  private static String rounded(double amount) {
    return new BigDecimal(amount).round(new MathContext(4)).stripTrailingZeros().toPlainString();
  }
}
