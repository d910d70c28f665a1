package io.jouletrace.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jouletrace.core.figure.AccuracyBand;
import io.jouletrace.core.figure.Display;
import io.jouletrace.core.figure.Tier;
import io.jouletrace.ledger.Ledger;
import io.jouletrace.ledger.budget.Budget;
import io.jouletrace.ledger.budget.BudgetJson;
import io.jouletrace.ledger.budget.BudgetStatus;
import io.jouletrace.ledger.budget.Budgets;
import io.jouletrace.ledger.report.Scope;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/** {@code jouletrace budget …}: energy and carbon budgets per tenant, team or cost center (docs/budgets.md). */
@Command(name = "budget", mixinStandardHelpOptions = true,
    description = "Energy (kWh) or carbon (gCO2e) budgets per tenant, team or cost center and day, week or month (docs/budgets.md).",
    subcommands = {BudgetCommand.Set.class, BudgetCommand.ListBudgets.class, BudgetCommand.Status.class, BudgetCommand.Delete.class})
final class BudgetCommand {

  private static final ObjectMapper JSON = new ObjectMapper();
  /** Exit status when the named budget does not exist (as for `report trace` with an unknown trace). */
  private static final int NOT_FOUND = 4;

  /** A team or a cost center; without either, --tenant makes a tenant budget. */
  static final class ScopeChoice {
    @Option(names = "--team", paramLabel = "T", required = true, description = "The budget is for this team.")
    String team;

    @Option(names = "--cost-center", paramLabel = "C", required = true, description = "The budget is for this cost center.")
    String costCenter;
  }

  /** Exactly one of the quantities, with its limit. */
  static final class LimitChoice {
    @Option(names = "--kwh", paramLabel = "KWH", required = true, converter = PositiveNumber.class,
        description = "An energy budget: the limit in kWh per period.")
    Double kwh;

    @Option(names = "--gco2e", paramLabel = "G", required = true, converter = PositiveNumber.class,
        description = "A carbon budget: the limit in gCO2e per period.")
    Double gco2e;
  }

  /** Turns a parse error into one picocli reports as an invalid value of the option it was given to. */
  private static <T> T converted(String text, Function<String, T> parse) {
    try {
      return parse.apply(text);
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(e.getMessage());
    }
  }

  static final class PositiveNumber implements ITypeConverter<Double> {
    @Override
    public Double convert(String text) {
      double value = converted(text, Double::parseDouble);
      if (!Double.isFinite(value) || value <= 0) throw new TypeConversionException("must be a positive number, got " + text);
      return value;
    }
  }

  static final class PeriodCode implements ITypeConverter<Budget.Period> {
    @Override
    public Budget.Period convert(String text) {
      return converted(text, Budget.Period::of);
    }
  }

  static final class ModeCode implements ITypeConverter<Budget.Mode> {
    @Override
    public Budget.Mode convert(String text) {
      return converted(text, Budget.Mode::of);
    }
  }

  /** {@code jouletrace budget set}. */
  @Command(name = "set", mixinStandardHelpOptions = true,
      description = {"Set a budget, replacing the one of the same name. Periods are UTC calendar days, ISO weeks (from Monday",
          "00:00 UTC) and months. An advisory budget is reported and warned about when crossed; a gate budget makes the gateway",
          "and the API refuse the scope's new calls until its period ends."})
  static final class Set implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    LedgerOptions ledgerOptions;

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    ScopeChoice scope;

    @Option(names = "--tenant", paramLabel = "T",
        description = {"The budget is for this tenant; with --team or --cost-center, that team's or cost center's calls of this tenant",
            "only, and only this tenant's keys see it (without --tenant a team budget is admin-wide: every tenant's calls)."})
    String tenant;

    @ArgGroup(exclusive = true, multiplicity = "1")
    LimitChoice limit;

    @Option(names = "--period", paramLabel = "P", required = true, converter = PeriodCode.class, description = "day, week or month.")
    Budget.Period period;

    @Option(names = "--mode", paramLabel = "M", defaultValue = "advisory", converter = ModeCode.class,
        description = "advisory (default) or gate.")
    Budget.Mode mode;

