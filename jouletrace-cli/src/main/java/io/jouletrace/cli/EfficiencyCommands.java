package io.jouletrace.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jouletrace.catalog.Catalog;
import io.jouletrace.catalog.ModelEquivalence;
import io.jouletrace.core.figure.AccuracyBand;
import io.jouletrace.core.figure.Display;
import io.jouletrace.core.figure.Figure;
import io.jouletrace.core.methodology.aienergyscore.AiEnergyScoreMethodology.Rating;
import io.jouletrace.ledger.Ledger;
import io.jouletrace.ledger.report.EfficiencyJson;
import io.jouletrace.ledger.report.EfficiencyReports;
import io.jouletrace.ledger.report.EfficiencyReports.Amount;
import io.jouletrace.ledger.report.EfficiencyReports.AtMix;
import io.jouletrace.ledger.report.EfficiencyReports.TeamUse;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code jouletrace report ranking|recommendations|compare}: which models do the work with the least energy. */
final class EfficiencyCommands {

  private static final ObjectMapper JSON = new ObjectMapper();

  private EfficiencyCommands() {}

  /** What every efficiency report takes: the ledger, the scope and {@code --json}; it prints the report as JSON or text. */
  abstract static class EfficiencyReport<R> implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    LedgerOptions ledgerOptions;

    @Mixin
    ScopeOptions scopeOptions;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    abstract R report(EfficiencyReports reports);

    abstract ObjectNode json(R report);

    abstract void text(PrintWriter out, R report);

