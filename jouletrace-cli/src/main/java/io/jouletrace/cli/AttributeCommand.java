package io.jouletrace.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jouletrace.catalog.Catalog;
import io.jouletrace.core.attribution.Attribution;
import io.jouletrace.core.attribution.AttributionOptions;
import io.jouletrace.core.attribution.Attributor;
import io.jouletrace.core.attribution.IdlePolicy;
import io.jouletrace.core.attribution.MeterSample;
import io.jouletrace.core.attribution.RunSpan;
import io.jouletrace.ledger.Ledger;
import io.jouletrace.ledger.Measurement;
import io.jouletrace.ledger.telemetry.MeterReaders;
import io.jouletrace.ledger.telemetry.Readings;
import io.jouletrace.ledger.telemetry.SpanReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code jouletrace attribute}: split metered energy among the runs that used it (the measured tier). */
@Command(name = "attribute", mixinStandardHelpOptions = true,
    description = {"Attribute metered power (plain meter CSV, nvidia-smi CSV, Prometheus/OpenMetrics scrapes) to run spans (JSONL).",
        "Conservation: attributed + idle + unattributed = metered. See docs/measured.md.",
        "Exit status: 0 done; 3 some input lines were rejected (listed on stderr; the rest was used)."})
final class AttributeCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Option(names = "--meters", paramLabel = "FILE", required = true, split = ",", description = "Meter files (format sniffed).")
  List<Path> meters;

  @Option(names = "--spans", paramLabel = "FILE", required = true, split = ",", description = "Run-span JSONL files.")
  List<Path> spans;

  @Option(names = "--pue", paramLabel = "X", description = "Facility PUE (>= 1): facility energy = IT energy x PUE, shown separately.")
  Double pue;

  @Option(names = "--idle-policy", paramLabel = "P", defaultValue = "idle_to_active",
      description = "idle_to_active (default), idle_separate or idle_by_reservation.")
  String idlePolicy;

  @Option(names = "--idle-watts", paramLabel = "RESOURCE=W", split = ",",
      description = "Configured idle power per resource; otherwise learned from unused time.")
  Map<String, Double> idleWatts;

  @Option(names = "--clock-skew", paramLabel = "SECONDS", defaultValue = "0",
      description = "How far the spans' clock may be off the meters'; a span longer than 20x this stays measured, a shorter one is modelled.")
  double clockSkew;

  @Option(names = "--json", description = "Print the attribution as JSON.")
  boolean json;

  @Option(names = "--ingest", description = {"Write measured figure sets into the ledger beside the modelled ones: each span becomes a record",
      "(or finds the one with its id), the run's inputs are stored so verify can recompute it. Same inputs twice add nothing."})
  boolean ingest;

  @Option(names = "--provider", paramLabel = "NAME", defaultValue = "self-hosted",
      description = "With --ingest: the provider on records made from spans (default ${DEFAULT-VALUE}).")
  String provider;

  @Option(names = "--zone", paramLabel = "ZONE", description = "With --ingest: the zone or region the metered resources draw power from.")
  String zone;

  @Option(names = "--pue-facility", paramLabel = "NAME",
      description = "With --ingest: scale by the stored PUE series of this facility (`signals ingest`) instead of a scalar --pue.")
  String pueFacility;

  @Option(names = "--methodology", paramLabel = "V", defaultValue = Catalog.DEFAULT_METHODOLOGY,
      description = "With --ingest: the methodology that figures the records and fills what meters missed (default ${DEFAULT-VALUE}).")
  String methodology;

  @Mixin
  LedgerOptions ledgerOptions;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int INGEST_BATCH = 50_000;

  @Override
  public Integer call() throws IOException {
    List<MeterSample> samples = new ArrayList<>();
    List<RunSpan> runs = new ArrayList<>();
    List<String> rejected = new ArrayList<>();
    for (Path file : meters) collect(MeterReaders.read(file), samples, rejected);
    for (Path file : spans) collect(SpanReader.read(file), runs, rejected);
    AttributionOptions options = AttributionOptions.defaults().withIdlePolicy(IdlePolicy.of(idlePolicy))
        .withIdleWatts(idleWatts == null ? Map.of() : idleWatts).withPue(pue).withClockSkew(clockSkew);
    PrintWriter out = spec.commandLine().getOut();
    if (ingest) {
      if (json) throw new ParameterException(spec.commandLine(), "--json and --ingest: choose one");
      try (Ledger ledger = ledgerOptions.open()) {
        Measurement.Result result = new Measurement(ledger).ingest(samples, runs,
            new Measurement.Setup(options, provider, zone, pueFacility, pueFacility == null ? null : ledger.pueSeries(pueFacility),
                methodology), INGEST_BATCH);
        out.println(result.alreadyStored()
            ? "attribution run " + result.runId() + ": these inputs were attributed before; nothing added"
            : String.format("attribution run %s: %d measured figure sets added beside the modelled ones (%d new records; %d records "
                + "already measured by an earlier run; %d spans got no energy)", result.runId(), result.measured(), result.newRecords(),
                result.alreadyMeasured(), result.unknown()));
      }
    } else {
      Attribution result = Attributor.attribute(samples, runs, options);
      out.println(json ? JSON.writeValueAsString(toJson(result)) : humanReadable(result));
    }
    out.flush();
    rejected.forEach(spec.commandLine().getErr()::println);
    spec.commandLine().getErr().flush();
    return rejected.isEmpty() ? 0 : 3;
  }

  private static <T> void collect(Readings<T> readings, List<T> into, List<String> rejected) {
    into.addAll(readings.values());
    rejected.addAll(readings.rejectedLines());
  }

  /** Exactly the contract's names: totals, and per span its energy, tier, coverage, idle share, phases and J per output token. */
  static ObjectNode toJson(Attribution result) {
    ObjectNode root = JSON.createObjectNode();
    Attribution.Totals t = result.totals();
    root.putObject("totals").put("metered_j", t.meteredJ()).put("attributed_j", t.attributedJ()).put("idle_j", t.idleJ())
        .put("unattributed_j", t.unattributedJ());
    var spans = root.putArray("spans");
    for (Attribution.SpanEnergy s : result.spans()) {
      ObjectNode span = spans.addObject().put("id", s.id()).put("energy_j", s.energyJ())
          .put("tier", s.tier() == null ? null : s.tier().code()).put("measured_fraction", s.measuredFraction()).put("idle_j", s.idleJ());
      ObjectNode phases = span.putObject("phases");
      s.phases().forEach((name, phase) -> phases.putObject(name).put("energy_j", phase.energyJ())
          .put("tier", phase.tier() == null ? null : phase.tier().code()));
      span.put("j_per_output_token", s.jPerOutputToken());
    }
    return root;
  }

  private String humanReadable(Attribution result) {
    Attribution.Totals t = result.totals();
    StringBuilder out = new StringBuilder();
    out.append(String.format("metered %.1f J = attributed %.1f + idle %.1f + unattributed %.1f   (idle policy %s%s)%n",
        t.meteredJ(), t.attributedJ(), t.idleJ(), t.unattributedJ(), result.idlePolicy().code(), pue == null ? "" : ", PUE " + pue));
    Map<String, String> rows = new LinkedHashMap<>();
    for (Attribution.SpanEnergy s : result.spans()) {
      String energy = s.energyJ() == null ? "unknown (" + s.unknown().code() + ")"
          : String.format("%.1f J  %s, measured %.0f%%%s", s.energyJ(), s.tier().code(), 100 * s.measuredFraction(),
              s.jPerOutputToken() == null ? "" : String.format(", %.3f J/output token", s.jPerOutputToken()));
      rows.put(s.id(), energy);
    }
    rows.forEach((id, line) -> out.append(String.format("  %-24s %s%n", id, line)));
    return out.toString().stripTrailing();
  }
}
