package io.jouletrace.cli;

import io.jouletrace.catalog.Catalog;
import io.jouletrace.ledger.Ingest;
import io.jouletrace.ledger.Ledger;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code jouletrace ingest FILE…}: records from JSONL, CSV or OTLP/JSON (gzip too, {@code -} for stdin) into the ledger. */
@Command(name = "ingest", mixinStandardHelpOptions = true,
    description = {"Figure, chain and store invocation records from JSONL, CSV or OTLP/JSON trace files (gzip too; - reads stdin).",
        "Ingesting the same records again stores nothing new.",
        "Exit status: 0 all accepted; 3 some lines rejected (written to the rejects file; the rest accepted); 1 nothing could be read."})
final class IngestCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Mixin
  LedgerOptions ledgerOptions;

  @Mixin
  RecordBoundsOptions boundsOptions;

  @Mixin
  FigureOptions figuring;

  @Mixin
  PriceOptions prices;

  @Parameters(arity = "1..*", paramLabel = "FILE", description = "Input files, or - for stdin.")
  List<String> inputs;

  @Option(names = "--methodology", paramLabel = "V", defaultValue = Catalog.DEFAULT_METHODOLOGY,
      description = "Methodology that figures the records (default ${DEFAULT-VALUE}).")
  String methodology;

  @Option(names = "--rejects", paramLabel = "FILE", defaultValue = "jouletrace-rejects.txt",
      description = "Where rejected lines are listed as file:line: field: reason (default ${DEFAULT-VALUE}; written only if some are rejected).")
  Path rejectsFile;

  @Option(names = "--batch-size", paramLabel = "N", defaultValue = "50000", description = "Records per committed batch (default ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--verbose", description = "Log progress as plain lines on stderr (committed counts), e.g. for logs where no bar is drawn.")
  boolean verbose;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    LazyFile rejects = new LazyFile(rejectsFile);
    Ingest.Summary summary;
    try {
      // Beside a running serve, through its API: it figures with its own methodology and deployment settings.
      Optional<ServerApi> server = ledgerOptions.server();
      summary = server.isPresent() ? IngestThroughServer.run(server.get(), inputs, System.in, rejects, boundsOptions.bounds(), batchSize)
          : ingestHere(rejects);
    } finally {
      rejects.close();
    }
    out.printf("accepted %d, duplicates skipped %d, rejected %d%s%s%n", summary.accepted(), summary.duplicates(), summary.rejected(),
        summary.skipped() > 0 ? ", non-GenAI spans skipped " + summary.skipped() : "",
        summary.rejected() > 0 || !summary.unreadable().isEmpty() ? " (see " + rejectsFile + ")" : "");
    summary.unreadable().forEach(u -> spec.commandLine().getErr().println("cannot read " + u));
    out.printf("ledger head: seq %d, hash %s%n", summary.headSeq(), summary.headHash());
    out.flush();
    return summary.exitCode();
  }

  private Ingest.Summary ingestHere(LazyFile rejects) {
    try (Ledger ledger = prices.apply(ledgerOptions.open(figuring));
        Ledger.Writer writer = ledger.writer(methodology, batchSize);
        ProgressDisplay progress = ProgressDisplay.create(verbose ? spec.commandLine().getErr() : null)) {
      return Ingest.run(writer, inputs, System.in, rejects, progress, boundsOptions.bounds());
    }
  }

  /**
   * A progress bar (records/s; no ETA since inputs stream) shown only on a terminal, so logs stay
   * clean; with {@code --verbose}, plain lines instead.
   */
  static final class ProgressDisplay implements Ingest.Progress, AutoCloseable {
    private final ProgressBar bar;
    private final PrintWriter lines;

    private ProgressDisplay(ProgressBar bar, PrintWriter lines) {
      this.bar = bar;
      this.lines = lines;
    }

    static ProgressDisplay create(PrintWriter lines) {
      if (lines != null || System.console() == null || !System.console().isTerminal()) return new ProgressDisplay(null, lines);
      return new ProgressDisplay(new ProgressBarBuilder().setTaskName("ingest").setUnit(" records", 1).showSpeed()
          .setStyle(ProgressBarStyle.ASCII).setInitialMax(-1).build(), null);
    }

    @Override
    public void update(long entries, long accepted, long duplicates, long rejected) {
      if (lines != null) {
        lines.printf("read %d, committed: accepted %d, duplicates %d; rejected %d%n", entries, accepted, duplicates, rejected);
        lines.flush();
      }
      if (bar == null) return;
      bar.stepTo(entries);
      bar.setExtraMessage("accepted " + accepted + ", duplicates " + duplicates + ", rejected " + rejected);
    }

    @Override
    public void close() {
      if (bar != null) bar.close();
    }
  }

  /** The rejects file, created on the first rejected line only. */
  static final class LazyFile extends Writer {
    private final Path path;
    private BufferedWriter writer;

    LazyFile(Path path) {
      this.path = path;
    }

    @Override
    public void write(char[] chars, int offset, int length) throws IOException {
      if (writer == null) writer = Files.newBufferedWriter(path, StandardCharsets.UTF_8);
      writer.write(chars, offset, length);
    }

    @Override
    public void flush() throws IOException {
      if (writer != null) writer.flush();
    }

    @Override
    public void close() {
      try {
        if (writer != null) writer.close();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write " + path, e);
      }
    }
  }
}
