package io.jouletrace.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jouletrace.catalog.Catalog;
import io.jouletrace.ledger.Composition;
import io.jouletrace.ledger.report.Dimension;
import io.jouletrace.ledger.report.ReportJson;
import io.jouletrace.ledger.report.Reports;
import io.jouletrace.stream.StreamConfig;
import io.jouletrace.stream.StreamReplay;
import io.jouletrace.stream.StreamRunner;
import io.jouletrace.stream.StreamSink;
import io.jouletrace.stream.StreamVerify;
import io.jouletrace.stream.Topics;
import java.nio.file.Path;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code jouletrace stream …}: the Kafka Streams topology (docs/scale-out.md). */
@Command(name = "stream", mixinStandardHelpOptions = true, description = "Figuring past one machine with Kafka Streams.",
    subcommands = {StreamCommand.Run.class, StreamCommand.Sink.class, StreamCommand.Verify.class, StreamCommand.Replay.class})
final class StreamCommand {

  static final String DEFAULT_APPLICATION_ID = "jouletrace";

  /** {@code jouletrace stream run --bootstrap HOST:PORT …}: one instance of the topology against a cluster. */
  @Command(name = "run", mixinStandardHelpOptions = true,
      description = {"Run the topology against a Kafka cluster (exactly_once_v2) until stopped; more instances with the same",
          "--application-id share the partitions. Topics (created when missing; renamed with --config): jouletrace.invocations,",
          "jouletrace.meters, jouletrace.spans in; jouletrace.figured, jouletrace.rejected, jouletrace.late, jouletrace.aggregates,",
          "jouletrace.heads, jouletrace.measured, jouletrace.roots out (docs/scale-out.md). Logs how many records went to the late topic",
          "(also the Kafka Streams metric late-records-total, group stream-jouletrace-metrics, on JMX, and with --metrics-port",
          "jouletrace_stream_late_records_total on a Prometheus endpoint)."})
  static final class Run implements Callable<Integer> {
    @Option(names = "--bootstrap", paramLabel = "HOST:PORT", required = true, description = "Kafka bootstrap servers.")
    String bootstrap;

    @Option(names = "--application-id", paramLabel = "ID",
        description = "Kafka Streams application id (default: application.id of --config, else " + DEFAULT_APPLICATION_ID + ").")
    String applicationId;

    @picocli.CommandLine.Mixin
    StreamConfigOption config;

    @Option(names = "--state-dir", paramLabel = "DIR", defaultValue = "jouletrace-stream-state", description = "Local state (default ${DEFAULT-VALUE}).")
    Path stateDir;

    @Option(names = "--partitions", paramLabel = "N", defaultValue = "8", description = "Partitions of topics this creates (default ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--methodology", paramLabel = "V", defaultValue = Catalog.DEFAULT_METHODOLOGY,
        description = "Methodology that figures the records (default ${DEFAULT-VALUE}).")
    String methodology;

    @Option(names = "--grace", paramLabel = "DURATION", defaultValue = "PT1H",
        description = "Grace period of the hour aggregates and the measured windows (default ${DEFAULT-VALUE}).")
    Duration grace;

    @picocli.CommandLine.Mixin
    LedgerKeyOption ledgerKey;

    @picocli.CommandLine.Mixin
    FigureOptions figuring;

    @Option(names = "--metrics-port", paramLabel = "PORT",
        description = "Serve Prometheus metrics on this port at /metrics: the late count and the instance's Kafka Streams metrics.")
    Integer metricsPort;

    @Override
    public Integer call() throws Exception {
      StreamConfig loaded = config.load();
      String id = applicationId != null ? applicationId : loaded.applicationId() != null ? loaded.applicationId() : DEFAULT_APPLICATION_ID;
      StreamRunner.runUntilStopped(new StreamRunner.Settings(bootstrap, id, stateDir, loaded.topics(), methodology, grace, partitions,
          figuring.composition(ledgerKey.key())), metricsPort);
      return 0;
    }
  }

