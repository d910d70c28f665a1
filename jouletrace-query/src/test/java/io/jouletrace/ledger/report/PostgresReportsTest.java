package io.jouletrace.ledger.report;

import io.jouletrace.ledger.store.PostgresServer;
import io.jouletrace.ledger.store.PostgresStore;
import io.jouletrace.ledger.store.Store;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The report contract on PostgreSQL (a private cluster, or {@code JOULETRACE_TEST_POSTGRES}): the same SQL as DuckDB. */
class PostgresReportsTest extends ReportsContractTest {

  @RegisterExtension
  static final PostgresServer POSTGRES = new PostgresServer();

  private String url;

  @BeforeEach
  void freshDatabase() {
    url = POSTGRES.newDatabase();
  }

  @Override
  protected Store openStore() {
    return PostgresStore.open(url);
  }

  @Override
  protected void sql(String statement) {
    PostgresServer.execute(url, statement);
  }
}
