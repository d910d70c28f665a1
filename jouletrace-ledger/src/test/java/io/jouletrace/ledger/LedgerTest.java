package io.jouletrace.ledger;

import io.jouletrace.ledger.store.DuckDbStore;
import io.jouletrace.ledger.store.Store;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import org.junit.jupiter.api.io.TempDir;

/** The ledger's contract on the embedded DuckDB store. */
public class LedgerTest extends LedgerContractTest {

  @TempDir
  Path dir;

  @Override
  protected Store openStore() {
    return DuckDbStore.open(dir);
  }

  @Override
  protected void sql(String statement) throws Exception {
    execute(dir, statement);
  }

  /** Runs one SQL statement directly against the DuckDB ledger in {@code dir}. */
  public static void execute(Path dir, String statement) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + dir.resolve(DuckDbStore.FILE_NAME)); Statement st = c.createStatement()) {
      st.execute(statement);
    }
  }
}
