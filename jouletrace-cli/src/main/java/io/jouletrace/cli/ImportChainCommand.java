package io.jouletrace.cli;

import io.jouletrace.catalog.Catalog;
import io.jouletrace.ledger.ChainImport;
import io.jouletrace.ledger.Ledger;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code jouletrace import-chain PATH}: backfill from an existing SQLite call ledger. */
@Command(name = "import-chain", mixinStandardHelpOptions = true,
    description = {"Backfill records from an existing SQLite call ledger (table chain(seq, timestamp_ns, canonical_body, …)",
        "whose bodies carry GenAI span attributes as JSON). Each record keeps its source seq; importing again stores nothing new.",
        "Exit status: 0 all imported; 3 some rows rejected (the rest imported)."})
final class ImportChainCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Mixin
  LedgerOptions ledgerOptions;

  @Parameters(paramLabel = "PATH", description = "The SQLite file.")
  Path sqlite;

  @Option(names = "--since-seq", paramLabel = "N", defaultValue = "0",
      description = "Import rows from source seq N on (inclusive); the cutover where live recording took or takes over.")
  long sinceSeq;

  @Option(names = "--methodology", paramLabel = "V", defaultValue = Catalog.DEFAULT_METHODOLOGY,
      description = "Methodology that figures the records (default ${DEFAULT-VALUE}).")
  String methodology;

  @Option(names = "--rejects", paramLabel = "FILE", defaultValue = "jouletrace-rejects.txt",
      description = "Where rejected rows are listed (default ${DEFAULT-VALUE}; written only if some are rejected).")
  Path rejectsFile;

  @Override
  public Integer call() {
    ChainImport.Summary summary;
    IngestCommand.LazyFile rejects = new IngestCommand.LazyFile(rejectsFile);
    try (Ledger ledger = ledgerOptions.open();
        Ledger.Writer writer = ledger.writer(methodology, 50_000)) {
      summary = ChainImport.run(writer, sqlite, sinceSeq, rejects);
    } finally {
      rejects.close();
    }
    PrintWriter out = spec.commandLine().getOut();
    out.printf("chain rows read %d (source seq %d..%d), accepted %d, duplicates skipped %d, rejected %d%s%n", summary.rows(), sinceSeq,
        summary.lastSourceSeq(), summary.accepted(), summary.duplicates(), summary.rejected(),
        summary.rejected() > 0 ? " (see " + rejectsFile + ")" : "");
    out.printf("ledger head: seq %d, hash %s%n", summary.headSeq(), summary.headHash());
    out.flush();
    return summary.exitCode();
  }
}
