package io.jouletrace.server;

import static io.jouletrace.server.Requests.principal;
import static io.jouletrace.server.Requests.requireAdmin;
import static io.jouletrace.server.Requests.text;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.jouletrace.ledger.budget.Budget;
import io.jouletrace.ledger.budget.BudgetJson;
import io.jouletrace.ledger.budget.BudgetStatus;
import io.jouletrace.ledger.budget.Budgets;
import io.jouletrace.ledger.report.Scope;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** {@code /api/budgets}: list, status, set and delete energy and carbon budgets (docs/budgets.md, docs/server.md). */
final class BudgetRoutes {

  private final Budgets budgets;
  private final LedgerAccess access;
  private final long maxBodyBytes;

  BudgetRoutes(Budgets budgets, LedgerAccess access, long maxBodyBytes) {
    this.budgets = budgets;
    this.access = access;
    this.maxBodyBytes = maxBodyBytes;
  }

  void register(RoutesConfig r) {
    r.get("/api/budgets", ctx -> ctx.json(BudgetJson.budgets(access.withLedger(budgets::list).stream().filter(b -> visible(ctx, b)).toList())));
    r.get("/api/budgets/status", this::budgetStatus);
    r.put("/api/budgets/{name}", this::putBudget);
    r.delete("/api/budgets/{name}", ctx -> {
      requireAdmin(ctx);
      if (!access.withLedger(() -> budgets.delete(ctx.pathParam("name")))) throw new ApiError(HttpStatus.NOT_FOUND, "no budget " + ctx.pathParam("name"));
      ctx.status(HttpStatus.NO_CONTENT);
    });
  }

  /**
   * A tenant key sees its own tenant's budgets (tenant budgets and the team and cost-center budgets set for it); an admin
   * key sees all. Admin-wide team budgets stay hidden from tenant keys: their spending sums every tenant's calls.
   */
  private static boolean visible(Context ctx, Budget budget) {
    ApiKeys.Principal principal = principal(ctx);
    return principal.isAdmin() || principal.tenant().equals(budget.owner());
  }

  private void budgetStatus(Context ctx) {
    Instant at = Optional.ofNullable(Scope.time("at", ctx.queryParam("at"))).orElseGet(Instant::now);
    List<BudgetStatus> statuses = access.withLedger(() -> budgets.statuses(at)).stream().filter(s -> visible(ctx, s.budget())).toList();
    ctx.json(BudgetJson.statuses(at, statuses));
  }

  /**
   * {@code PUT /api/budgets/{name}} with {@code scope}, {@code scope_value}, {@code quantity}, {@code limit}, {@code period},
   * {@code mode} and, for a tenant's team or cost-center budget, {@code tenant}.
   */
  private void putBudget(Context ctx) throws IOException {
    requireAdmin(ctx);
    JsonNode body = Json.MAPPER.readTree(Requests.body(ctx, maxBodyBytes));
    JsonNode tenant = body.get("tenant");
    if (tenant != null && !tenant.isNull() && !tenant.isTextual()) throw new ApiError(HttpStatus.BAD_REQUEST, "field 'tenant': must be a string");
    Budget budget = new Budget(ctx.pathParam("name"), Budget.ScopeKind.of(text(body, "scope")), text(body, "scope_value"),
        Budget.Quantity.of(text(body, "quantity")), body.path("limit").asDouble(Double.NaN), Budget.Period.of(text(body, "period")),
        Budget.Mode.of(Optional.ofNullable(body.get("mode")).map(JsonNode::asText).orElse("advisory")), Instant.now(),
        tenant == null || tenant.isNull() ? null : tenant.asText());
    access.withLedger(() -> {
      budgets.set(budget);
      return null;
    });
    ctx.json(BudgetJson.budget(budget));
  }

}
