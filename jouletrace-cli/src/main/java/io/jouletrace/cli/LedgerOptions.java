package io.jouletrace.cli;

import io.jouletrace.catalog.DeploymentSettings;
import io.jouletrace.ledger.Ledger;
import io.jouletrace.ledger.store.DuckDbStore;
import io.jouletrace.ledger.store.PostgresStore;
import io.jouletrace.ledger.store.Store;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Where the ledger is and how it is sealed: shared by every command that reads or writes it. */
final class LedgerOptions {

  @Option(names = "--data", paramLabel = "DIR", defaultValue = "${env:JOULETRACE_DATA:-jouletrace-data}",
      description = "Data directory of the embedded ledger (default ${DEFAULT-VALUE}; env JOULETRACE_DATA).")
  Path data;

  @Option(names = "--store", paramLabel = "URL",
      description = "Use a PostgreSQL ledger instead of the embedded one: postgresql://user[:password]@host:port/db.")
  String store;

  @Mixin
  LedgerKeyOption ledgerKey;

  Store openStore() {
    if (store != null) {
      if (store.startsWith("postgresql://") || store.startsWith("postgres://") || store.startsWith("jdbc:postgresql:")) {
        return PostgresStore.open(store);
      }
      throw new IllegalArgumentException("--store: expected postgresql://…, got " + store);
    }
    return DuckDbStore.open(data);
  }

  /** The ledger, figuring with the bundled catalog, the series stored in it and the deployment settings of the environment. */
  Ledger open() {
    return Ledger.open(openStore(), DeploymentSettings.fromEnvironment(), ledgerKey.key());
  }

  /** The ledger, figuring with the deployment settings of {@code deployment}'s flags (else the environment). */
  Ledger open(DeploymentOptions deployment) {
    return Ledger.open(openStore(), deployment.settings(), ledgerKey.key());
  }
}
