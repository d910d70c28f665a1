package io.jouletrace.cli;

import io.jouletrace.core.methodology.Estimator;
import io.jouletrace.ledger.Composition;
import io.jouletrace.ledger.store.Store;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The ledger whose stored intensity series ({@code signals ingest}) figure calls that are not written to it
 * ({@code estimate}, {@code stream replay}), so they get the figures a record ingested now would; none by default.
 */
final class StoredSignalsOptions {

  @Option(names = "--data", paramLabel = "DIR",
      description = "Figure with the intensity series stored in this embedded ledger (`signals ingest`), as a record ingested now is.")
  Path data;

  @Option(names = "--store", paramLabel = "URL", description = "As --data, from a PostgreSQL ledger: postgresql://user[:password]@host:port/db.")
  String store;

  /** {@code composition}'s estimator, with the named ledger's stored series when one is named. */
  Estimator estimator(Composition composition) {
    if (data == null && store == null) return composition.estimator();
    if (data != null && store == null && !Files.isDirectory(data)) throw new IllegalArgumentException("--data: no ledger at " + data);
    LedgerOptions ledger = new LedgerOptions();
    ledger.data = data;
    ledger.store = store;
    try (Store opened = ledger.openStore()) {
      return composition.estimator(opened);
    }
  }
}