    @Option(names = "--name", paramLabel = "NAME", description = "Default: <scope>-<value>-<kwh|gco2e>-<period>, e.g. team-search-kwh-day.")
    String name;

    @Override
    public Integer call() {
      if (scope == null && tenant == null) {
        throw new ParameterException(spec.commandLine(), "Missing required argument (specify one of these): --tenant, --team or --cost-center");
      }
      Budget.ScopeKind kind = scope == null ? Budget.ScopeKind.TENANT : scope.team != null ? Budget.ScopeKind.TEAM : Budget.ScopeKind.COST_CENTER;
      String value = scope == null ? tenant : scope.team != null ? scope.team : scope.costCenter;
      Budget.Quantity quantity = limit.kwh != null ? Budget.Quantity.ENERGY : Budget.Quantity.CARBON;
      String budgetName = name != null ? name : Budget.defaultName(kind, value, quantity, period, tenant);
      Budget budget = new Budget(budgetName, kind, value, quantity, limit.kwh != null ? limit.kwh : limit.gco2e, period, mode, Instant.now(),
          tenant);
      boolean replaced;
      try (Ledger ledger = ledgerOptions.open()) {
        Budgets budgets = new Budgets(ledger.store());
        replaced = budgets.get(budgetName).isPresent();
        budgets.set(budget);
      }
      PrintWriter out = spec.commandLine().getOut();
      out.printf("%s budget %s: %s%n", replaced ? "replaced" : "set", budgetName, describe(budget));
      out.flush();
      return 0;
    }
  }

  /** {@code jouletrace budget list}. */
  @Command(name = "list", mixinStandardHelpOptions = true, description = "Every budget, by name.")
  static final class ListBudgets implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    LedgerOptions ledgerOptions;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
      List<Budget> budgets;
      try (Ledger ledger = ledgerOptions.open()) {
        budgets = new Budgets(ledger.store()).list();
      }
      PrintWriter out = spec.commandLine().getOut();
      if (json) out.println(JSON.writeValueAsString(BudgetJson.budgets(budgets)));
      else if (budgets.isEmpty()) out.println("no budgets (see `jouletrace budget set`)");
      else for (Budget b : budgets) out.printf("%-32s %s (set %s)%n", b.name(), describe(b), b.createdAt());
      out.flush();
      return 0;
    }
  }

  /** {@code jouletrace budget status [NAME]}. */
  @Command(name = "status", mixinStandardHelpOptions = true,
      description = {"Spent, remaining and projected end-of-period use of one budget or all, in the period that holds --at.",
          "Spent sums the known figures (measured first) of the scope's calls from the period's start up to --at; calls with",
          "no figure are counted apart, never as zero. The projection is linear: spent / elapsed fraction of the period.",
          "Exit status: 0 done; 4 no budget of that name."})
  static final class Status implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    LedgerOptions ledgerOptions;

    @Parameters(paramLabel = "NAME", arity = "0..1", description = "One budget (default: all).")
    String name;

    @Option(names = "--at", paramLabel = "TIME", description = "The instant to report at, inclusive (RFC 3339 or a UTC date; default now).")
    String at;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
      Instant instant = at == null ? Instant.now() : Scope.time("--at", at);
      List<BudgetStatus> statuses = new ArrayList<>();
      try (Ledger ledger = ledgerOptions.open()) {
        Budgets budgets = new Budgets(ledger.store());
        if (name == null) {
          statuses.addAll(budgets.statuses(instant));
        } else {
          Optional<Budget> budget = budgets.get(name);
          if (budget.isEmpty()) return notFound(spec, name);
          statuses.add(budgets.status(budget.get(), instant));
        }
      }
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        out.println(JSON.writeValueAsString(name == null ? BudgetJson.statuses(instant, statuses) : BudgetJson.status(statuses.getFirst())));
      } else if (statuses.isEmpty()) {
        out.println("no budgets (see `jouletrace budget set`)");
      } else {
        for (BudgetStatus s : statuses) text(out, s);
      }
      out.flush();
      return 0;
    }

    private static void text(PrintWriter out, BudgetStatus s) {
      Budget b = s.budget();
      String unit = " " + b.quantity().unit();
      AccuracyBand band = s.band();
      out.printf("%s: %s%n", b.name(), describe(b));
      out.printf("  period %s – %s, %.0f%% elapsed at %s%n", s.periodStart(), s.periodEnd(), 100 * s.elapsedFraction(), s.at());
      out.printf("  spent %s%s%s of %s%s%s%n", amount(s.spent(), s.spentLow(), s.spentHigh(), band), unit, range(s), plain(b.limit()), unit,
          tiers(s));
      // Remaining = limit − spent, so its range pairs each end with spent's opposite end.
      out.printf("  %s, remaining %s%s%n", s.crossing() == null ? "ok" : "CROSSED at " + s.crossing().at() + " by call " + s.crossing().callId(),
          amount(s.remaining(), b.limit() - s.spentHigh(), b.limit() - s.spentLow(), band), unit);
      out.printf("  projected %s by %s (linear: spent / elapsed fraction of the period)%n",
          s.projected() == null ? "n/a (nothing elapsed yet)"
              : amount(s.projected(), s.spentLow() / s.elapsedFraction(), s.spentHigh() / s.elapsedFraction(), band) + unit,
          s.periodEnd());
      if (s.unratedCalls() > 0) {
        out.printf("  spent excludes %d unrated call%s (%d tokens) with no %s figure%n", s.unratedCalls(), s.unratedCalls() == 1 ? "" : "s",
            s.unratedTokens(), b.quantity().code());
      }
    }

    private static String range(BudgetStatus s) {
      if (s.ratedCalls() == 0 || s.spentLow() == s.spentHigh()) return "";
      Display.Shown spent = Display.of(s.spent(), s.spentLow(), s.spentHigh(), s.band());
      return " [" + spent.low() + " – " + spent.high() + "]";
    }

    private static String tiers(BudgetStatus s) {
      if (s.spent() == 0) return "";
      List<String> shares = new ArrayList<>();
      for (Tier tier : Tier.values()) {
        if (s.spentOf(tier) > 0) shares.add(String.format("%s %.0f%%", tier.code(), 100 * s.spentOf(tier) / s.spent()));
      }
      return " (" + String.join(", ", shares) + ")";
    }

    /** Rounded to the precision its range supports; exact when no figure was summed (nothing spent). */
    private static String amount(double value, double low, double high, AccuracyBand band) {
      return band == null ? plain(value) : Display.of(value, low, high, band).value();
    }
  }

  /** {@code jouletrace budget delete NAME}. */
  @Command(name = "delete", mixinStandardHelpOptions = true, description = {"Delete a budget.", "Exit status: 0 deleted; 4 no budget of that name."})
  static final class Delete implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    LedgerOptions ledgerOptions;

    @Parameters(paramLabel = "NAME")
    String name;

    @Override
    public Integer call() {
      try (Ledger ledger = ledgerOptions.open()) {
        if (!new Budgets(ledger.store()).delete(name)) return notFound(spec, name);
      }
      spec.commandLine().getOut().println("deleted budget " + name);
      spec.commandLine().getOut().flush();
      return 0;
    }
  }

  private static int notFound(CommandSpec spec, String name) {
    spec.commandLine().getErr().println("jouletrace budget " + spec.name() + ": no budget named `" + name + "` (see `jouletrace budget list`)");
    spec.commandLine().getErr().flush();
    return NOT_FOUND;
  }

  /** {@code team search, 10 kWh per day, gate}. */
  private static String describe(Budget b) {
    String owned = b.tenant() == null || b.scopeKind() == Budget.ScopeKind.TENANT ? "" : " of tenant " + b.tenant();
    return b.scopeKind().code() + " " + b.scopeValue() + owned + ", " + plain(b.limit()) + " " + b.quantity().unit() + " per " + b.period().code() + ", "
        + b.mode().code();
  }

  /** A number as the user wrote it: 10, not 10.0. */
  private static String plain(double value) {
    return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
  }
}
