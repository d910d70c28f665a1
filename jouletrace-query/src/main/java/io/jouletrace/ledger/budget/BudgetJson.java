package io.jouletrace.ledger.budget;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jouletrace.core.figure.Tier;
import java.time.Instant;

/** The JSON of budgets and their status, shared by the CLI and the REST API (names in docs/budgets.md). */
public final class BudgetJson {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** How {@code projected} is made, stated beside it. */
  public static final String PROJECTION_METHOD = "linear: spent / elapsed_fraction";

  private BudgetJson() {}

  public static ObjectNode budget(Budget b) {
    return JSON.createObjectNode().put("name", b.name()).put("scope", b.scopeKind().code()).put("scope_value", b.scopeValue())
        .put("tenant", b.owner())
        .put("quantity", b.quantity().code()).put("unit", b.quantity().unit()).put("limit", b.limit()).put("period", b.period().code())
        .put("mode", b.mode().code()).put("created_at", b.createdAt().toString());
  }

  /** The budget, its current period, what was spent (with its range, tiers and the unrated calls it excludes) and the state. */
  public static ObjectNode status(BudgetStatus s) {
    ObjectNode node = JSON.createObjectNode();
    node.set("budget", budget(s.budget()));
    node.put("at", s.at().toString()).put("period_start", s.periodStart().toString()).put("period_end", s.periodEnd().toString())
        .put("elapsed_fraction", s.elapsedFraction()).put("unit", s.budget().quantity().unit());
    node.put("spent", s.spent()).put("spent_low", s.spentLow()).put("spent_high", s.spentHigh())
        .put("band", s.band() == null ? null : s.band().code());
    ObjectNode tiers = node.putObject("tiers");
    for (Tier tier : Tier.values()) tiers.put(tier.code(), s.spentOf(tier));
    node.put("calls", s.calls()).put("rated_calls", s.ratedCalls());
    node.putObject("unrated").put("calls", s.unratedCalls()).put("tokens", s.unratedTokens());
    node.put("remaining", s.remaining());
    if (s.projected() == null) node.putNull("projected");
    else node.put("projected", s.projected());
    node.put("projection_method", PROJECTION_METHOD);
    node.put("state", s.state().code()).put("crossed_at", s.crossing() == null ? null : s.crossing().at().toString())
        .put("crossing_call_id", s.crossing() == null ? null : s.crossing().callId());
    return node;
  }

  /** {@code {"at": …, "budgets": [status, …]}}. */
  public static ObjectNode statuses(Instant at, Iterable<BudgetStatus> statuses) {
    ObjectNode root = JSON.createObjectNode().put("at", at.toString());
    var list = root.putArray("budgets");
    for (BudgetStatus s : statuses) list.add(status(s));
    return root;
  }

  /** {@code {"budgets": [budget, …]}}. */
  public static ObjectNode budgets(Iterable<Budget> budgets) {
    ObjectNode root = JSON.createObjectNode();
    var list = root.putArray("budgets");
    for (Budget b : budgets) list.add(budget(b));
    return root;
  }
}
