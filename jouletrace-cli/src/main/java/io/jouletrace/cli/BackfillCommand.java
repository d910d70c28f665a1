package io.jouletrace.cli;

import io.jouletrace.ledger.Ledger;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code jouletrace backfill --methodology V}: figures of existing records under another version, beside the originals. */
@Command(name = "backfill", mixinStandardHelpOptions = true,
    description = {"Figure every stored record under another methodology version into its own figure set.",
        "The original figures are never altered; running it again adds nothing."})
final class BackfillCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Mixin
  LedgerOptions ledgerOptions;

  @Mixin
  FigureOptions figuring;

  @Option(names = "--methodology", paramLabel = "V", required = true, description = "Methodology version to figure with, e.g. ecologits-0.8.2.")
  String methodology;

  @Option(names = "--batch-size", paramLabel = "N", defaultValue = "50000", description = "Figure sets per committed batch (default ${DEFAULT-VALUE}).")
  int batchSize;

  @Override
  public Integer call() {
    long added;
    try (Ledger ledger = ledgerOptions.open(figuring)) {
      added = ledger.backfill(methodology, batchSize);
    }
    spec.commandLine().getOut().printf("added %d figure sets under %s%n", added, methodology);
    spec.commandLine().getOut().flush();
    return 0;
  }
}
