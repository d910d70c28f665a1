package io.jouletrace.ledger.store;

import io.jouletrace.ledger.LedgerTest;
import io.jouletrace.ledger.budget.BudgetsContractTest;
import io.jouletrace.ledger.report.ReportsContractTest;
import java.nio.file.Path;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.io.TempDir;

/** The report and budget contracts on the embedded DuckDB store. */
class DuckDbQueryTest {

  @TempDir
  Path dir;

  @Nested
  class Reports extends ReportsContractTest {
    @Override
    protected Store openStore() {
      return DuckDbStore.open(dir);
    }

    @Override
    protected void sql(String statement) throws Exception {
      LedgerTest.execute(dir, statement);
    }
  }

  @Nested
  class Budgets extends BudgetsContractTest {
    @Override
    protected Store openStore() {
      return DuckDbStore.open(dir);
    }
  }
}
