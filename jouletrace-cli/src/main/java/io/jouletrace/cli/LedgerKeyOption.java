package io.jouletrace.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The deployment's ledger key: it seals a ledger's chain (HMAC) and signs a cluster's sealed roots. */
final class LedgerKeyOption {

  static final String KEY_ENV = "JOULETRACE_LEDGER_KEY";

  @Option(names = "--ledger-key-file", paramLabel = "FILE",
      description = "HMAC key sealing the chain and signing a cluster's roots (or env " + KEY_ENV + "); a ledger created with a key "
          + "needs it ever after.")
  Path keyFile;

  /** The key from the file, else from the environment; null when neither gives one. */
  byte[] key() {
    try {
      if (keyFile != null) return Files.readString(keyFile).strip().getBytes(StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("--ledger-key-file: cannot read " + keyFile, e);
    }
    String fromEnv = System.getenv(KEY_ENV);
    return fromEnv == null || fromEnv.isBlank() ? null : fromEnv.strip().getBytes(StandardCharsets.UTF_8);
  }
}