  /** {@code jouletrace stream sink --bootstrap HOST:PORT --store postgresql://…}: the cluster's output into a ledger. */
  @Command(name = "sink", mixinStandardHelpOptions = true,
      description = {"Write the figured records of jouletrace.figured (read_committed) into a ledger, PostgreSQL with --store, so",
          "`jouletrace serve` on that store serves the cluster's results; the measured windows of jouletrace.measured",
          "as attribution runs with measured figure sets (verify recomputes them); and the team x model x hour totals of",
          "jouletrace.aggregates into its stream_aggregates table (one row per team, model and hour, its latest totals).",
          "Offsets are committed after all are durable; records and runs delivered again are stored once, aggregates",
          "delivered again rewrite the same row. Runs until stopped."})
  static final class Sink implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT", required = true, description = "Kafka bootstrap servers.")
    String bootstrap;

    @Option(names = "--methodology", paramLabel = "V", defaultValue = Catalog.DEFAULT_METHODOLOGY,
        description = "Methodology the ledger figures with (default ${DEFAULT-VALUE}; the topology's).")
    String methodology;

    @Option(names = "--provider", paramLabel = "NAME", defaultValue = "self-hosted",
        description = "The provider on records made from measured spans (default ${DEFAULT-VALUE}), as `attribute --ingest`.")
    String provider;

    @Option(names = "--zone", paramLabel = "ZONE",
        description = "The zone or region the metered resources draw power from, for measured spans' carbon (as `attribute --ingest`).")
    String zone;

    @picocli.CommandLine.Mixin
    LedgerOptions ledgerOptions;

    @picocli.CommandLine.Mixin
    FigureOptions figuring;

    @picocli.CommandLine.Mixin
    StreamConfigOption config;