    @Override
    public Integer call() throws Exception {
      R report;
      try (Ledger ledger = ledgerOptions.open()) {
        report = report(new EfficiencyReports(ledger));
      }
      PrintWriter out = spec.commandLine().getOut();
      if (json) out.println(JSON.writeValueAsString(json(report)));
      else text(out, report);
      out.flush();
      return 0;
    }
  }

  /** {@code jouletrace report ranking}. */
  @Command(name = "ranking", mixinStandardHelpOptions = true,
      description = "Models ranked by kWh per 1,000 output tokens and per 1,000 requests over their rated calls, most efficient first, "
          + "with AI Energy Score stars where the leaderboard rates the model; models with no rated call listed apart.")
  static final class Ranking extends EfficiencyReport<EfficiencyReports.Ranking> {
    @Override
    EfficiencyReports.Ranking report(EfficiencyReports reports) {
      return reports.ranking(scopeOptions.scope());
    }

    @Override
    ObjectNode json(EfficiencyReports.Ranking ranking) {
      return EfficiencyJson.ranking(ranking);
    }

    @Override
    void text(PrintWriter out, EfficiencyReports.Ranking ranking) {
      out.println("efficiency ranking, most efficient first (kWh over rated calls only: calls with an energy figure)");
      String task = null;
      int rank = 0;
      for (EfficiencyReports.RankedModel m : ranking.models()) {
        if (!m.task().equals(task)) {
          task = m.task();
          rank = 0;
          out.println(task + ":");
        }
        var energy = m.usage().figures().energyJoules();
        Amount perToken = m.perThousandOutputTokens();
        String resolved = m.resolved().equals(List.of(m.model())) || m.resolved().isEmpty() ? "" : " (" + String.join(", ", m.resolved()) + ")";
        out.printf("  %2d. %s/%s%s%n      %s kWh per 1,000 output tokens, %s kWh per 1,000 requests; %d of %d calls rated (%s), band %s; %s%n",
            ++rank, m.provider(), m.model(), resolved, perToken == null ? "n/a (no output tokens)" : ranged(perToken),
            ranged(m.perThousandRequests()), energy.ratedCalls(), m.usage().figures().calls(), ReportCommand.tiers(energy),
            energy.band().code(), stars(m.stars()));
      }
      if (ranking.models().isEmpty()) out.println("  no rated call in scope");
      if (!ranking.unrated().isEmpty()) {
        out.println("unrated (no call with an energy figure):");
        for (EfficiencyReports.RankedModel m : ranking.unrated()) {
          out.printf("  %s/%s (%s): %d calls, %d tokens%n", m.provider(), m.model(), m.task(), m.usage().figures().calls(),
              m.usage().figures().energyJoules().unratedTokens());
        }
      }
    }
  }

  /** {@code jouletrace report recommendations}. */
  @Command(name = "recommendations", mixinStandardHelpOptions = true,
      description = "For each team's use of a model: equivalent models (same task, from an equivalence table) that use less energy "
          + "at the team's real token mix, with the yearly carbon difference at its real volume and grid intensity.")
  static final class Recommendations extends EfficiencyReport<EfficiencyReports.Recommendations> {
    @Option(names = "--equivalences", paramLabel = "FILE",
        description = "More equivalences (task,provider,model,proposed_provider,proposed_model CSV), added to the bundled table.")
    Path equivalences;

    @Option(names = "--no-default-equivalences", description = "Use only the --equivalences file, not the bundled table.")
    boolean noDefaults;

    @Override
    EfficiencyReports.Recommendations report(EfficiencyReports reports) {
      if (noDefaults && equivalences == null) throw new IllegalArgumentException("--no-default-equivalences needs --equivalences FILE");
      List<ModelEquivalence> table = new ArrayList<>();
      if (equivalences != null) table.addAll(Catalog.modelEquivalences(equivalences));
      if (!noDefaults) table.addAll(Catalog.modelEquivalences());
      return reports.recommendations(scopeOptions.scope(), table);
    }

    @Override
    ObjectNode json(EfficiencyReports.Recommendations recommendations) {
      return EfficiencyJson.recommendations(recommendations);
    }

    @Override
    void text(PrintWriter out, EfficiencyReports.Recommendations recommendations) {
      EfficiencyReports.Period period = recommendations.period();
      if (recommendations.recommended().isEmpty()) out.println("no recommendation: no equivalent uses less energy at the teams' token mixes");
      else out.printf("recommendations (volume counted from %s to %s, %s days):%n", period.from(), period.to(), Display.of(period.days(), BAND_OF_COUNTS));
      for (EfficiencyReports.Recommendation r : recommendations.recommended()) {
        TeamUse use = r.use();
        out.printf("team %s: %s → %s (%s, %s; %s)%n", use.teamName(), r.current().name(), r.proposed().name(), use.task(),
            use.methodologyVersion(), r.equivalence().origin());
        out.printf("  at its token mix (%s per request, %d rated requests):%n", mix(r.mix()), use.usage().ratedCalls());
        for (AtMix side : List.of(r.current(), r.proposed())) out.printf("    %-40s %s%n", side.name(), perThousandRequests(side));
        out.println("  " + r.statement());
        printAssumptions(out, r.assumptions());
        Amount carbon = r.annualCarbonDifference();
        if (carbon == null) {
          out.println("  yearly carbon: unknown (" + r.annualCarbonMissing().message() + ")");
        } else {
          out.printf("  a year at its volume (%s requests, from its %s days of calls) and grid intensity (%s gCO2e/kWh, energy-weighted): %s gCO2e less [%s – %s]%n",
              Display.of(r.requestsPerYear(), BAND_OF_COUNTS), Display.of(use.period().days(), BAND_OF_COUNTS), Display.of(use.usage().intensityGramsPerKwh(), carbon.band()), carbon.shown(),
              Display.of(carbon.low(), carbon.band()), Display.of(carbon.high(), carbon.band()));
        }
      }
      if (!recommendations.notRecommended().isEmpty()) {
        out.println("not recommended:");
        for (EfficiencyReports.NotRecommended n : recommendations.notRecommended()) {
          out.printf("  team %s: %s/%s → %s/%s: %s%n", n.use().teamName(), n.use().provider(), n.use().model(), n.equivalence().proposedProvider(),
              n.equivalence().proposedModel(), n.reason().message());
        }
      }
      if (!recommendations.withoutEquivalent().isEmpty()) {
        out.println("no equivalent in the table (add rows with --equivalences FILE):");
        for (TeamUse u : recommendations.withoutEquivalent()) out.printf("  team %s: %s/%s (%s)%n", u.teamName(), u.provider(), u.model(), u.task());
      }
    }
  }

  /** {@code jouletrace report compare --baseline MODEL}. */
  @Command(name = "compare", mixinStandardHelpOptions = true,
      description = "Each team's use of each model against a baseline model: the energy the calls used, and what the same number of "
          + "requests at the team's token mix would use on the baseline.")
  static final class Compare extends EfficiencyReport<EfficiencyReports.BaselineComparison> {
    @Option(names = "--baseline", paramLabel = "MODEL", required = true, description = "The model to compare with.")
    String baseline;

    @Option(names = "--baseline-provider", paramLabel = "P", description = "Its provider (default: each call's own provider).")
    String baselineProvider;

    @Override
    EfficiencyReports.BaselineComparison report(EfficiencyReports reports) {
      return reports.compare(scopeOptions.scope(), baselineProvider, baseline);
    }

    @Override
    ObjectNode json(EfficiencyReports.BaselineComparison comparison) {
      return EfficiencyJson.comparison(comparison);
    }

    @Override
    void text(PrintWriter out, EfficiencyReports.BaselineComparison comparison) {
      out.println("compared with " + comparison.comparedWith() + ", estimated at each team's token mix with the methodology version of its calls:");
      for (EfficiencyReports.BaselineLine l : comparison.lines()) {
        TeamUse use = l.use();
        Amount onBaseline = l.onBaseline();
        out.printf("  team %s: %s/%s (%s, %d rated requests, %s per request): %s kWh as figured, %s on %s%n    %s%n", use.teamName(),
            use.provider(), use.model(), use.task(), use.usage().ratedCalls(), mix(l.mix()), ranged(l.actual()),
            onBaseline == null ? "unknown" : ranged(onBaseline) + " kWh", l.baseline().name(), l.statement());
        printAssumptions(out, l.assumptions());
      }
      if (comparison.lines().isEmpty()) out.println("  no rated call in scope");
      if (!comparison.unrated().isEmpty()) {
        out.println("unrated (no call with an energy figure):");
        for (TeamUse u : comparison.unrated()) out.printf("  team %s: %s/%s: %d calls%n", u.teamName(), u.provider(), u.model(), u.usage().figures().calls());
      }
    }
  }

  private static void printAssumptions(PrintWriter out, List<String> assumptions) {
    out.println("  assuming: " + String.join("; ", assumptions));
  }

  /** Counts and periods are exact, but three figures are all a reader needs. */
  private static final AccuracyBand BAND_OF_COUNTS = AccuracyBand.ACCURATE;

  private static String ranged(Amount a) {
    return a.shown() + " [" + Display.of(a.low(), a.band()) + " – " + Display.of(a.high(), a.band()) + "]";
  }

  private static String mix(EfficiencyReports.TokenMix mix) {
    return (mix.inputTokens() == null ? "unknown" : mix.inputTokens()) + " input, " + mix.outputTokens() + " output tokens";
  }

  private static String perThousandRequests(AtMix side) {
    Amount kwh = side.perThousandRequests();
    String energy = side.estimate().energy() instanceof Figure.Known known
        ? ranged(kwh) + " kWh per 1,000 requests, " + known.tier().code() + ", " + known.band().code()
        : "unknown: " + ((Figure.Unknown) side.estimate().energy()).reason().message();
    return energy + "; " + stars(side.stars());
  }

  private static String stars(Rating rating) {
    return rating == null ? "not on the AI Energy Score leaderboard"
        : rating.stars() + " of 5 AI Energy Score stars (" + rating.task() + ", as " + rating.model() + ")";
  }
}
