package io.jouletrace.ledger.budget;

import io.jouletrace.ledger.report.Dimension;
import io.jouletrace.ledger.report.Reports;
import io.jouletrace.ledger.report.Scope;
import io.jouletrace.ledger.store.Store;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Energy and carbon budgets over a ledger store (docs/budgets.md): what the CLI, the REST API and the gateway call.
 * {@link #status} is exact; {@link #check}, called per gateway request, reuses a budget's status for up to
 * {@code maxAge} of wall-clock time, so a gate lets calls through for at most that long after its budget is spent.
 * All store access is serialised on this object (a JDBC store is one connection).
 */
public final class Budgets {

  /** How long {@link #check} trusts a status or the list of budgets before reading the store again. */
  public static final Duration DEFAULT_MAX_AGE = Duration.ofSeconds(5);

  /**
   * What {@link #check} found for one call's scopes.
   *
   * @param exhausted gate budgets that are spent: refuse the call (HTTP 429 naming them)
   * @param advisories advisory budgets that are crossed: let the call through with a warning
   */
  public record Check(List<BudgetStatus> exhausted, List<BudgetStatus> advisories) {
    public boolean refused() {
      return !exhausted.isEmpty();
    }
  }

  private record Timed<T>(T value, Instant readAt) {}

  private final Store store;
  private final Reports reports;
  private final Duration maxAge;
  private final InstantSource clock;
  private Timed<List<Budget>> definitions;
  /** By budget name; a status is reused only for the same definition and period. */
  private final Map<String, Timed<BudgetStatus>> statuses = new HashMap<>();

  public Budgets(Store store) {
    this(store, DEFAULT_MAX_AGE, InstantSource.system());
  }

  /** @param clock the wall clock {@code maxAge} is measured on (not the instant a status is taken at) */
  public Budgets(Store store, Duration maxAge, InstantSource clock) {
    this.store = store;
    this.reports = new Reports(store);
    this.maxAge = maxAge;
    this.clock = clock;
  }

  /** Stores {@code budget}, replacing the one of the same name. */
  public synchronized void set(Budget budget) {
    store.putBudget(budget);
    forgetCached();
  }

  /** Deletes the budget named {@code name}; false when there is none. */
  public synchronized boolean delete(String name) {
    boolean deleted = store.deleteBudget(name);
    forgetCached();
    return deleted;
  }

  /** Every budget, by name, as stored now. */
  public synchronized List<Budget> list() {
    return store.budgets();
  }

  public synchronized Optional<Budget> get(String name) {
    return list().stream().filter(b -> b.name().equals(name)).findFirst();
  }

  /** Every budget's status at {@code at}, by name. */
  public synchronized List<BudgetStatus> statuses(Instant at) {
    List<BudgetStatus> out = new ArrayList<>();
    for (Budget budget : list()) out.add(status(budget, at));
    return out;
  }

  /** Where {@code budget} stands at {@code at}, read from the store now. */
  public synchronized BudgetStatus status(Budget budget, Instant at) {
    Instant start = budget.period().start(at);
    Instant end = budget.period().end(start);
    Scope scope = new Scope(start, justAfter(at), filters(budget));
    var total = reports.summary(scope, List.of()).total();
    var figures = budget.quantity().of(total);
    BudgetStatus uncrossed = new BudgetStatus(budget, at, start, end, total.calls(), figures, null);
    if (uncrossed.remaining() > 0) return uncrossed;
    return new BudgetStatus(budget, at, start, end, total.calls(), figures, crossing(budget, start, at));
  }

  /** The calls a budget counts: its scope's, and only its owning tenant's where it has one. */
  private static Map<Dimension, String> filters(Budget budget) {
    Map<Dimension, String> filters = new LinkedHashMap<>();
    filters.put(budget.scopeKind().dimension(), budget.scopeValue());
    if (budget.owner() != null) filters.put(Dimension.TENANT, budget.owner());
    return filters;
  }

  /**
   * The gate budgets spent and the advisory budgets crossed among those that apply to a call with these scope fields
   * (each null when the call has none), at {@code at} (the gateway passes now). Statuses up to {@code maxAge} old are
   * reused; the statuses returned say the instant they were taken at.
   */
  public synchronized Check check(String tenant, String team, String costCenter, Instant at) {
    List<BudgetStatus> exhausted = new ArrayList<>();
    List<BudgetStatus> advisories = new ArrayList<>();
    for (Budget budget : cachedDefinitions()) {
      if (!budget.appliesTo(tenant, team, costCenter)) continue;
      BudgetStatus status = cachedStatus(budget, at);
      if (status.crossing() == null) continue;
      if (status.exhausted()) exhausted.add(status);
      else advisories.add(status);
    }
    return new Check(exhausted, advisories);
  }

  /**
   * Says that calls were stored outside the gateway's batches (the REST API, OTLP): {@link #check} reads every status
   * afresh, so a request right after the one that spent a gate budget is refused.
   */
  public synchronized void spendingChanged() {
    statuses.clear();
  }

  private List<Budget> cachedDefinitions() {
    if (definitions == null || stale(definitions)) definitions = new Timed<>(store.budgets(), clock.instant());
    return definitions.value();
  }

  private BudgetStatus cachedStatus(Budget budget, Instant at) {
    Timed<BudgetStatus> cached = statuses.get(budget.name());
    if (cached != null && !stale(cached) && cached.value().budget().equals(budget)
        && cached.value().periodStart().equals(budget.period().start(at)) && !at.isBefore(cached.value().at())) {
      return cached.value();
    }
    BudgetStatus fresh = status(budget, at);
    statuses.put(budget.name(), new Timed<>(fresh, clock.instant()));
    return fresh;
  }

  private boolean stale(Timed<?> timed) {
    return !clock.instant().isBefore(timed.readAt().plus(maxAge));
  }

  private void forgetCached() {
    definitions = null;
    statuses.clear();
  }

  /**
   * Walks the period's rated calls up to {@code at} in (timestamp, seq) order and returns the first whose running sum
   * reaches the limit. The running sum may differ from the aggregate's by rounding (another summation order), so the
   * limit is met within 1e-9 of it: a budget the aggregate found crossed always has its crossing call.
   */
  private BudgetStatus.Crossing crossing(Budget budget, Instant start, Instant at) {
    double limitStored = budget.quantity().toStored(budget.limit());
    String value = budget.quantity().centralValueSql();
    Map<Dimension, String> filters = filters(budget);
    StringBuilder where = new StringBuilder();
    List<Object> parameters = new ArrayList<>(List.of(start, justAfter(at)));
    filters.forEach((dimension, filterValue) -> {
      where.append(" AND ").append(dimension.code()).append(" = ?");
      parameters.add(filterValue);
    });
    parameters.add(limitStored * (1 - 1e-9));
    String sql = "SELECT ts, seq, id FROM (SELECT ts, seq, id, sum(" + value + ") OVER (ORDER BY ts, seq ROWS BETWEEN UNBOUNDED PRECEDING"
        + " AND CURRENT ROW) AS running FROM report_figures WHERE ts >= ? AND ts < ?" + where + " AND "
        + value + " IS NOT NULL) calls WHERE running >= ? ORDER BY ts, seq LIMIT 1";
    BudgetStatus.Crossing[] found = {null};
    store.select("find when budget " + budget.name() + " was crossed", sql, parameters,
        rs -> found[0] = new BudgetStatus.Crossing(rs.getObject(1, LocalDateTime.class).toInstant(ZoneOffset.UTC), rs.getLong(2),
            rs.getString(3)));
    return found[0];
  }

  /** The exclusive bound that takes in calls at {@code at} itself: the stores keep timestamps to the microsecond. */
  private static Instant justAfter(Instant at) {
    return at.truncatedTo(ChronoUnit.MICROS).plus(1, ChronoUnit.MICROS);
  }
}
