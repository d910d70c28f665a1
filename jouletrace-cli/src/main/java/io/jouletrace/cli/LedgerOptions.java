package io.jouletrace.cli;

import io.jouletrace.ledger.Composition;
import io.jouletrace.ledger.Ledger;
import io.jouletrace.ledger.store.DuckDbStore;
import io.jouletrace.ledger.store.PostgresStore;
import io.jouletrace.ledger.store.Store;
import io.jouletrace.ledger.store.StoreException;
import io.jouletrace.server.ApiKeys;
import java.nio.file.Path;
import java.util.Optional;
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

  @Option(names = "--store-memory-limit", paramLabel = "SIZE",
      defaultValue = "${env:JOULETRACE_STORE_MEMORY_LIMIT:-" + DuckDbStore.DEFAULT_MEMORY_LIMIT + "}",
      description = "Memory the embedded ledger (DuckDB) may hold, e.g. 512MB or 2GiB; past it DuckDB spills to disk"
          + " (default ${DEFAULT-VALUE}; env JOULETRACE_STORE_MEMORY_LIMIT). A PostgreSQL ledger ignores it.")
  String storeMemoryLimit = DuckDbStore.DEFAULT_MEMORY_LIMIT; // also for options made in code, which picocli never fills

  @Mixin
  LedgerKeyOption ledgerKey;

  Store openStore() {
    if (store != null) {
      if (store.startsWith("postgresql://") || store.startsWith("postgres://") || store.startsWith("jdbc:postgresql:")) {
        return PostgresStore.open(store);
      }
      throw new IllegalArgumentException("--store: expected postgresql://…, got " + store);
    }
    ServeLock.find(data).ifPresent(holder -> {
      throw LedgerHeldException.notThroughApi(holder);
    });
    try {
      return DuckDbStore.open(data, storeMemoryLimit);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--store-memory-limit: " + e.getMessage(), e);
    } catch (StoreException e) {
      if (duckDbLockRefused(e)) throw LedgerHeldException.lockedByAnotherProcess(data);
      throw e;
    }
  }

  /**
   * The running {@code serve} that holds the embedded ledger, to go through with the admin key from the environment; empty
   * when none holds it (a PostgreSQL ledger takes several connections, so it is never held).
   *
   * @throws LedgerHeldException when a server holds it and no admin key is set
   */
  Optional<ServerApi> server() {
    if (store != null) return Optional.empty();
    Optional<ServeLock.Holder> holder = ServeLock.find(data);
    if (holder.isEmpty()) return Optional.empty();
    String adminKey = System.getenv(ApiKeys.ADMIN_KEY_ENV);
    if (adminKey == null || adminKey.isBlank()) throw LedgerHeldException.needsAdminKey(holder.get());
    return Optional.of(new ServerApi(holder.get(), adminKey.strip()));
  }

  /** Whether DuckDB refused the file because another process has it open (its IO error "Could not set lock on file"). */
  private static boolean duckDbLockRefused(Throwable e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause.getMessage() != null && cause.getMessage().contains("Could not set lock on file")) return true;
    }
    return false;
  }

  /** The ledger, figuring with the bundled catalog, the series stored in it and the deployment settings of the environment. */
  Ledger open() {
    return Composition.fromEnvironment(ledgerKey.key()).open(openStore());
  }

  /** The ledger, figuring with the composition root of {@code figuring}'s flags (model table, rates, deployment settings). */
  Ledger open(FigureOptions figuring) {
    return figuring.composition(ledgerKey.key()).open(openStore());
  }
}