    @Override
    public Integer call() throws IOException {
      Topics topics = config.load().topics();
      java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
      Runtime.getRuntime().addShutdownHook(new Thread(() -> stop.set(true)));
      try (io.jouletrace.ledger.Ledger ledger = ledgerOptions.open(figuring)) {
        StreamSink.Sunk sunk = StreamSink.run(bootstrap, topics, ledger, methodology, new StreamSink.SpanRecords(provider, zone), stop::get);
        spec.commandLine().getOut().printf("stored %d records and %d measured figure sets into %s%s%n", sunk.records(), sunk.measuredSets(),
            ledger.store().describe(), sunk.conflicts() == 0 ? ""
                : "; " + sunk.conflicts() + " records not stored: their tenant and id are stored with other content");
      }
      return 0;
    }
  }

  /** {@code jouletrace stream verify --bootstrap HOST:PORT}: the per-partition chains of the figured topic. */
  @Command(name = "verify", mixinStandardHelpOptions = true,
      description = {"Walk each chain in jouletrace.figured (one per invocations partition, named in each record's chain.partition):",
          "seq order, every hash recomputed, every figure recomputed;",
          "every head published in jouletrace.heads must lie on its chain (else the partition was cut or rewritten);",
          "every root published in jouletrace.roots must follow from the heads it names, each on its chain, and, with",
          "--ledger-key-file (or JOULETRACE_LEDGER_KEY), carry the signature of that key (as `stream run` signs with it).",
          "Prints each partition and the root over all of them. Exit status: 0 intact and no drift; 1 otherwise."})
  static final class Verify implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT", required = true, description = "Kafka bootstrap servers.")
    String bootstrap;

    @picocli.CommandLine.Mixin
    StreamConfigOption config;

    @picocli.CommandLine.Mixin
    LedgerKeyOption ledgerKey;

    @picocli.CommandLine.Mixin
    FigureOptions figuring;

    @Override
    public Integer call() throws IOException {
      return verify(bootstrap, config.load().topics(), figuring.composition(ledgerKey.key()), spec.commandLine().getOut());
    }

    /**
     * Verifies the cluster's chains, prints the report; exit status 0 when intact without drift, else 1.
     *
     * @param composition what refigures the records, and the key roots must be signed with (none: roots are checked by their
     *     hash alone)
     */
    static int verify(String bootstrap, Topics topics, Composition composition, PrintWriter out) {
      StreamVerify.Report report = StreamVerify.run(bootstrap, topics, composition.estimator(), composition.ledgerKey());
      for (StreamVerify.PartitionReport p : report.partitions()) {
        out.printf("partition %d: %d records, head %s%s%n", p.partition(), p.records(), p.headHash(),
            p.firstProblem() == null ? "" : "  BROKEN: " + p.firstProblem());
      }
      out.printf("heads checked: %d%ndrift: %d%n", report.headsChecked(), report.drift());
      report.driftExamples().forEach(example -> out.println("  " + example));
      out.printf("roots checked: %d (%s)%n", report.rootsChecked(), report.rootsSigned() ? "signatures checked with the ledger key"
          : "by hash only: no ledger key to check signatures with");
      report.rootProblems().forEach(problem -> out.println("  BROKEN: " + problem));
      out.printf("root: %s%n", report.root());
      out.flush();
      return report.ok() ? 0 : 1;
    }
  }

  /** {@code jouletrace stream replay --records FILE… [--json]}. */
  @Command(name = "replay", mixinStandardHelpOptions = true,
      description = {"Drive the topology in-process with Kafka Streams' test driver (no broker) and print the summary of what it figured:",
          "the same JSON `jouletrace report summary --json` prints for the same records ingested on one machine.",
          "Exit status: 0 done; 3 some input entries were rejected (listed on stderr; the rest was figured)."})
  static final class Replay implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--records", paramLabel = "FILE", required = true, split = ",", description = "Record files (JSONL, CSV, OTLP/JSON; - for stdin).")
    List<String> records;

    @Option(names = "--by", paramLabel = "DIM", split = ",", description = "More breakdowns, as for `report summary`.")
    List<String> by = List.of();

    @Option(names = "--methodology", paramLabel = "V", defaultValue = Catalog.DEFAULT_METHODOLOGY,
        description = "Methodology that figures the records (default ${DEFAULT-VALUE}).")
    String methodology;

    @Option(names = "--grace", paramLabel = "DURATION", defaultValue = "PT1H",
        description = "How late (event time) a record may be and still count in its hour's aggregate (ISO-8601, default ${DEFAULT-VALUE}).")
    Duration grace;

    @Option(names = "--json", description = "Print the summary JSON.")
    boolean json;

    @picocli.CommandLine.Mixin
    FigureOptions figuring;

    @picocli.CommandLine.Mixin
    StoredSignalsOptions storedSignals;

    @Override
    public Integer call() throws Exception {
      StreamReplay.Result result = StreamReplay.run(records, System.in, storedSignals.estimator(figuring.composition(null)), methodology,
          grace);
      Set<Dimension> breakdowns = new LinkedHashSet<>(Reports.DEFAULT_BREAKDOWNS);
      for (String d : by) breakdowns.add(Dimension.of(d));
      Reports.Summary summary = StreamReplay.summary(result, new ArrayList<>(breakdowns));
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        out.println(new ObjectMapper().writeValueAsString(ReportJson.summary(summary)));
      } else {
        out.printf("figured %d records (%d late for their hour's aggregate; %d repeated ids skipped), %d aggregate updates; total %s, %s%n",
            result.figured().size(), result.late().size(), result.duplicates(), result.aggregates().size(), ReportCommand.energy(summary.total().energyJoules()),
            ReportCommand.carbon(summary.total().carbonGrams()));
      }
      out.flush();
      result.rejected().forEach(spec.commandLine().getErr()::println);
      spec.commandLine().getErr().flush();
      return result.rejected().isEmpty() ? 0 : 3;
    }
  }
}
