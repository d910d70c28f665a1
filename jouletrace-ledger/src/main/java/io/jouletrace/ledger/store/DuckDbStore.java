package io.jouletrace.ledger.store;

import io.jouletrace.core.record.InvocationRecord;
import io.jouletrace.ledger.entry.LedgerEntry;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * The embedded default: one DuckDB file, {@code <data dir>/ledger.duckdb}. Rows go in as one CSV file per
 * batch, read by DuckDB inside the writer's transaction; a commit makes them durable (DuckDB's WAL).
 */
public final class DuckDbStore extends JdbcStore {

  public static final String FILE_NAME = "ledger.duckdb";

  /**
   * DuckDB's own default is 80 % of the machine's RAM: a 10-minute gateway soak grew serve's RSS to 1.75 GB with it
   * (issue 23). Past the limit DuckDB's large operators spill to disk (https://duckdb.org/docs/stable/configuration/overview).
   */
  public static final String DEFAULT_MEMORY_LIMIT = "256MB";

  private final Path file;

  private DuckDbStore(DuckDBConnection connection, Path file) {
    super(connection, "duckdb");
    this.file = file;
  }

  /** Opens (creating if needed) the ledger under {@code dataDirectory}, bounded by {@link #DEFAULT_MEMORY_LIMIT}. */
  public static DuckDbStore open(Path dataDirectory) {
    return open(dataDirectory, DEFAULT_MEMORY_LIMIT);
  }

  /**
   * Opens (creating if needed) the ledger under {@code dataDirectory}, its memory bounded by {@code memoryLimit} (DuckDB's
   * {@code memory_limit}: a size such as {@code 512MB} or {@code 2GiB}).
   *
   * @throws IllegalArgumentException when DuckDB refuses {@code memoryLimit}
   */
  public static DuckDbStore open(Path dataDirectory, String memoryLimit) {
    Path file = dataDirectory.resolve(FILE_NAME);
    try {
      Files.createDirectories(dataDirectory);
      DuckDBConnection connection = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:" + file.toAbsolutePath());
      try (Statement st = connection.createStatement()) {
        // Scans order by seq explicitly, so bulk loads need not keep row order: lets read_csv insert in parallel.
        st.execute("SET preserve_insertion_order = false");
        // The default 16 MB threshold checkpoints on nearly every batch commit (69 % of the committer's time in a
        // profile); 1 GB measured 25–30 % faster ingest. Commits stay durable through the WAL either way.
        st.execute("SET checkpoint_threshold = '1GB'");
        // DuckDB 2.0.0.1's compressed materialization narrows sums by their statistics before an ORDER BY and reads
        // them back with the wrong sign: a grouped sum of 200 came back as -56 (LedgerContractTest pins it).
        st.execute("SET disabled_optimizers = 'compressed_materialization'");
        setMemoryLimit(connection, st, memoryLimit);
      }
      return new DuckDbStore(connection, file);
    } catch (java.io.IOException | SQLException e) {
      throw new StoreException("cannot open the DuckDB ledger " + file, e);
    }
  }

  private static void setMemoryLimit(DuckDBConnection connection, Statement st, String memoryLimit) throws SQLException {
    try {
      st.execute("SET memory_limit = '" + memoryLimit.replace("'", "''") + "'");
    } catch (SQLException e) {
      connection.close();
      throw new IllegalArgumentException("memory limit '" + memoryLimit + "': " + e.getMessage(), e);
    }
  }

  private DuckDBConnection duck() {
    return (DuckDBConnection) connection;
  }

  @Override
  public synchronized String describe() {
    return file == null ? "DuckDB" : "DuckDB " + file;
  }

  @Override
  public synchronized Map<Candidate, LedgerEntry> stored(Collection<Candidate> candidates) {
    return lookUp(candidates, SELECT_ENTRY, JdbcStore::readEntry, LedgerEntry::record);
  }

  @Override
  public synchronized Map<Candidate, StoredRecord> storedRecords(Collection<Candidate> candidates) {
    return lookUp(candidates, SELECT_RECORD, rs -> new StoredRecord(rs.getLong(1), readRecord(rs, RECORD_COLUMNS.size() + 1)), StoredRecord::record);
  }

