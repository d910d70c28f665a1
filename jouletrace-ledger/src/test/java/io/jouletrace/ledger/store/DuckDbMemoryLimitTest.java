package io.jouletrace.ledger.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded store's memory is bounded (issue 23): DuckDB's own default is 80 % of the machine's RAM. */
class DuckDbMemoryLimitTest {

  @TempDir
  Path dir;

  private static String memoryLimit(DuckDbStore store) throws SQLException {
    try (Statement st = store.connection.createStatement(); ResultSet rs = st.executeQuery("SELECT current_setting('memory_limit')")) {
      rs.next();
      return rs.getString(1);
    }
  }

  @Test
  void the_default_open_bounds_duckdb_to_the_default_limit() throws SQLException {
    try (DuckDbStore store = DuckDbStore.open(dir)) {
      // DuckDB reads 256MB as 256·10⁶ bytes and shows it in MiB.
      assertThat(memoryLimit(store)).isEqualTo("244.1 MiB");
    }
  }

  @Test
  void a_given_limit_is_what_duckdb_reports() throws SQLException {
    try (DuckDbStore store = DuckDbStore.open(dir, "1GiB")) {
      assertThat(memoryLimit(store)).isEqualTo("1.0 GiB");
    }
  }

  @Test
  void a_limit_duckdb_cannot_read_is_refused_naming_it() {
    assertThatThrownBy(() -> DuckDbStore.open(dir, "plenty"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("memory limit 'plenty': ");
    // The refused open released the file: it opens again.
    DuckDbStore.open(dir).close();
  }
}
