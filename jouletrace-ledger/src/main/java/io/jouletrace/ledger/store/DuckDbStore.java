package io.jouletrace.ledger.store;

import io.jouletrace.core.record.InvocationRecord;
import io.jouletrace.ledger.FigureSet;
import io.jouletrace.ledger.LedgerEntry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * The embedded default: one DuckDB file, {@code <data dir>/ledger.duckdb}. Rows go in through one
 * Appender per batch inside the writer's transaction; a commit makes them durable (DuckDB's WAL).
 */
public final class DuckDbStore extends JdbcStore {

  public static final String FILE_NAME = "ledger.duckdb";

  private final Path file;

  private DuckDbStore(DuckDBConnection connection, Path file) {
    super(connection, "duckdb");
    this.file = file;
  }

  /** Opens (creating if needed) the ledger under {@code dataDirectory}. */
  public static DuckDbStore open(Path dataDirectory) {
    Path file = dataDirectory.resolve(FILE_NAME);
    try {
      Files.createDirectories(dataDirectory);
      return new DuckDbStore((DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:" + file.toAbsolutePath()), file);
    } catch (java.io.IOException | SQLException e) {
      throw new StoreException("cannot open the DuckDB ledger " + file, e);
    }
  }

  private DuckDBConnection duck() {
    return (DuckDBConnection) connection;
  }

  @Override
  public String describe() {
    return file == null ? "DuckDB" : "DuckDB " + file;
  }

  @Override
  public Set<String> existingIds(Collection<Candidate> candidates) {
    Set<String> found = new HashSet<>();
    if (candidates.isEmpty()) return found;
    try (Statement st = connection.createStatement()) {
      // A hash join of the batch's candidates against the fingerprint column: one scan, however many candidates.
      st.execute("CREATE TEMP TABLE IF NOT EXISTS jt_candidates (fp BIGINT, id VARCHAR)");
      st.execute("DELETE FROM jt_candidates");
      try (DuckDBAppender appender = duck().createAppender("temp", "main", "jt_candidates")) {
        for (Candidate c : candidates) appender.beginRow().append(c.fingerprint()).append(c.id()).endRow();
      }
      try (ResultSet rs = st.executeQuery(
          "SELECT r.id FROM ledger_records r JOIN jt_candidates c ON r.id_fp = c.fp AND r.id = c.id")) {
        while (rs.next()) found.add(rs.getString(1));
      }
      connection.commit();
      return found;
    } catch (SQLException e) {
      rollbackQuietly();
      throw failure("look up " + candidates.size() + " possible duplicates", e);
    }
  }

  @Override
  void bulkAppend(Collection<LedgerEntry> entries) throws SQLException {
    try (DuckDBAppender appender = duck().createAppender(DuckDBConnection.DEFAULT_SCHEMA, "ledger_records")) {
      for (LedgerEntry entry : entries) {
        InvocationRecord r = entry.record();
        appender.beginRow()
            .append(entry.seq()).append(r.id()).append(Fingerprint.of(r.id())).appendEpochMicros(epochMicros(r.timestamp()))
            .append(r.tenant()).append(r.team()).append(r.costCenter()).append(r.traceId())
            .append(r.provider()).append(r.model()).append(r.operation().code())
            .append(r.inputTokens()).append(r.outputTokens()).append(r.reasoningTokens()).append(r.cachedInputTokens())
            .append(r.latencySeconds()).append(r.zone()).append(r.region()).append(r.intensityGramsPerKwh())
            .append(entry.sourceRef());
        appendFigures(appender, entry.figures());
        appender.append(entry.hash()).endRow();
      }
    }
  }

  @Override
  void bulkAppendFigureSets(Collection<StoredFigureSet> figureSets) throws SQLException {
    try (DuckDBAppender appender = duck().createAppender(DuckDBConnection.DEFAULT_SCHEMA, "ledger_figure_sets")) {
      for (StoredFigureSet set : figureSets) {
        appender.beginRow().append(set.id()).append(set.seq());
        appendFigures(appender, set.figures());
        appender.append(set.hash()).endRow();
      }
    }
  }

  private static void appendFigures(DuckDBAppender appender, FigureSet f) throws SQLException {
    appender.append(f.methodologyVersion()).append(f.modelResolved()).append(f.modelSource()).append(f.modelBand());
    for (FigureSet.Amount amount : new FigureSet.Amount[] {f.energyJoules(), f.carbonGrams(), f.embodiedCarbonGrams(), f.waterLitres()}) {
      if (amount == null) {
        appender.appendNull().appendNull().appendNull().appendNull();
      } else {
        appender.append(amount.low()).append(amount.high()).append(amount.tier()).append(amount.band());
      }
    }
    appender.append(f.intensityGramsPerKwh()).append(f.intensitySource()).append(f.intensityZone()).append(f.nullReasons());
  }
}
