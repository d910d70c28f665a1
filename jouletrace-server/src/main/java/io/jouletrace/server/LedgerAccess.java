package io.jouletrace.server;

import java.util.function.Supplier;

/** Runs work with the ledger to itself: its store is one connection (docs/server.md). */
interface LedgerAccess {
  <T> T withLedger(Supplier<T> work);
}
