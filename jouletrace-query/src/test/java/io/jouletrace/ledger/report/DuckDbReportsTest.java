package io.jouletrace.ledger.report;

import io.jouletrace.ledger.LedgerTest;
import io.jouletrace.ledger.store.DuckDbStore;
import io.jouletrace.ledger.store.Store;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The report contract on the embedded DuckDB store. */
class DuckDbReportsTest extends ReportsContractTest {

  @TempDir
  Path dir;

  @Override
  protected Store openStore() {
    return DuckDbStore.open(dir);
  }

  @Override
  protected void sql(String statement) throws Exception {
    LedgerTest.execute(dir, statement);
  }
}
