package io.jouletrace.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.jouletrace.ledger.Checkpoint;
import io.jouletrace.ledger.Ledger;
import io.jouletrace.ledger.VerifyReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code jouletrace verify}: the whole chain, and every figure recomputed from its stored inputs. */
@Command(name = "verify", mixinStandardHelpOptions = true,
    description = {"Recompute the hash chain and every stored figure from its stored inputs and methodology version, and check the "
        + "derived tables reports read (the daily rollup report_rollup_day, the stream aggregates) against the records.",
        "Deleting the newest records leaves a chain that still verifies: give a checkpoint taken earlier with `jouletrace head` "
            + "(--expect-head-file, or --expect-head SEQ:HASH) to find that out.",
        "Exit status: 0 chain intact, no drift, derived tables agree and the checkpoint (if given) extended; 1 otherwise."})
final class VerifyCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Mixin
  LedgerOptions ledgerOptions;

  @Mixin
  FigureOptions figuring;

  @Option(names = "--bootstrap", paramLabel = "HOST:PORT",
      description = "Verify a Kafka cluster's ledger instead: the per-partition chains of jouletrace.figured (as `stream verify`).")
  String bootstrap;

  @Mixin
  StreamConfigOption streamConfig;

  @Option(names = "--expect-head", paramLabel = "SEQ:HASH",
      description = "Fail unless the ledger still holds the record at SEQ with HASH (a head noted earlier).")
  String expectHead;

  @Option(names = "--expect-head-file", paramLabel = "FILE",
      description = "As --expect-head, from a checkpoint printed by `jouletrace head` (text or --json); with a ledger key its HMAC "
          + "must match.")
  Path expectHeadFile;

  @Override
  public Integer call() throws IOException {
    if (bootstrap != null) {
      return StreamCommand.Verify.verify(bootstrap, streamConfig.load().topics(), figuring.composition(ledgerOptions.ledgerKey.key()),
          spec.commandLine().getOut());
    }
    if (expectHead != null && expectHeadFile != null) throw new IllegalArgumentException("give --expect-head or --expect-head-file, not both");
    Checkpoint expected = expectHead != null ? Checkpoint.parseSeqHash(expectHead)
        : expectHeadFile != null ? Checkpoint.parse(Files.readString(expectHeadFile), expectHeadFile.toString()) : null;
    VerifyReport report;
    long started = System.nanoTime();
    Optional<ServerApi> server = ledgerOptions.server();
    if (server.isPresent()) {
      if (expected != null) throw new IllegalArgumentException("--expect-head cannot go through the server's API (GET /api/verify takes "
          + "no checkpoint): stop the server to check a checkpoint");
      report = report(server.get().get("/api/verify", Map.of()));
    } else {
      try (Ledger ledger = ledgerOptions.open(figuring)) {
        report = ledger.verify(expected);
      }
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    PrintWriter out = spec.commandLine().getOut();
    out.printf("records checked: %d%n", report.recordsChecked());
    out.println(report.chainIntact() ? "chain: intact" : "chain: BROKEN at seq " + report.firstAlteredSeq()
        + (report.firstAlteredId() == null ? "" : " (id " + report.firstAlteredId() + ")") + ": " + report.alteration());
    out.printf("figures recomputed: %d (%d figure sets beside the records' own: backfilled or measured)%n", report.figuresRecomputed(), report.figureSetsChecked());
    out.printf("drift: %d%n", report.drift());
    report.driftExamples().forEach(example -> out.println("  " + example));
    if (report.otherDatasets().figures() > 0) {
      out.printf("figured with other dataset releases (not recomputed): %d%n", report.otherDatasets().figures());
      report.otherDatasets().examples().forEach(example -> out.println("  " + example));
    }
    VerifyReport.Derived derived = report.derived();
    out.printf("derived: %s; stream_aggregates: %d rows (%d partial); %d differ%n",
        derived.rollupStale() ? "report_rollup_day awaits a rebuild (a measured figure set came since), not compared"
            : "report_rollup_day through seq " + derived.rollupThroughSeq() + ": " + derived.rollupGroupsCompared() + " groups",
        derived.streamRowsChecked(), derived.streamRowsPartial(), derived.differences());
    derived.examples().forEach(difference -> out.println("  " + difference));
    if (report.expectedHead() != null) {
      VerifyReport.HeadCheck head = report.expectedHead();
      out.println("expected head: seq " + head.seq() + " " + head.hash() + (head.ok() ? ": extended" : ": NOT extended: " + head.problem()));
    }
    boolean severalWriters = report.chains().size() > 1 || report.chains().stream().anyMatch(c -> !c.chain().isEmpty());
    if (severalWriters || report.roots().checked() > 0) {
      for (VerifyReport.ChainCheck chain : report.chains()) {
        out.printf("%s: %d records, head seq %d %s: %s%n", chain.chain().isEmpty() ? "default chain" : "chain " + chain.chain(), chain.records(),
            chain.headSeq(), chain.headHash(), chain.intact() ? "intact"
                : "BROKEN" + (chain.brokenAtSeq() == null ? "" : " at ledger seq " + chain.brokenAtSeq()) + ": " + chain.problem());
      }
      VerifyReport.Roots roots = report.roots();
      out.printf("roots checked: %d%s%n", roots.checked(), roots.signed() ? " (signatures checked with the ledger key)"
          : " (by hash only: no ledger key to check signatures with)");
      roots.problems().forEach(problem -> out.println("  BROKEN: " + problem));
    }
    out.printf("head hash: %s%n", report.headHash());
    out.printf("took %.2f s (%.0f records/s)%n", seconds, report.recordsChecked() / Math.max(seconds, 1e-9));
    out.flush();
    return report.ok() ? 0 : 1;
  }

  /** The report {@code GET /api/verify} answers with (docs/server.md), read back for the same printout. */
  static VerifyReport report(JsonNode body) {
    JsonNode derived = body.path("derived");
    List<VerifyReport.Difference> differences = new ArrayList<>();
    for (JsonNode d : derived.path("examples")) {
      differences.add(new VerifyReport.Difference(d.path("table").asText(), d.path("row").asText(), d.path("field").asText(),
          text(d, "expected"), text(d, "stored")));
    }
    return new VerifyReport(body.path("records_checked").asLong(),
        body.path("first_altered_seq").isNumber() ? body.get("first_altered_seq").asLong() : null, text(body, "alteration"),
        body.path("figures_recomputed").asLong(), body.path("drift").asLong(), texts(body.path("drift_examples")),
        body.path("figure_sets_checked").asLong(), text(body, "head_hash"), text(body, "first_altered_id"),
        new VerifyReport.Derived(derived.path("report_rollup_day").path("through_seq").asLong(),
            derived.path("report_rollup_day").path("stale").asBoolean(), derived.path("report_rollup_day").path("groups_compared").asLong(),
            derived.path("stream_aggregates").path("rows_checked").asLong(), derived.path("stream_aggregates").path("partial_rows").asLong(),
            derived.path("differences").asLong(), differences),
        null, new VerifyReport.OtherDatasets(body.path("other_datasets").path("figures").asLong(),
            texts(body.path("other_datasets").path("examples"))), chains(body.path("chains")),
        new VerifyReport.Roots(body.path("roots").path("checked").asLong(), body.path("roots").path("signed").asBoolean(),
            texts(body.path("roots").path("problems"))));
  }

  private static List<VerifyReport.ChainCheck> chains(JsonNode array) {
    List<VerifyReport.ChainCheck> chains = new ArrayList<>();
    for (JsonNode c : array) {
      chains.add(new VerifyReport.ChainCheck(c.path("chain").asText(), c.path("records").asLong(), c.path("head_seq").asLong(),
          text(c, "head_hash"), c.path("broken_at_seq").isNumber() ? c.get("broken_at_seq").asLong() : null, text(c, "problem")));
    }
    return chains;
  }

  private static String text(JsonNode node, String field) {
    return node.path(field).isTextual() ? node.get(field).asText() : null;
  }

  private static List<String> texts(JsonNode array) {
    List<String> list = new ArrayList<>();
    array.forEach(item -> list.add(item.asText()));
    return list;
  }
}
