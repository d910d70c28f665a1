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
import io.jouletrace.ledger.telemetry.MeterOptions;
import io.jouletrace.ledger.telemetry.MeterReaders;
import io.jouletrace.ledger.telemetry.Readings;
import io.jouletrace.ledger.telemetry.SpanReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
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
    description = {"Attribute metered power (plain meter CSV, nvidia-smi CSV, Prometheus/OpenMetrics scrapes, CodeCarbon emissions.csv)",
        "to run spans (JSONL).",
        "Conservation: attributed + idle + unattributed = metered. See docs/measured.md.",
        "Exit status: 0 done; 2 a malformed flag, or a ledger flag without --ingest; 3 some input lines were rejected (listed on stderr;",
        "the rest was used)."})
final class AttributeCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Option(names = "--meters", paramLabel = "FILE", required = true, split = ",", description = "Meter files (format sniffed).")
  List<Path> meters;

  @Option(names = "--spans", paramLabel = "FILE", required = true, split = ",", description = "Run-span JSONL files.")
  List<Path> spans;

  @Option(names = "--pue", paramLabel = "X", description = "Facility PUE (>= 1): facility energy = IT energy x PUE, shown separately.")
  Double pue;

  @Option(names = "--scrape-time", paramLabel = "TIME",
      description = {"The time (RFC 3339) of Prometheus samples without a timestamp and without a `# scrape_time` comment before them:",
          "once for every meter file, or once per --meters file in their order."})
  List<String> scrapeTimes;

  @Option(names = {"--meter-zone", "--nvidia-smi-zone"}, paramLabel = "ZONE",
      description = "The zone (e.g. Europe/Paris) of meter times written without an offset: nvidia-smi's and CodeCarbon's (default UTC).")
  String meterZone;

  @Option(names = "--counter-wrap", paramLabel = "RESOURCE=RANGE_J:MAX_W", split = ",",
      description = "An energy counter that wraps at RANGE_J joules: a drop is a wrap when the energy it implies stays under MAX_W watts, else a reset.")
  Map<String, String> counterWraps;

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
    if (!ingest) refuseIngestOnlyOptions();
    if (ingest && json) throw new ParameterException(spec.commandLine(), "--json and --ingest: choose one");
    List<MeterOptions> meterOptions = meterOptions();
    AttributionOptions options = AttributionOptions.defaults().withIdlePolicy(IdlePolicy.of(idlePolicy))
        .withIdleWatts(idleWatts == null ? Map.of() : idleWatts).withPue(pue).withClockSkew(clockSkew)
        .withCounterWraps(counterWraps());
    for (int i = 0; i < meters.size(); i++) collect(MeterReaders.read(meters.get(i), meterOptions.get(i)), samples, rejected);
    for (Path file : spans) collect(SpanReader.read(file), runs, rejected);
    PrintWriter out = spec.commandLine().getOut();
    if (ingest) {
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
      out.println(json ? JSON.writeValueAsString(toJson(result, pue)) : humanReadable(result));
    }
    out.flush();
    rejected.forEach(spec.commandLine().getErr()::println);
    spec.commandLine().getErr().flush();
    return rejected.isEmpty() ? 0 : 3;
  }

  /** Options that only mean something when writing to the ledger: given without --ingest they would do nothing. */
  private void refuseIngestOnlyOptions() {
    for (String name : List.of("--provider", "--zone", "--pue-facility", "--methodology", "--data", "--store", "--store-memory-limit", "--ledger-key-file")) {
      if (spec.commandLine().getParseResult().hasMatchedOption(name)) {
        throw new ParameterException(spec.commandLine(), name + " only applies with --ingest");
      }
    }
  }

  /** How to read each --meters file, in their order. */
  private List<MeterOptions> meterOptions() {
    MeterOptions options = MeterOptions.defaults();
    if (meterZone != null) {
      try {
        options = options.withZone(ZoneId.of(meterZone));
      } catch (DateTimeException e) {
        throw new ParameterException(spec.commandLine(), "--meter-zone: not a time zone like UTC, +02:00 or Europe/Paris: " + meterZone);
      }
    }
    if (scrapeTimes == null) return Collections.nCopies(meters.size(), options);
    if (scrapeTimes.size() != 1 && scrapeTimes.size() != meters.size()) {
      throw new ParameterException(spec.commandLine(), "--scrape-time: give one time for all meter files or one per --meters file ("
          + meters.size() + "), got " + scrapeTimes.size());
    }
    List<MeterOptions> perFile = new ArrayList<>();
    for (int i = 0; i < meters.size(); i++) {
      String time = scrapeTimes.get(scrapeTimes.size() == 1 ? 0 : i);
      try {
        perFile.add(options.withScrapeTime(OffsetDateTime.parse(time).toInstant()));
      } catch (DateTimeParseException e) {
        throw new ParameterException(spec.commandLine(), "--scrape-time: expected an RFC 3339 time like 2026-03-01T14:00:05Z, got " + time);
      }
    }
    return perFile;
  }

  private Map<String, AttributionOptions.CounterWrap> counterWraps() {
    Map<String, AttributionOptions.CounterWrap> wraps = new LinkedHashMap<>();
    if (counterWraps == null) return wraps;
    counterWraps.forEach((resource, rule) -> {
      int colon = rule.lastIndexOf(':');
      try {
        if (colon < 0) throw new IllegalArgumentException("expected RANGE_J:MAX_W");
        wraps.put(resource, new AttributionOptions.CounterWrap(Double.parseDouble(rule.substring(0, colon)),
            Double.parseDouble(rule.substring(colon + 1))));
      } catch (IllegalArgumentException e) { // NumberFormatException too
        throw new ParameterException(spec.commandLine(), "--counter-wrap " + resource + "=" + rule + ": " + e.getMessage()
            + " (write RESOURCE=RANGE_J:MAX_W, e.g. gpu0=262143.99:1000)");
      }
    });
    return wraps;
  }

  private static <T> void collect(Readings<T> readings, List<T> into, List<String> rejected) {
    into.addAll(readings.values());
    rejected.addAll(readings.rejectedLines());
  }

  /**
   * The contract's names (totals, and per span its energy, tier, coverage, idle share, phases and J per output token), plus
   * the idle policy, J per token, the sums per tenant and, with a PUE, the facility energy: of the totals
   * {@code metered_j × PUE}, of a span {@code energy_j × PUE}.
   */
  static ObjectNode toJson(Attribution result, Double pue) {
    ObjectNode root = JSON.createObjectNode();
    root.put("idle_policy", result.idlePolicy().code());
    if (pue != null) root.put("pue", pue);
    Attribution.Totals t = result.totals();
    ObjectNode totals = root.putObject("totals").put("metered_j", t.meteredJ()).put("attributed_j", t.attributedJ()).put("idle_j", t.idleJ())
        .put("unattributed_j", t.unattributedJ());
    if (pue != null) totals.put("facility_j", t.meteredJ() * pue);
    var spans = root.putArray("spans");
    for (Attribution.SpanEnergy s : result.spans()) {
      ObjectNode span = spans.addObject().put("id", s.id()).put("energy_j", s.energyJ())
          .put("tier", s.tier() == null ? null : s.tier().code()).put("measured_fraction", s.measuredFraction()).put("idle_j", s.idleJ());
      ObjectNode phases = span.putObject("phases");
      s.phases().forEach((name, phase) -> phases.putObject(name).put("energy_j", phase.energyJ())
          .put("tier", phase.tier() == null ? null : phase.tier().code()));
      span.put("j_per_output_token", s.jPerOutputToken());
      span.put("j_per_token", s.jPerToken());
      if (pue != null) span.put("facility_j", s.facilityJ());
    }
    ObjectNode tenants = root.putObject("tenants");
    result.tenants().forEach((name, tenant) -> tenants.putObject(name).put("energy_j", tenant.energyJ()).put("measured_j", tenant.measuredJ())
        .put("reserved_idle_j", tenant.reservedIdleJ()).put("spans", tenant.spans()).put("unknown_spans", tenant.unknownSpans()));
    return root;
  }

  private String humanReadable(Attribution result) {
    Attribution.Totals t = result.totals();
    StringBuilder out = new StringBuilder();
    out.append(String.format("metered %.1f J = attributed %.1f + idle %.1f + unattributed %.1f   (idle policy %s%s)%n",
        t.meteredJ(), t.attributedJ(), t.idleJ(), t.unattributedJ(), result.idlePolicy().code(), pue == null ? "" : ", PUE " + pue));
    if (pue != null) out.append(String.format("facility %.1f J = metered x PUE %s%n", t.meteredJ() * pue, pue));
    Map<String, String> rows = new LinkedHashMap<>();
    for (Attribution.SpanEnergy s : result.spans()) {
      String energy = s.energyJ() == null ? "unknown (" + s.unknown().code() + ")"
          : String.format("%.1f J  %s, measured %.0f%%%s", s.energyJ(), s.tier().code(), 100 * s.measuredFraction(),
              s.jPerOutputToken() == null ? "" : String.format(", %.3f J/output token", s.jPerOutputToken()))
              + (s.facilityJ() == null ? "" : String.format(", facility %.1f J", s.facilityJ()));
      rows.put(s.id(), energy);
    }
    rows.forEach((id, line) -> out.append(String.format("  %-24s %s%n", id, line)));
    return out.toString().stripTrailing();
  }
}
