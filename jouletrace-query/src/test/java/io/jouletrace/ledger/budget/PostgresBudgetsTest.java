package io.jouletrace.ledger.budget;

import io.jouletrace.ledger.store.PostgresServer;
import io.jouletrace.ledger.store.PostgresStore;
import io.jouletrace.ledger.store.Store;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The budget contract on PostgreSQL (a private cluster, or {@code JOULETRACE_TEST_POSTGRES}): the same SQL as DuckDB. */
class PostgresBudgetsTest extends BudgetsContractTest {

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
}
