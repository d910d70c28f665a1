package io.jouletrace.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jouletrace.core.figure.AccuracyBand;
import io.jouletrace.core.figure.Display;
import io.jouletrace.core.figure.Energy;
import io.jouletrace.core.figure.Tier;
import io.jouletrace.ledger.Ledger;
import io.jouletrace.ledger.report.Aggregate;
import io.jouletrace.ledger.report.Dimension;
import io.jouletrace.ledger.report.ReportJson;
import io.jouletrace.ledger.report.Reports;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code jouletrace report …}: what sustainability leads, FinOps teams and engineering managers read. */
@Command(name = "report", mixinStandardHelpOptions = true, description = "Reports over the ledger (docs/reports.md).",
    subcommands = {ReportCommand.Summary.class, ReportCommand.Trace.class, ReportCommand.MeasuredVsModelled.class,
        EfficiencyCommands.Ranking.class, EfficiencyCommands.Recommendations.class, EfficiencyCommands.Compare.class})
final class ReportCommand {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Text, JSON or CSV. */
  static final class Format {
    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Option(names = "--csv", description = "Print CSV.")
    boolean csv;
  }

  /** Energy in Wh and carbon in g, each rounded to the precision its own summed range supports. */
  static String energy(Aggregate.Amounts e) {
    return e.total() == null ? "unrated" : shown(e, Energy.WH_PER_JOULE).value() + " Wh";
  }

  static String carbon(Aggregate.Amounts c) {
    return c.total() == null ? "unrated" : shown(c, 1).value() + " gCO2e";
  }

  /** A known total, scaled into the unit it is shown in. */
  static Display.Shown shown(Aggregate.Amounts a, double scale) {
    return Display.of(a.total() * scale, a.low() * scale, a.high() * scale, a.band());
  }

  /** Each tier's share of the energy, e.g. {@code measured 30%, modelled 70%}; empty when no energy is known. */
  static String tiers(Aggregate.Amounts e) {
    Double total = e.total();
    if (total == null || total == 0) return "";
    List<String> parts = new ArrayList<>();
    for (Tier tier : Tier.values()) {
      if (e.callsOf(tier) > 0) parts.add(String.format("%s %.0f%%", tier.code(), 100 * e.of(tier) / total));
    }
    return String.join(", ", parts);
  }

  /** {@code jouletrace report summary}. */
  @Command(name = "summary", mixinStandardHelpOptions = true,
      description = {"Energy and carbon totals with their tier composition (measured / modelled / estimated), ranges and unrated calls,",
          "broken down by model and region (always) and by --by dimensions."})
  static final class Summary implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    LedgerOptions ledgerOptions;

    @Mixin
    ScopeOptions scopeOptions;

    @Option(names = "--by", paramLabel = "DIM", split = ",",
        description = "More breakdowns: tenant, team, cost_center, model, provider, region, zone, operation, trace, hour, day, month.")
    List<String> by = List.of();

    @ArgGroup(exclusive = true)
    Format format = new Format();

    @Override
    public Integer call() throws Exception {
      Set<Dimension> dimensions = new LinkedHashSet<>(Reports.DEFAULT_BREAKDOWNS);
      for (String d : by) dimensions.add(Dimension.of(d));
      PrintWriter out = spec.commandLine().getOut();
      Optional<ServerApi> server = ledgerOptions.server();
      if (server.isPresent()) {
        // The API answers the JSON only; the text and CSV tables are made from the records' aggregates here.
        if (!format.json) throw new IllegalArgumentException("beside a running server, `report summary` goes through its API with --json only");
        Map<String, String> query = new LinkedHashMap<>(scopeOptions.query());
        query.put("by", dimensions.stream().map(Dimension::code).collect(Collectors.joining(",")));
        out.println(JSON.writeValueAsString(server.get().get("/api/energy/summary", query)));
        out.flush();
        return 0;
      }
      Reports.Summary summary;
      try (Ledger ledger = ledgerOptions.open()) {
        summary = new Reports(ledger.store()).summary(scopeOptions.scope(), new ArrayList<>(dimensions));
      }
      if (format.json) out.println(JSON.writeValueAsString(ReportJson.summary(summary)));
      else if (format.csv) csv(out, summary);
      else text(out, summary);
      out.flush();
      return 0;
    }

    private static void text(PrintWriter out, Reports.Summary summary) {
      Aggregate t = summary.total();
      out.printf("total: %s, %s, %d calls%s%n", energy(t.energyJoules()), carbon(t.carbonGrams()), t.calls(), unrated(t));
      if (t.energyJoules().total() != null) {
        Display.Shown wh = shown(t.energyJoules(), Energy.WH_PER_JOULE);
        out.printf("  range %s – %s Wh; %s%n", wh.low(), wh.high(), tiers(t.energyJoules()));
      }
      summary.breakdowns().forEach((dimension, groups) -> {
        out.printf("by %s:%n", dimension.code());
        for (Reports.Group g : groups) {
          Aggregate a = g.aggregate();
          out.printf("  %-32s %-14s %-16s %6d calls  %s%s%n", g.key() == null ? ReportJson.NONE : g.key(), energy(a.energyJoules()),
              carbon(a.carbonGrams()), a.calls(), tiers(a.energyJoules()), unrated(a));
        }
      });
    }

