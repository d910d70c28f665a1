package io.jouletrace.ledger.budget;

import io.jouletrace.core.figure.Energy;
import io.jouletrace.ledger.report.Aggregate;
import io.jouletrace.ledger.report.Dimension;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.TemporalAdjusters;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * An energy or carbon budget for one tenant, team or cost center per UTC calendar period (docs/budgets.md).
 * Budgets are configuration: stored beside the ledger, replaced by name, never part of the hash chain.
 *
 * @param name unique; {@link #defaultName} when the user gives none
 * @param scopeValue the tenant, team or cost center as recorded on calls
 * @param limit in the quantity's unit (kWh or gCO2e), positive
 * @param createdAt when this definition was set (replacing a budget sets it anew)
 * @param tenant the tenant a team or cost-center budget belongs to: it counts only that tenant's calls, and only that
 *     tenant's keys see it; null for an admin-wide budget (all tenants' calls). For a tenant budget, null or its scope value.
 */
public record Budget(String name, ScopeKind scopeKind, String scopeValue, Quantity quantity, double limit, Period period, Mode mode,
    Instant createdAt, String tenant) {

  /** An admin-wide budget, or a tenant's own when {@code scopeKind} is {@link ScopeKind#TENANT}. */
  public Budget(String name, ScopeKind scopeKind, String scopeValue, Quantity quantity, double limit, Period period, Mode mode,
      Instant createdAt) {
    this(name, scopeKind, scopeValue, quantity, limit, period, mode, createdAt, null);
  }

  public Budget {
    if (name == null || name.isBlank()) throw new IllegalArgumentException("name: must not be blank");
    if (name.chars().anyMatch(Character::isISOControl)) throw new IllegalArgumentException("name: must not contain control characters");
    require("scope", scopeKind);
    if (scopeValue == null || scopeValue.isBlank()) throw new IllegalArgumentException(scopeKind.code() + ": must not be blank");
    require("quantity", quantity);
    if (!Double.isFinite(limit) || limit <= 0) {
      throw new IllegalArgumentException("limit: must be a positive number of " + quantity.unit() + ", got " + limit);
    }
    require("period", period);
    require("mode", mode);
    require("created_at", createdAt);
    if (tenant != null && tenant.isBlank()) throw new IllegalArgumentException("tenant: must not be blank");
    if (scopeKind == ScopeKind.TENANT && tenant != null && !tenant.equals(scopeValue)) {
      throw new IllegalArgumentException("tenant: a tenant budget belongs to its own tenant " + scopeValue + ", not " + tenant);
    }
  }

  /** The tenant whose calls alone this budget counts and whose keys may see it; null for an admin-wide budget. */
  public String owner() {
    return scopeKind == ScopeKind.TENANT ? scopeValue : tenant;
  }

  private static void require(String field, Object value) {
    if (value == null) throw new IllegalArgumentException(field + ": missing");
  }

  /**
   * {@code <scope>-<value>-<unit>-<period>}, e.g. {@code team-search-kwh-day}: one energy and one carbon budget per scope and
   * period; a tenant's team or cost-center budget is prefixed {@code tenant-<tenant>-} so two tenants' teams do not collide.
   */
  public static String defaultName(ScopeKind scopeKind, String scopeValue, Quantity quantity, Period period, String tenant) {
    String owned = tenant == null || scopeKind == ScopeKind.TENANT ? "" : ScopeKind.TENANT.code() + "-" + tenant + "-";
    return owned + scopeKind.code() + "-" + scopeValue + "-" + quantity.option() + "-" + period.code();
  }

  /**
   * Whether a call carrying these scope fields (each null when the call has none) is judged by this budget. Names match
   * ignoring case, so a team spelled {@code Search} does not slip past a gate on {@code search}.
   */
  public boolean appliesTo(String tenant, String team, String costCenter) {
    String callValue = switch (scopeKind) {
      case TENANT -> tenant;
      case TEAM -> team;
      case COST_CENTER -> costCenter;
    };
    return scopeValue.equalsIgnoreCase(callValue) && (owner() == null || owner().equalsIgnoreCase(tenant));
  }

  /** Whom a budget is for; each is a record field and a column of {@code report_figures}. */
  public enum ScopeKind {
    TENANT(Dimension.TENANT),
    TEAM(Dimension.TEAM),
    COST_CENTER(Dimension.COST_CENTER);

    private final Dimension dimension;

    ScopeKind(Dimension dimension) {
      this.dimension = dimension;
    }

    public Dimension dimension() {
      return dimension;
    }

    /** The field name in records, JSON and the store; also the {@code report_figures} column. */
    public String code() {
      return dimension.code();
    }

    public static ScopeKind of(String code) {
      return parse(ScopeKind.class, "scope", code);
    }
  }

  /** What a budget limits, in which unit, and where the ledger keeps it (joules and grams). */
  public enum Quantity {
    ENERGY("kWh", "kwh", Energy.JOULES_PER_KWH, "energy_j"),
    CARBON("gCO2e", "gco2e", 1, "carbon_g");

    private final String unit;
    private final String option;
    private final double storedPerUnit;
    private final String columnPrefix;

    Quantity(String unit, String option, double storedPerUnit, String columnPrefix) {
      this.unit = unit;
      this.option = option;
      this.storedPerUnit = storedPerUnit;
      this.columnPrefix = columnPrefix;
    }

    public String code() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** How the limit is written: kWh or gCO2e. */
    public String unit() {
      return unit;
    }

    /** The unit as a command-line option and JSON field name: {@code kwh} or {@code gco2e}. */
    public String option() {
      return option;
    }

    /** Converts an amount as the ledger stores it (J, g) to this unit. */
    double fromStored(double stored) {
      return stored / storedPerUnit;
    }

    double toStored(double amount) {
      return amount * storedPerUnit;
    }

    /** This quantity's composition within a report aggregate. */
    Aggregate.Amounts of(Aggregate aggregate) {
      return this == ENERGY ? aggregate.energyJoules() : aggregate.carbonGrams();
    }

    /** The central value of a call's figure over {@code report_figures}, as {@link Aggregate} sums it; null when unrated. */
    String centralValueSql() {
      return "(" + columnPrefix + "_low + " + columnPrefix + "_high) / 2";
    }

    public static Quantity of(String code) {
      return parse(Quantity.class, "quantity", code);
    }
  }

  /** A UTC calendar period; a budget's spending starts again at zero at the start of each. */
  public enum Period {
    DAY,
    /** An ISO week: from Monday 00:00 UTC. */
    WEEK,
    MONTH;

    public String code() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** The start of the period that contains {@code at}. */
    public Instant start(Instant at) {
      LocalDate day = LocalDate.ofInstant(at, ZoneOffset.UTC);
      LocalDate first = switch (this) {
        case DAY -> day;
        case WEEK -> day.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
        case MONTH -> day.withDayOfMonth(1);
      };
      return first.atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    /** The end (exclusive) of the period that starts at {@code start}. */
    public Instant end(Instant start) {
      LocalDate first = LocalDate.ofInstant(start, ZoneOffset.UTC);
      LocalDate next = switch (this) {
        case DAY -> first.plusDays(1);
        case WEEK -> first.plusWeeks(1);
        case MONTH -> first.plusMonths(1);
      };
      return next.atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    public static Period of(String code) {
      return parse(Period.class, "period", code);
    }
  }

  /** What crossing the limit does. */
  public enum Mode {
    /** Reported and warned about (the gateway adds a warning header), with the time of crossing. */
    ADVISORY,
    /** The gateway and the API refuse new calls of the scope until the period ends. */
    GATE;

    public String code() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Mode of(String code) {
      return parse(Mode.class, "mode", code);
    }
  }

  /** The constant whose lower-case name is {@code code}; the error names the field and the accepted codes. */
  private static <E extends Enum<E>> E parse(Class<E> type, String field, String code) {
    String wanted = code == null ? "" : code.strip().toLowerCase(Locale.ROOT).replace('-', '_');
    for (E constant : type.getEnumConstants()) {
      if (constant.name().toLowerCase(Locale.ROOT).equals(wanted)) return constant;
    }
    throw new IllegalArgumentException("unknown " + field + " `" + code + "` (use "
        + Arrays.stream(type.getEnumConstants()).map(c -> c.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", ")) + ")");
  }
}
