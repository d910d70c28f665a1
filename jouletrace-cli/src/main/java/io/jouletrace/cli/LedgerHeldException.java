package io.jouletrace.cli;

import io.jouletrace.server.ApiKeys;
import java.nio.file.Path;

/** The embedded ledger is open in another process (DuckDB allows one): one line saying which, and what to do. */
final class LedgerHeldException extends RuntimeException {

  /** Exit status of a command refused because another process holds the ledger. */
  static final int EXIT_CODE = 5;

  private LedgerHeldException(String message) {
    super(message);
  }

  /** Held by a running {@code serve} whose API this command can go through with the admin key. */
  static LedgerHeldException needsAdminKey(ServeLock.Holder holder) {
    return new LedgerHeldException(heldBy(holder) + "; set " + ApiKeys.ADMIN_KEY_ENV + " to go through it, or stop it");
  }

  /** Held by a running {@code serve} whose API does not cover this command. */
  static LedgerHeldException notThroughApi(ServeLock.Holder holder) {
    return new LedgerHeldException(heldBy(holder) + ", and this command cannot go through its API: stop the server first, or use its API "
        + "(docs/server.md)");
  }

  /** DuckDB refused to open the file: another process has it open and left no lock file naming a server. */
  static LedgerHeldException lockedByAnotherProcess(Path data) {
    return new LedgerHeldException("the ledger " + data + " is open in another process (DuckDB: could not set lock on file) that left no "
        + ServeLock.FILE_NAME + " naming a server to go through: stop it and try again");
  }

  private static String heldBy(ServeLock.Holder holder) {
    return "the ledger " + holder.data() + " is held by `jouletrace serve` at " + holder.url() + " (pid " + holder.pid() + ")";
  }
}
