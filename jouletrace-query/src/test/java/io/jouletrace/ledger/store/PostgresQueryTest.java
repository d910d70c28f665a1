package io.jouletrace.ledger.store;

import io.jouletrace.ledger.budget.BudgetsContractTest;
import io.jouletrace.ledger.report.ReportsContractTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The report and budget contracts on PostgreSQL (a private cluster, or {@code JOULETRACE_TEST_POSTGRES}): the same SQL as DuckDB. */
class PostgresQueryTest {

  @RegisterExtension
  static final PostgresServer POSTGRES = new PostgresServer();

  private String url;

  @BeforeEach
  void freshDatabase() {
    url = POSTGRES.newDatabase();
  }

  @Nested
  class Reports extends ReportsContractTest {
    @Override
    protected Store openStore() {
      return PostgresStore.open(url);
    }

    @Override
    protected void sql(String statement) {
      PostgresServer.execute(url, statement);
    }
  }

  @Nested
  class Budgets extends BudgetsContractTest {
    @Override
    protected Store openStore() {
      return PostgresStore.open(url);
    }
  }
}
