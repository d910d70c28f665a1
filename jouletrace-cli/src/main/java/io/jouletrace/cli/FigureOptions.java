package io.jouletrace.cli;

import io.jouletrace.ledger.Composition;
import java.nio.file.Path;
import java.time.InstantSource;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * What figures a call — the user's model table and rates, the deployment's intensity settings — shared by every command
 * that figures calls, so each builds the same {@link Composition} from the same flags.
 */
final class FigureOptions {

  @Option(names = "--model-table", paramLabel = "FILE", description = "Provider-documented model sizes (EcoLogits models.csv layout).")
  Path modelTable;

  @Option(names = "--rates", paramLabel = "FILE", description = "Per-model rates, CSV model,wh_per_1k_tokens (* = any model).")
  Path rates;

  @Mixin
  DeploymentOptions deployment;

  /** The composition root these flags configure, sealing the ledger with {@code ledgerKey} (null: none). */
  Composition composition(byte[] ledgerKey) {
    return new Composition(modelTable, rates, deployment.settings(), InstantSource.system(), ledgerKey);
  }
}
