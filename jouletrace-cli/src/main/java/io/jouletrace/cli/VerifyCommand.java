package io.jouletrace.cli;

import io.jouletrace.ledger.Ledger;
import io.jouletrace.ledger.VerifyReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code jouletrace verify}: the whole chain, and every figure recomputed from its stored inputs. */
@Command(name = "verify", mixinStandardHelpOptions = true,
    description = {"Recompute the hash chain and every stored figure from its stored inputs and methodology version.",
        "Exit status: 0 chain intact and no drift; 1 the chain is broken or some figure drifted."})
final class VerifyCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Mixin
  LedgerOptions ledgerOptions;

  @Option(names = "--bootstrap", paramLabel = "HOST:PORT",
      description = "Verify a Kafka cluster's ledger instead: the per-partition chains of jouletrace.figured (as `stream verify`).")
  String bootstrap;

  @Mixin
  StreamConfigOption streamConfig;

  @Override
  public Integer call() throws IOException {
    if (bootstrap != null) {
      return StreamCommand.Verify.verify(bootstrap, streamConfig.load().topics(), ledgerOptions.ledgerKey.key(), spec.commandLine().getOut());
    }
    VerifyReport report;
    long started = System.nanoTime();
    try (Ledger ledger = ledgerOptions.open()) {
      report = ledger.verify();
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    PrintWriter out = spec.commandLine().getOut();
    out.printf("records checked: %d%n", report.recordsChecked());
    out.println(report.chainIntact() ? "chain: intact" : "chain: BROKEN at seq " + report.firstAlteredSeq() + ": " + report.alteration());
    out.printf("figures recomputed: %d (%d figure sets beside the records' own: backfilled or measured)%n", report.figuresRecomputed(), report.figureSetsChecked());
    out.printf("drift: %d%n", report.drift());
    report.driftExamples().forEach(example -> out.println("  " + example));
    out.printf("head hash: %s%n", report.headHash());
    out.printf("took %.2f s (%.0f records/s)%n", seconds, report.recordsChecked() / Math.max(seconds, 1e-9));
    out.flush();
    return report.ok() ? 0 : 1;
  }
}