  /** One row of a lookup's answer. */
  private interface RowReader<T> {
    T read(ResultSet rs) throws SQLException;
  }

  /** The rows of {@code select} (over {@code ledger_records r}) whose (tenant, id) is one of {@code candidates}. */
  private <T> Map<Candidate, T> lookUp(Collection<Candidate> candidates, String select, RowReader<T> reader,
      Function<T, InvocationRecord> recordOf) {
    Map<Candidate, T> found = new HashMap<>();
    if (candidates.isEmpty()) return found;
    try (Statement st = connection.createStatement()) {
      // A hash join of the batch's candidates against the fingerprint column: one scan, however many candidates.
      st.execute("CREATE TEMP TABLE IF NOT EXISTS jt_candidates (fp BIGINT, id VARCHAR, tenant VARCHAR)");
      st.execute("DELETE FROM jt_candidates");
      try (DuckDBAppender appender = duck().createAppender("temp", "main", "jt_candidates")) {
        for (Candidate c : candidates) {
          appender.beginRow().append(c.fingerprint()).append(c.id());
          (c.tenant() == null ? appender.appendNull() : appender.append(c.tenant())).endRow();
        }
      }
      try (ResultSet rs = st.executeQuery(select
          + " JOIN jt_candidates c ON r.id_fp = c.fp AND r.id = c.id AND r.tenant IS NOT DISTINCT FROM c.tenant")) {
        while (rs.next()) {
          T row = reader.read(rs);
          found.put(Candidate.of(recordOf.apply(row)), row);
        }
      }
      connection.commit();
      return found;
    } catch (SQLException e) {
      rollbackQuietly();
      throw failure("look up " + candidates.size() + " possible duplicates", e);
    }
  }

  /**
   * Writes the batch as CSV beside the ledger and has DuckDB read it in the current transaction.
   * Its native CSV reader takes wide rows ~3× faster than the JDBC Appender, which pays a JNI
   * call per value (measured: 200 k rows of 45 columns, 63–107 k rows/s by Appender, 140–160 k
   * rows/s by CSV including writing it; see docs/benchmarks.md).
   */
  @Override
  void load(String table, long expectedRows, RowWriter writer) throws SQLException {
    if (expectedRows == 0) return;
    Path batch = file.resolveSibling(FILE_NAME + ".batch.csv");
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(batch), 1 << 16)) {
      TextRows rows = new TextRows(TextRows.Format.DUCKDB_CSV, (bytes, offset, length) -> {
        try {
          out.write(bytes, offset, length);
        } catch (IOException e) {
          throw new SQLException("cannot write " + batch + ": " + e.getMessage(), e);
        }
      });
      writer.write(rows);
      rows.flush();
    } catch (IOException e) {
      throw new SQLException("cannot write " + batch + ": " + e.getMessage(), e);
    }
    try (Statement st = connection.createStatement()) {
      st.execute("INSERT INTO " + table + " SELECT * FROM read_csv('" + batch.toAbsolutePath().toString().replace("'", "''")
          + "', header = false, auto_detect = false, delim = ',', quote = '\"', escape = '\"', nullstr = '\\N',"
          + " allow_quoted_nulls = false, timestampformat = '%Y-%m-%d %H:%M:%S.%f', columns = " + columnTypes(table) + ")");
    } finally {
      try {
        Files.deleteIfExists(batch);
      } catch (IOException ignored) {
        // A leftover batch file is overwritten by the next batch.
      }
    }
  }

  private final java.util.Map<String, String> columnTypes = new java.util.HashMap<>();

  /** {@code {'seq': 'BIGINT', …}} in table order, read from the catalog once per table. */
  private String columnTypes(String table) throws SQLException {
    String known = columnTypes.get(table);
    if (known != null) return known;
    StringBuilder spec = new StringBuilder("{");
    try (Statement st = connection.createStatement();
        ResultSet rs = st.executeQuery("SELECT column_name, data_type FROM information_schema.columns WHERE table_name = '" + table
            + "' ORDER BY ordinal_position")) {
      while (rs.next()) spec.append(spec.length() > 1 ? ", " : "").append('\'').append(rs.getString(1)).append("': '").append(rs.getString(2)).append('\'');
    }
    String result = spec.append('}').toString();
    columnTypes.put(table, result);
    return result;
  }
}
