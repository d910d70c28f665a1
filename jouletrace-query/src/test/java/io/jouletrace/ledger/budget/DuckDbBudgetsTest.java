package io.jouletrace.ledger.budget;

import io.jouletrace.ledger.store.DuckDbStore;
import io.jouletrace.ledger.store.Store;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The budget contract on the embedded DuckDB store. */
class DuckDbBudgetsTest extends BudgetsContractTest {

  @TempDir
  Path dir;

  @Override
  protected Store openStore() {
    return DuckDbStore.open(dir);
  }
}