    private static String unrated(Aggregate a) {
      long calls = a.energyJoules().unratedCalls();
      return calls == 0 ? "" : String.format(" (unrated: %d calls, %d tokens)", calls, a.energyJoules().unratedTokens());
    }

    private static void csv(PrintWriter out, Reports.Summary summary) {
      out.println("dimension,key,wh,wh_low,wh_high,co2_grams,co2_grams_low,co2_grams_high,calls,measured_wh,modelled_wh,estimated_wh,"
          + "unrated_calls,unrated_tokens,energy_band,carbon_band");
      row(out, "total", null, summary.total());
      summary.breakdowns().forEach((dimension, groups) -> groups.forEach(g -> row(out, dimension.code(), g.key(), g.aggregate())));
    }

    private static void row(PrintWriter out, String dimension, String key, Aggregate a) {
      Aggregate.Amounts e = a.energyJoules();
      Aggregate.Amounts c = a.carbonGrams();
      boolean energyKnown = e.total() != null;
      boolean carbonKnown = c.total() != null;
      out.println(String.join(",", dimension, Csv.field(key), energyKnown ? String.valueOf(new Energy(e.total()).wh()) : "",
          energyKnown ? String.valueOf(new Energy(e.low()).wh()) : "", energyKnown ? String.valueOf(new Energy(e.high()).wh()) : "",
          carbonKnown ? String.valueOf(c.total()) : "", carbonKnown ? String.valueOf(c.low()) : "", carbonKnown ? String.valueOf(c.high()) : "",
          String.valueOf(a.calls()), String.valueOf(new Energy(e.measured()).wh()), String.valueOf(new Energy(e.modelled()).wh()),
          String.valueOf(new Energy(e.estimated()).wh()), String.valueOf(e.unratedCalls()), String.valueOf(e.unratedTokens()),
          e.band() == null ? "" : e.band().code(), c.band() == null ? "" : c.band().code()));
    }
  }

  /** {@code jouletrace report trace ID}. */
  @Command(name = "trace", mixinStandardHelpOptions = true,
      description = "The footprint of a multi-call operation: every call sharing a trace id, as one line, with its calls.")
  static final class Trace implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    LedgerOptions ledgerOptions;

    @Mixin
    ScopeOptions scopeOptions;

    @Parameters(paramLabel = "TRACE_ID")
    String traceId;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
      Reports.Trace trace;
      try (Ledger ledger = ledgerOptions.open()) {
        trace = new Reports(ledger.store()).trace(traceId, scopeOptions.scope());
      }
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        out.println(JSON.writeValueAsString(ReportJson.trace(trace)));
      } else if (trace.calls().isEmpty()) {
        out.println("trace " + traceId + ": no calls");
      } else {
        Aggregate t = trace.total();
        out.printf("trace %s: %s, %s, %d calls, %s – %s%n", traceId, energy(t.energyJoules()), carbon(t.carbonGrams()), t.calls(),
            trace.first(), trace.last());
        for (Reports.Call call : trace.calls()) {
          out.printf("  %s  %-24s %s/%s  %s  %s%n", call.timestamp(), call.id(), call.provider(), call.model(),
              energy(call.figures().energyJoules()), carbon(call.figures().carbonGrams()));
        }
      }
      out.flush();
      return trace.calls().isEmpty() ? 4 : 0;
    }
  }

  /** {@code jouletrace report measured-vs-modelled}. */
  @Command(name = "measured-vs-modelled", mixinStandardHelpOptions = true,
      description = "Per model: measured energy against the modelled energy of the same records (those with both figures).")
  static final class MeasuredVsModelled implements Callable<Integer> {
    /** The two figures draw different lines around the machine; saying so keeps a ratio below 1 from reading as an error. */
    static final String BOUNDARY = "boundary: measured = the metered IT energy of the resources the spans ran on (the GPUs, as metered), "
        + "x PUE only when `attribute --ingest` had --pue or --pue-facility; modelled = the methodology's own scope "
        + "(ecologits: GPUs + the rest of the server, x the data-centre PUE; aienergyscore: GPUs only). See docs/measured.md.";

    @Spec
    CommandSpec spec;

    @Mixin
    LedgerOptions ledgerOptions;

    @Mixin
    ScopeOptions scopeOptions;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
      List<Reports.Comparison> comparisons;
      try (Ledger ledger = ledgerOptions.open()) {
        comparisons = new Reports(ledger.store()).measuredVsModelled(scopeOptions.scope());
      }
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        out.println(JSON.writeValueAsString(ReportJson.measuredVsModelled(comparisons)));
      } else if (comparisons.isEmpty()) {
        out.println("no record has both a measured and a modelled energy figure (see `jouletrace attribute --ingest`)");
      } else {
        for (Reports.Comparison c : comparisons) {
          out.printf("%-40s %6d records  measured %s Wh  modelled %s Wh  ratio %s%n", c.model(), c.records(),
              Display.of(new Energy(c.measuredJoules()).wh(), AccuracyBand.ACCURATE),
              Display.of(new Energy(c.modelledJoules()).wh(), new Energy(c.modelledLowJoules()).wh(), new Energy(c.modelledHighJoules()).wh(), AccuracyBand.MEDIUM).withRange(),
              c.ratio() == null ? "n/a" : Display.of(c.ratio(), AccuracyBand.MEDIUM));
        }
        out.println(BOUNDARY);
      }
      out.flush();
      return 0;
    }
  }
}
