package io.jouletrace.cli;

import io.jouletrace.ledger.Ledger;
import io.jouletrace.ledger.store.DuckDbStore;
import io.jouletrace.ledger.store.PostgresStore;
import io.jouletrace.ledger.store.Store;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where the ledger is and how it is sealed: shared by every command that reads or writes it. */
final class LedgerOptions {

  static final String KEY_ENV = "JOULETRACE_LEDGER_KEY";

  @Option(names = "--data", paramLabel = "DIR", defaultValue = "${env:JOULETRACE_DATA:-jouletrace-data}",
      description = "Data directory of the embedded ledger (default ${DEFAULT-VALUE}; env JOULETRACE_DATA).")
  Path data;

  @Option(names = "--store", paramLabel = "URL",
      description = "Use a PostgreSQL ledger instead of the embedded one: postgresql://user[:password]@host:port/db.")
  String store;

  @Option(names = "--ledger-key-file", paramLabel = "FILE",
      description = "HMAC key sealing the chain (or env " + KEY_ENV + "); a ledger created with a key needs it ever after.")
  Path keyFile;

  Store openStore() {
    if (store != null) {
      if (store.startsWith("postgresql://") || store.startsWith("postgres://") || store.startsWith("jdbc:postgresql:")) {
        return PostgresStore.open(store);
      }
      throw new IllegalArgumentException("--store: expected postgresql://…, got " + store);
    }
    return DuckDbStore.open(data);
  }

  /** The ledger, figuring with the bundled catalog and the series stored in it. */
  Ledger open() {
    return Ledger.open(openStore(), key());
  }

  private byte[] key() {
    try {
      if (keyFile != null) return Files.readString(keyFile).strip().getBytes(StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("--ledger-key-file: cannot read " + keyFile, e);
    }
    String fromEnv = System.getenv(KEY_ENV);
    return fromEnv == null || fromEnv.isBlank() ? null : fromEnv.strip().getBytes(StandardCharsets.UTF_8);
  }
}
