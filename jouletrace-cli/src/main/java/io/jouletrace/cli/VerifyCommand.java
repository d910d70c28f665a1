package io.jouletrace.cli;

import io.jouletrace.ledger.Checkpoint;
import io.jouletrace.ledger.Ledger;
import io.jouletrace.ledger.VerifyReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
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
  DeploymentOptions deployment;

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
      return StreamCommand.Verify.verify(bootstrap, streamConfig.load().topics(), ledgerOptions.ledgerKey.key(), spec.commandLine().getOut());
    }
    if (expectHead != null && expectHeadFile != null) throw new IllegalArgumentException("give --expect-head or --expect-head-file, not both");
    Checkpoint expected = expectHead != null ? Checkpoint.parseSeqHash(expectHead)
        : expectHeadFile != null ? Checkpoint.parse(Files.readString(expectHeadFile), expectHeadFile.toString()) : null;
    VerifyReport report;
    long started = System.nanoTime();
    try (Ledger ledger = ledgerOptions.open(deployment)) {
      report = ledger.verify(expected);
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
    out.printf("head hash: %s%n", report.headHash());
    out.printf("took %.2f s (%.0f records/s)%n", seconds, report.recordsChecked() / Math.max(seconds, 1e-9));
    out.flush();
    return report.ok() ? 0 : 1;
  }
}
