package io.jouletrace.cli;

import io.jouletrace.ledger.ingest.RecordBounds;
import java.time.Duration;
import picocli.CommandLine.Option;

/** The bounds a new record must keep (docs/ledger.md, "Record bounds"), for the commands that take records in. */
final class RecordBoundsOptions {

  private static final RecordBounds DEFAULTS = RecordBounds.DEFAULTS;

  @Option(names = "--max-future-skew", paramLabel = "SECONDS",
      description = "How far ahead of this machine's clock a record's timestamp may be (default 3600).")
  long maxFutureSkewSeconds = DEFAULTS.maxFutureSkew().toSeconds();

  @Option(names = "--max-tokens", paramLabel = "N", description = "Most tokens of each kind one record may count (default 100000000).")
  long maxTokens = DEFAULTS.maxTokens();

  @Option(names = "--max-latency", paramLabel = "SECONDS", description = "Longest latency a record may give (default 86400).")
  double maxLatencySeconds = DEFAULTS.maxLatencySeconds();

  @Option(names = "--max-intensity", paramLabel = "G_PER_KWH", description = "Highest grid intensity a record may give (default 2000).")
  double maxIntensity = DEFAULTS.maxIntensityGramsPerKwh();

  @Option(names = "--max-text-length", paramLabel = "N", description = "Longest text field (id, model, team, …) a record may hold (default 256).")
  int maxTextLength = DEFAULTS.maxTextLength();

  RecordBounds bounds() {
    return new RecordBounds(maxTextLength, maxTokens, maxLatencySeconds, maxIntensity, Duration.ofSeconds(maxFutureSkewSeconds));
  }
}
