package io.jouletrace.ledger.store;

import io.jouletrace.core.record.InvocationRecord;
import io.jouletrace.core.schema.RecordSchema;
import io.jouletrace.ledger.entry.FigureSet;
import io.jouletrace.ledger.entry.LedgerEntry;
import io.jouletrace.ledger.budget.Budget;
import io.jouletrace.ledger.chain.ChainHasher;
import io.jouletrace.ledger.chain.ChainRoot;
import io.jouletrace.ledger.report.PriceTable;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import io.jouletrace.core.attribution.MeterSample;
import io.jouletrace.core.figure.Tier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * What DuckDB and PostgreSQL share: the schema and its migrations, reading, meta data. Each
 * dialect brings its own bulk path (DuckDB's read_csv, PostgreSQL's COPY) and duplicate lookup.
 */
abstract class JdbcStore implements Store {

  /** Migrations in order; each a resource {@code migrations/V<n>__<name>.sql}, plus an optional per-dialect file. */
  private static final List<String> MIGRATIONS = List.of("V1__ledger", "V2__measured", "V3__reports", "V4__api_keys", "V5__budgets",
      "V6__budget_tenant", "V7__report_rollup", "V8__stream_aggregates", "V9__tenant_identity", "V10__api_key_revocation",
      "V11__figure_datasets", "V12__record_prices", "V13__model_requested", "V14__chains",
      "V15__report_model_requested");

  /**
   * Record columns in table order, from {@link RecordSchema#IN_ORDER} (with the id's fingerprint beside the id); both bulk
   * writers and {@link #readEntry} follow it.
   */
  static final List<String> RECORD_COLUMNS = recordColumns();

  /** The record's fields added later ({@link RecordSchema#TRAILING}), whose columns come last in ledger_records (V13 on). */
  static final List<String> TRAILING_COLUMNS = RecordSchema.TRAILING.stream().map(RecordSchema.Field::column).toList();

  /** Figure columns, shared by ledger_records (after the record columns) and ledger_figure_sets. */
  static final List<String> FIGURE_COLUMNS = List.of("methodology_version", "model_resolved", "model_source", "model_band",
      "energy_j_low", "energy_j_high", "energy_tier", "energy_band",
      "carbon_g_low", "carbon_g_high", "carbon_tier", "carbon_band",
      "embodied_g_low", "embodied_g_high", "embodied_tier", "embodied_band",
      "water_l_low", "water_l_high", "water_tier", "water_band",
      "intensity_used_g_per_kwh", "intensity_source", "intensity_zone", "null_reasons", "datasets");

  /** The stored list price, last in ledger_records (V12); read between the figures and the hash. */
  static final List<String> PRICE_COLUMNS = List.of("price_currency", "price_input_per_1m", "price_output_per_1m", "price_source",
      "price_as_of");

  /** The record's chain and its position there, last in ledger_records (V14); read after the price. */
  static final List<String> CHAIN_COLUMNS = List.of("chain", "chain_seq");

  static final String SELECT_ENTRY = "SELECT " + prefixed("r.", RECORD_COLUMNS) + ", " + prefixed("r.", FIGURE_COLUMNS)
      + ", " + prefixed("r.", PRICE_COLUMNS) + ", " + prefixed("r.", TRAILING_COLUMNS) + ", " + prefixed("r.", CHAIN_COLUMNS)
      + ", hash FROM ledger_records r";

  /** The record columns alone ({@link #readRecord}): a third of a row's text, for lookups that need no figures. */
  static final String SELECT_RECORD = "SELECT " + prefixed("r.", RECORD_COLUMNS) + ", " + prefixed("r.", TRAILING_COLUMNS)
      + " FROM ledger_records r";

  /** Replaced when a server store's connection breaks ({@link #reconnect}); every use is under the store's lock. */
  protected Connection connection;
  private final String dialect;

  JdbcStore(Connection connection, String dialect) {
    this.connection = connection;
    this.dialect = dialect;
    try {
      migrate();
      connection.setAutoCommit(false);
    } catch (SQLException | IOException e) {
      throw new StoreException("cannot prepare the " + dialect + " ledger schema at " + describe(), e);
    }
  }

  private void migrate() throws SQLException, IOException {
    try (Statement st = connection.createStatement()) {
      st.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER NOT NULL, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)");
      // By the version each name carries, not by list position: numbers are handed out per change, so a list may skip one.
      Set<Integer> applied = new HashSet<>();
      try (ResultSet rs = st.executeQuery("SELECT version FROM schema_migrations")) {
        while (rs.next()) applied.add(rs.getInt(1));
      }
      for (String name : MIGRATIONS) {
        int version = Integer.parseInt(name.substring(1, name.indexOf("__")));
        if (applied.contains(version)) continue;
        connection.setAutoCommit(false);
        for (String script : List.of(name + ".sql", name + "." + dialect + ".sql")) {
          String sql = resource("migrations/" + script);
          if (sql == null) continue;
          for (String statement : sql.replaceAll("(?m)--.*$", "").split(";")) {
            if (!statement.isBlank()) st.execute(statement);
          }
        }
        try (PreparedStatement ps = connection.prepareStatement("INSERT INTO schema_migrations VALUES (?, ?, ?)")) {
          ps.setInt(1, version);
          ps.setString(2, name);
          ps.setTimestamp(3, Timestamp.from(Instant.now()));
          ps.executeUpdate();
        }
        connection.commit();
        connection.setAutoCommit(true);
      }
    }
  }

  private static String resource(String path) throws IOException {
    try (InputStream in = JdbcStore.class.getResourceAsStream("/io/jouletrace/ledger/" + path)) {
      return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Override
  public synchronized Head head() {
    reviveIfBroken(); // a writer reads the head first after a failure: the place to come back after the database did
    try (Statement st = connection.createStatement();
        ResultSet rs = st.executeQuery("SELECT seq, hash FROM ledger_records ORDER BY seq DESC LIMIT 1")) {
      Head head = rs.next() ? new Head(rs.getLong(1), rs.getString(2)) : new Head(0, ChainHasher.GENESIS);
      connection.commit();
      return head;
    } catch (SQLException e) {
      throw failure("read the ledger head", e);
    }
  }

  @Override
  public synchronized void forEachFingerprint(LongConsumer fingerprints) {
    query("read id fingerprints", "SELECT id_fp FROM ledger_records", rs -> fingerprints.accept(rs.getLong(1)));
  }

  @Override
  public synchronized void append(Collection<LedgerEntry> entries) {
    if (entries.isEmpty()) return;
    transaction("append " + entries.size() + " records", () -> {
      load("ledger_records", entries.size(), rows -> writeRecordRows(entries, rows));
      moveChainHeads(entries);
    });
  }

  @Override
  public synchronized List<LedgerEntry> appendNext(List<LedgerEntry> entries) {
    if (entries.isEmpty()) return List.of();
    List<LedgerEntry> numbered = new ArrayList<>(entries.size());
    transaction("append " + entries.size() + " records", () -> {
      long seq = lockForAppend();
      for (LedgerEntry entry : entries) numbered.add(entry.at(++seq));
      load("ledger_records", numbered.size(), rows -> writeRecordRows(numbered, rows));
      moveChainHeads(numbered);
    });
    return numbered;
  }

  /**
   * Takes the ledger's append lock for the current transaction and returns the last seq stored. The embedded store has
   * one process (DuckDB's file lock) and the store's own monitor; PostgreSQL adds an advisory lock.
   */
  long lockForAppend() throws SQLException {
    // As head() reads it: DuckDB's top-N took 3 ms over 10 M rows where max(seq) took 10 ms; PostgreSQL reads the seq index.
    try (Statement st = connection.createStatement();
        ResultSet rs = st.executeQuery("SELECT seq FROM ledger_records ORDER BY seq DESC LIMIT 1")) {
      return rs.next() ? rs.getLong(1) : 0;
    }
  }

  /** Moves each chain's head in {@code ledger_chains} to its last entry here, in the current transaction. */
  private void moveChainHeads(Collection<LedgerEntry> entries) throws SQLException {
    Map<String, LedgerEntry> last = new java.util.LinkedHashMap<>();
    for (LedgerEntry entry : entries) last.put(entry.chain(), entry);
    try (PreparedStatement delete = connection.prepareStatement("DELETE FROM ledger_chains WHERE chain = ?");
        PreparedStatement insert = connection.prepareStatement("INSERT INTO ledger_chains VALUES (?, ?, ?)")) {
      for (LedgerEntry head : last.values()) {
        bind(delete, List.of(head.chain()));
        delete.executeUpdate();
        bind(insert, List.of(head.chain(), head.chainSeq(), head.hash()));
        insert.executeUpdate();
      }
    }
  }

  @Override
  public synchronized Head chainHead(String chain) {
    reviveIfBroken(); // as head(): a writer reads its chain's head first after a failure
    Head[] head = {new Head(0, ChainHasher.GENESIS)};
    select("read the head of chain '" + chain + "'", "SELECT coalesce(chain_seq, seq), hash FROM ledger_records WHERE coalesce(chain, '') = ?"
        + " ORDER BY coalesce(chain_seq, seq) DESC LIMIT 1", List.of(chain), rs -> head[0] = new Head(rs.getLong(1), rs.getString(2)));
    return head[0];
  }

  @Override
  public synchronized List<ChainRoot.Head> chainHeads() {
    List<ChainRoot.Head> heads = new ArrayList<>();
    select("read the chains' heads", "SELECT chain, seq, hash FROM ledger_chains", List.of(),
        rs -> heads.add(new ChainRoot.Head(rs.getString(1), rs.getLong(2), rs.getString(3))));
    // Sorted here, not in SQL: the two stores' collations could order names differently, and a root's order is fixed.
    heads.sort(Comparator.comparing(ChainRoot.Head::chain));
    return heads;
  }

  @Override
  public synchronized void appendRoot(StoredRoot root) {
    changeRows("store a root", "INSERT INTO ledger_roots VALUES (?, ?, ?, ?)",
        Arrays.asList(root.at(), root.root(), root.heads(), root.signature()));
  }

  @Override
  public synchronized List<StoredRoot> roots() {
    return roots("read the roots", "");
  }

  @Override
  public synchronized Optional<StoredRoot> latestRoot() {
    return roots("read the latest root", " DESC LIMIT 1").stream().findFirst();
  }

  private List<StoredRoot> roots(String what, String order) {
    List<StoredRoot> found = new ArrayList<>();
    select(what, "SELECT sealed_at, root, heads, signature FROM ledger_roots ORDER BY sealed_at" + order, List.of(),
        rs -> found.add(new StoredRoot(instant(rs.getObject(1, LocalDateTime.class)), rs.getString(2), rs.getString(3), rs.getString(4))));
    return found;
  }

  @Override
  public synchronized void appendFigureSets(Collection<StoredFigureSet> figureSets) {
    if (figureSets.isEmpty()) return;
    transaction("append " + figureSets.size() + " figure sets",
        () -> load("ledger_figure_sets", figureSets.size(), rows -> writeFigureSetRows(figureSets, rows)));
  }

  @Override
  public synchronized List<LedgerEntry> entries(String id) {
    List<LedgerEntry> found = new ArrayList<>();
    select("read record " + id, SELECT_ENTRY + " WHERE r.id_fp = ? AND r.id = ? ORDER BY r.seq", List.of(Fingerprint.of(id), id),
        rs -> found.add(readEntry(rs)));
    return found;
  }

  @Override
  public synchronized List<StoredFigureSet> figureSets(long seq) {
    List<StoredFigureSet> found = new ArrayList<>();
    select("read the figure sets of seq " + seq, "SELECT id, seq, " + String.join(", ", FIGURE_COLUMNS) + ", attribution_run, hash"
        + " FROM ledger_figure_sets WHERE seq = ? ORDER BY methodology_version", List.of(seq),
        rs -> found.add(new StoredFigureSet(rs.getString(1), rs.getLong(2), readFigures(rs, 3), rs.getString(3 + FIGURE_COLUMNS.size()),
            rs.getString(4 + FIGURE_COLUMNS.size()))));
    return found;
  }

  @Override
  public synchronized void addApiKey(ApiKey key) {
    transaction("store an API key", () -> load("api_keys", 1, rows -> rows.text(key.sha256()).text(key.role()).text(key.tenant())
        .text(key.label()).timestamp(key.createdAt()).text(key.team()).text(key.costCenter()).nul().endRow()));
  }

  @Override
  public synchronized boolean hasApiKeys() {
    boolean[] any = {false};
    select("count API keys", "SELECT 1 FROM api_keys LIMIT 1", List.of(), rs -> any[0] = true);
    return any[0];
  }

  private static final String SELECT_API_KEYS = "SELECT key_sha256, role, tenant, label, created_at, team, cost_center, revoked_at FROM api_keys";

  @Override
  public synchronized Optional<ApiKey> apiKey(String sha256) {
    return apiKeys("look up an API key", " WHERE key_sha256 = ?", List.of(sha256)).stream().findFirst();
  }

  @Override
  public synchronized List<ApiKey> apiKeys() {
    return apiKeys("list API keys", " ORDER BY created_at, key_sha256", List.of());
  }

  private List<ApiKey> apiKeys(String what, String where, List<Object> parameters) {
    List<ApiKey> found = new ArrayList<>();
    select(what, SELECT_API_KEYS + where, parameters, rs -> {
      LocalDateTime revoked = rs.getObject(8, LocalDateTime.class);
      found.add(new ApiKey(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), instant(rs.getObject(5, LocalDateTime.class)),
          rs.getString(6), rs.getString(7), revoked == null ? null : instant(revoked)));
    });
    return found;
  }

  @Override
  public synchronized boolean revokeApiKey(String sha256, Instant at) {
    return changeRows("revoke an API key", "UPDATE api_keys SET revoked_at = ? WHERE key_sha256 = ? AND revoked_at IS NULL",
        List.of(at, sha256)) > 0;
  }

  @Override
  public synchronized boolean hasAttributionRun(String runId) {
    boolean[] found = {false};
    query("look up attribution run " + runId, "SELECT 1 FROM attribution_runs WHERE run_id = " + literal(runId), rs -> found[0] = true);
    return found[0];
  }

  @Override
  public synchronized void appendAttributionRun(AttributionRun run, List<MeterSample> samples, List<String> spans,
      Collection<StoredFigureSet> figureSets) {
    transaction("store attribution run " + run.runId(), () -> {
      load("attribution_runs", 1, rows -> rows.text(run.runId()).text(run.inputsSha256()).text(run.options())
          .number(run.samples()).number(run.spans()).timestamp(run.createdAt()).endRow());
      load("attribution_samples", samples.size(), rows -> {
        long ord = 0;
        for (MeterSample s : samples) {
          rows.text(run.runId()).number(ord++).text(s.resource()).number(epochNanos(s.time())).text(s.kind().name())
              .number(s.isMissing() ? null : s.value()).endRow();
        }
      });
      load("attribution_spans", spans.size(), rows -> {
        long ord = 0;
        for (String span : spans) rows.text(run.runId()).number(ord++).text(span).endRow();
      });
      load("ledger_figure_sets", figureSets.size(), rows -> writeFigureSetRows(figureSets, rows));
    });
  }

  @Override
  public synchronized Optional<AttributionRun> attributionRun(String runId) {
    List<AttributionRun> found = new ArrayList<>();
    query("read attribution run " + runId, "SELECT run_id, inputs_sha256, options, samples, spans, created_at FROM attribution_runs"
        + " WHERE run_id = " + literal(runId), rs -> found.add(new AttributionRun(rs.getString(1), rs.getString(2), rs.getString(3),
            rs.getLong(4), rs.getLong(5), instant(rs.getObject(6, LocalDateTime.class)))));
    return found.stream().findFirst();
  }

  @Override
  public synchronized void readAttributionInputs(String runId, Consumer<MeterSample> samples, Consumer<String> spans) {
    query("read the meter samples of attribution run " + runId, "SELECT resource, t_ns, kind, value FROM attribution_samples WHERE run_id = "
        + literal(runId) + " ORDER BY ord", rs -> {
          Instant time = ofEpochNanos(rs.getLong(2));
          MeterSample.Kind kind = MeterSample.Kind.valueOf(rs.getString(3));
          double value = rs.getDouble(4);
          samples.accept(rs.wasNull() ? MeterSample.missing(rs.getString(1), time, kind) : new MeterSample(rs.getString(1), time, kind, value));
        });
    query("read the spans of attribution run " + runId, "SELECT span FROM attribution_spans WHERE run_id = " + literal(runId) + " ORDER BY ord",
        rs -> spans.accept(rs.getString(1)));
  }

  @Override
  public synchronized Set<Long> seqsWithFigureSet(String methodologyVersion, Collection<Long> seqs) {
    Set<Long> wanted = new HashSet<>(seqs);
    Set<Long> found = new HashSet<>();
    query("find " + methodologyVersion + " figure sets", "SELECT seq FROM ledger_figure_sets WHERE methodology_version = "
        + literal(methodologyVersion), rs -> {
          long seq = rs.getLong(1);
          if (wanted.contains(seq)) found.add(seq);
        });
    return found;
  }

  @Override
  public synchronized void appendSignalPoints(List<SignalPoint> points, long afterSeq) {
    if (points.isEmpty()) return;
    long[] next = {1};
    query("number signal points", "SELECT coalesce(max(ord), 0) + 1 FROM signal_points", rs -> next[0] = rs.getLong(1));
    transaction("store " + points.size() + " signal points", () -> load("signal_points", points.size(), rows -> {
      long ord = next[0];
      for (SignalPoint p : points) {
        rows.number(ord++).number(afterSeq).text(p.kind()).text(p.key()).timestamp(p.time()).number(p.value()).text(p.source()).endRow();
      }
    }));
  }

  @Override
  public synchronized void scanSignalPoints(String kind, BiConsumer<SignalPoint, Long> consumer) {
    query("read " + kind + " signal points", "SELECT kind, series_key, ts, value, source, after_seq FROM signal_points WHERE kind = "
        + literal(kind) + " ORDER BY ord", rs -> consumer.accept(new SignalPoint(rs.getString(1), rs.getString(2),
            instant(rs.getObject(3, LocalDateTime.class)), rs.getDouble(4), rs.getString(5)), rs.getLong(6)));
  }

  @Override
  public synchronized void select(String what, String sql, List<?> parameters, RowHandler handler) {
    try (PreparedStatement ps = connection.prepareStatement(sql)) {
      bind(ps, parameters);
      ps.setFetchSize(10_000);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) handler.accept(rs);
      }
      connection.commit();
    } catch (SQLException e) {
      rollbackQuietly();
      throw failure(what, e);
    } catch (RuntimeException e) {
      rollbackQuietly(); // a handler's own failure must not leave the read transaction open on the shared connection
      throw e;
    }
  }

  @Override
  public synchronized void update(String what, List<String> statements) {
    transaction(what, () -> {
      try (Statement st = connection.createStatement()) {
        for (String statement : statements) st.execute(statement);
      }
    });
  }

  /** Sets {@code ps}'s parameters in order; an {@link Instant} is a UTC timestamp. */
  private static void bind(PreparedStatement ps, List<?> parameters) throws SQLException {
    for (int i = 0; i < parameters.size(); i++) {
      Object p = parameters.get(i);
      if (p == null) ps.setNull(i + 1, java.sql.Types.VARCHAR);
      else ps.setObject(i + 1, p instanceof Instant instant ? LocalDateTime.ofInstant(instant, ZoneOffset.UTC) : p);
    }
  }

  private static String literal(String value) {
    return "'" + value.replace("'", "''") + "'";
  }

  interface SqlAction {
    void run() throws SQLException;
  }

  /** Runs one UPDATE or DELETE in its own transaction; returns how many rows it changed. */
  private int changeRows(String what, String sql, List<?> parameters) {
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      bind(statement, parameters);
      int changed = statement.executeUpdate();
      connection.commit();
      return changed;
    } catch (SQLException e) {
      rollbackQuietly();
      throw failure(what, e);
    }
  }

  /** Runs {@code action} in one transaction: all of it is stored, or (rolled back) none. */
  private void transaction(String what, SqlAction action) {
    try {
      action.run();
      connection.commit();
    } catch (SQLException | RuntimeException e) {
      rollbackQuietly();
      throw failure(what, e);
    }
  }

  /**
   * Bulk-loads the rows {@code writer} writes (in {@code table}'s column order; the load flushes them) in the current
   * transaction; the caller commits.
   */
  abstract void load(String table, long expectedRows, RowWriter writer) throws SQLException;

  /** Fills a bulk load with rows; each dialect decides where the text goes. */
  interface RowWriter {
    void write(TextRows rows) throws SQLException;
  }

  /** Record rows in table column order, for the bulk paths. */
  static void writeRecordRows(Collection<LedgerEntry> entries, TextRows rows) throws SQLException {
    for (LedgerEntry entry : entries) {
      InvocationRecord r = entry.record();
      rows.number(entry.seq());
      for (RecordSchema.Field field : RecordSchema.IN_ORDER) {
        writeField(rows, field, field.get(r));
        if (field == RecordSchema.ID) rows.number(Fingerprint.of(r.id()));
      }
      rows.text(entry.sourceRef());
      writeFigures(rows, entry.figures());
      rows.text(entry.hash()).text(entry.figures().datasets());
      PriceTable.Price price = entry.price();
      if (price == null) {
        rows.nul().nul().nul().nul().nul();
      } else {
        rows.text(price.currency()).text(price.inputPerMillionTokens().toPlainString()).text(price.outputPerMillionTokens().toPlainString())
            .text(price.source()).text(price.asOf());
      }
      for (RecordSchema.Field field : RecordSchema.TRAILING) writeField(rows, field, field.get(r));
      rows.text(entry.chain().isEmpty() ? null : entry.chain()).number(entry.chainSeq());
      rows.endRow();
    }
  }

  private static void writeField(TextRows rows, RecordSchema.Field field, Object value) throws SQLException {
    switch (field.type()) {
      case TEXT -> rows.text((String) value);
      case TIMESTAMP -> rows.timestamp((Instant) value);
      case COUNT -> rows.number((Long) value);
      case SECONDS, NUMBER -> rows.number((Double) value);
    }
  }

  /** Figure-set rows in table column order. */
  static void writeFigureSetRows(Collection<StoredFigureSet> figureSets, TextRows rows) throws SQLException {
    for (StoredFigureSet set : figureSets) {
      rows.text(set.id()).number(set.seq());
      writeFigures(rows, set.figures());
      rows.text(set.hash()).text(set.attributionRun()).text(set.figures().datasets()).endRow();
    }
  }

  private static void writeFigures(TextRows rows, FigureSet f) throws SQLException {
    rows.text(f.methodologyVersion()).text(f.modelResolved()).text(f.modelSource()).text(f.modelBand());
    for (FigureSet.Amount amount : new FigureSet.Amount[] {f.energyJoules(), f.carbonGrams(), f.embodiedCarbonGrams(), f.waterLitres()}) {
      if (amount == null) {
        rows.nul().nul().nul().nul();
      } else {
        rows.number(amount.low()).number(amount.high()).text(amount.tier()).text(amount.band());
      }
    }
    rows.number(f.intensityGramsPerKwh()).text(f.intensitySource()).text(f.intensityZone()).text(f.nullReasons());
  }

  /** Seqs per ordered scan query: one ORDER BY over a whole 10 M-row ledger made DuckDB hold 17.8 GB. */
  private static final long SCAN_RANGE = 100_000;

  @Override
  public synchronized void scan(Consumer<LedgerEntry> consumer) {
    long last = head().seq();
    // The first range has no lower bound, so a row with a seq at or below 0 is still seen (and flagged by verify).
    for (long from = 0; from == 0 || from < last; from += SCAN_RANGE) {
      String range = (from == 0 ? "" : "r.seq > " + from + " AND ") + "r.seq <= " + (from + SCAN_RANGE);
      query("scan the ledger", SELECT_ENTRY + " WHERE " + range + " ORDER BY r.seq", rs -> consumer.accept(readEntry(rs)));
    }
  }

  @Override
  public synchronized void scanMissingFigureSets(String methodologyVersion, Consumer<LedgerEntry> consumer) {
    String sql = SELECT_ENTRY + " WHERE NOT EXISTS (SELECT 1 FROM ledger_figure_sets f WHERE f.seq = r.seq AND f.methodology_version = '"
        + methodologyVersion.replace("'", "''") + "') ORDER BY seq";
    query("find records without " + methodologyVersion + " figures", sql, rs -> consumer.accept(readEntry(rs)));
  }

  @Override
  public synchronized void scanFigureSets(BiConsumer<LedgerEntry, StoredFigureSet> consumer) {
    String sql = SELECT_ENTRY.replace(", hash FROM ledger_records r", ", r.hash, " + prefixed("f.", FIGURE_COLUMNS) + ", f.hash"
        + ", f.attribution_run FROM ledger_records r JOIN ledger_figure_sets f ON f.seq = r.seq") + " ORDER BY r.seq, f.methodology_version";
    int setAt = RECORD_COLUMNS.size() + FIGURE_COLUMNS.size() + PRICE_COLUMNS.size() + TRAILING_COLUMNS.size() + CHAIN_COLUMNS.size() + 2;
    query("scan figure sets", sql, rs -> {
      LedgerEntry entry = readEntry(rs);
      consumer.accept(entry, new StoredFigureSet(entry.record().id(), entry.seq(), readFigures(rs, setAt),
          rs.getString(setAt + FIGURE_COLUMNS.size() + 1), rs.getString(setAt + FIGURE_COLUMNS.size())));
    });
  }

  private static List<String> recordColumns() {
    List<String> columns = new ArrayList<>(List.of("seq"));
    for (RecordSchema.Field field : RecordSchema.IN_ORDER) {
      columns.add(field.column());
      if (field == RecordSchema.ID) columns.add("id_fp");
    }
    columns.add("source_ref");
    return List.copyOf(columns);
  }

  private static String prefixed(String prefix, List<String> columns) {
    return prefix + String.join(", " + prefix, columns);
  }

  @Override
  public synchronized Optional<String> meta(String key) {
    try (PreparedStatement ps = connection.prepareStatement("SELECT value FROM ledger_meta WHERE key = ?")) {
      ps.setString(1, key);
      try (ResultSet rs = ps.executeQuery()) {
        Optional<String> value = rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
        connection.commit();
        return value;
      }
    } catch (SQLException e) {
      throw failure("read meta " + key, e);
    }
  }

  @Override
  public synchronized void putMeta(String key, String value) {
    replaceRow("write meta " + key, "ledger_meta", "key", List.of(key, value));
  }

  @Override
  public synchronized void putBudget(Budget b) {
    // Arrays.asList: an admin-wide budget's tenant is null.
    replaceRow("store budget " + b.name(), "budgets", "name", Arrays.asList(b.name(), b.scopeKind().code(), b.scopeValue(), b.quantity().code(),
        b.limit(), b.period().code(), b.mode().code(), b.createdAt(), b.tenant()));
  }

  @Override
  public synchronized List<Budget> budgets() {
    List<Budget> out = new ArrayList<>();
    query("read budgets", "SELECT name, scope_kind, scope_value, quantity, limit_value, period, mode, created_at, tenant FROM budgets",
        rs -> out.add(new Budget(rs.getString(1), Budget.ScopeKind.of(rs.getString(2)), rs.getString(3), Budget.Quantity.of(rs.getString(4)),
            rs.getDouble(5), Budget.Period.of(rs.getString(6)), Budget.Mode.of(rs.getString(7)), instant(rs.getObject(8, LocalDateTime.class)),
            rs.getString(9))));
    // Sorted here, not in SQL: the two stores' collations could order names differently.
    out.sort(Comparator.comparing(Budget::name));
    return out;
  }

  @Override
  public synchronized boolean deleteBudget(String name) {
    return changeRows("delete budget " + name, "DELETE FROM budgets WHERE name = ?", List.of(name)) > 0;
  }

  /** The tiers of a stream aggregate row, in its column order (energy then carbon, each measured, modelled, estimated). */
  private static final List<Tier> AGGREGATE_TIERS = List.of(Tier.MEASURED, Tier.MODELLED, Tier.ESTIMATED);

  @Override
  public synchronized void putStreamAggregates(Collection<Store.StreamAggregate> aggregates) {
    transaction("store " + aggregates.size() + " stream aggregates", () -> {
      try (PreparedStatement delete = connection.prepareStatement("DELETE FROM stream_aggregates WHERE aggregate_key = ?");
          PreparedStatement insert = connection.prepareStatement("INSERT INTO stream_aggregates VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        for (Store.StreamAggregate a : aggregates) {
          bind(delete, List.of(a.key()));
          delete.addBatch();
          bind(insert, Arrays.asList(a.key(), a.team(), a.model(), a.windowStart(), a.calls()));
          int column = 6;
          for (Map<Tier, Double> amounts : List.of(a.energyJ(), a.carbonG())) {
            for (Tier tier : AGGREGATE_TIERS) {
              Double amount = amounts.get(tier);
              if (amount == null) insert.setNull(column++, java.sql.Types.DOUBLE); // typed: PostgreSQL will not take a text NULL
              else insert.setDouble(column++, amount);
            }
          }
          insert.setLong(column++, a.unratedCalls());
          insert.setLong(column, a.unratedTokens());
          insert.addBatch();
        }
        delete.executeBatch();
        insert.executeBatch();
      }
    });
  }

  @Override
  public synchronized List<Store.StreamAggregate> streamAggregates() {
    List<Store.StreamAggregate> out = new ArrayList<>();
    query("read stream aggregates", "SELECT team, model, window_start, calls, energy_j_measured, energy_j_modelled, energy_j_estimated, "
        + "carbon_g_measured, carbon_g_modelled, carbon_g_estimated, unrated_calls, unrated_tokens FROM stream_aggregates", rs -> {
          Map<Tier, Double> energy = new EnumMap<>(Tier.class);
          Map<Tier, Double> carbon = new EnumMap<>(Tier.class);
          for (int i = 0; i < AGGREGATE_TIERS.size(); i++) {
            if (rs.getObject(5 + i) != null) energy.put(AGGREGATE_TIERS.get(i), rs.getDouble(5 + i));
            if (rs.getObject(8 + i) != null) carbon.put(AGGREGATE_TIERS.get(i), rs.getDouble(8 + i));
          }
          out.add(new Store.StreamAggregate(rs.getString(1), rs.getString(2), instant(rs.getObject(3, LocalDateTime.class)), rs.getLong(4),
              energy, carbon, rs.getLong(11), rs.getLong(12)));
        });
    out.sort(Comparator.comparing(Store.StreamAggregate::key));
    return out;
  }

  /** Replaces the row of {@code table} whose {@code keyColumn} is {@code row}'s first value by {@code row}, in one transaction. */
  private void replaceRow(String what, String table, String keyColumn, List<?> row) {
    try (PreparedStatement delete = connection.prepareStatement("DELETE FROM " + table + " WHERE " + keyColumn + " = ?");
        PreparedStatement insert = connection.prepareStatement("INSERT INTO " + table + " VALUES (?" + ", ?".repeat(row.size() - 1) + ")")) {
      bind(delete, row.subList(0, 1));
      delete.executeUpdate();
      bind(insert, row);
      insert.executeUpdate();
      connection.commit();
    } catch (SQLException e) {
      rollbackQuietly();
      throw failure(what, e);
    }
  }

  /** A read without parameters; PostgreSQL reads through a held cursor instead (see {@code PostgresStore#query}). */
  void query(String what, String sql, RowHandler handler) {
    select(what, sql, List.of(), handler);
  }

  static LedgerEntry readEntry(ResultSet rs) throws SQLException {
    int figuresAt = RECORD_COLUMNS.size() + 1;
    int priceAt = figuresAt + FIGURE_COLUMNS.size();
    int trailingAt = priceAt + PRICE_COLUMNS.size();
    int chainAt = trailingAt + TRAILING_COLUMNS.size();
    long seq = rs.getLong(1);
    String chain = rs.getString(chainAt);
    Long chainSeq = optionalLong(rs, chainAt + 1); // null before V14: the default chain, where the position is the seq
    return new LedgerEntry(seq, readRecord(rs, trailingAt), readFigures(rs, figuresAt), rs.getString(figuresAt - 1),
        rs.getString(chainAt + CHAIN_COLUMNS.size()), readPrice(rs, priceAt), chain == null ? LedgerEntry.DEFAULT_CHAIN : chain,
        chainSeq == null ? seq : chainSeq);
  }

  /** The record of a row that starts with {@link #RECORD_COLUMNS} (from seq) and holds {@link #TRAILING_COLUMNS} from {@code trailingAt}. */
  static InvocationRecord readRecord(ResultSet rs, int trailingAt) throws SQLException {
    Object[] values = new Object[RecordSchema.FIELDS.size()];
    int column = 2; // after seq
    for (RecordSchema.Field field : RecordSchema.IN_ORDER) {
      values[RecordSchema.position(field)] = readField(rs, column++, field);
      if (field == RecordSchema.ID) column++; // id_fp
    }
    for (int i = 0; i < RecordSchema.TRAILING.size(); i++) {
      RecordSchema.Field field = RecordSchema.TRAILING.get(i);
      values[RecordSchema.position(field)] = readField(rs, trailingAt + i, field);
    }
    return RecordSchema.record(values);
  }

  private static Object readField(ResultSet rs, int column, RecordSchema.Field field) throws SQLException {
    return switch (field.type()) {
      case TEXT -> rs.getString(column);
      case TIMESTAMP -> instant(rs.getObject(column, LocalDateTime.class));
      case COUNT -> optionalLong(rs, column);
      case SECONDS, NUMBER -> optionalDouble(rs, column);
    };
  }

  private static PriceTable.Price readPrice(ResultSet rs, int at) throws SQLException {
    String currency = rs.getString(at);
    return currency == null ? null : new PriceTable.Price(new BigDecimal(rs.getString(at + 1)), new BigDecimal(rs.getString(at + 2)),
        currency, rs.getString(at + 3), rs.getString(at + 4));
  }

  private static FigureSet readFigures(ResultSet rs, int at) throws SQLException {
    return new FigureSet(rs.getString(at), rs.getString(at + 1), rs.getString(at + 2), rs.getString(at + 3),
        amount(rs, at + 4), amount(rs, at + 8), amount(rs, at + 12), amount(rs, at + 16),
        optionalDouble(rs, at + 20), rs.getString(at + 21), rs.getString(at + 22), rs.getString(at + 23), rs.getString(at + 24));
  }

  private static FigureSet.Amount amount(ResultSet rs, int at) throws SQLException {
    double low = rs.getDouble(at);
    if (rs.wasNull()) return null;
    return new FigureSet.Amount(low, rs.getDouble(at + 1), rs.getString(at + 2), rs.getString(at + 3));
  }

  private static Long optionalLong(ResultSet rs, int column) throws SQLException {
    long value = rs.getLong(column);
    return rs.wasNull() ? null : value;
  }

  private static Double optionalDouble(ResultSet rs, int column) throws SQLException {
    double value = rs.getDouble(column);
    return rs.wasNull() ? null : value;
  }

  static Instant instant(LocalDateTime utc) {
    return utc.toInstant(ZoneOffset.UTC);
  }

  private static long epochNanos(Instant instant) {
    return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000_000L), instant.getNano());
  }

  private static Instant ofEpochNanos(long nanos) {
    return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
  }

  void rollbackQuietly() {
    try {
      connection.rollback();
    } catch (SQLException ignored) {
      // The original failure is the one worth reporting.
    }
  }

  StoreException failure(String what, Exception cause) {
    rollbackQuietly(); // nothing of a failed operation is kept, and the connection is checked outside a failed transaction
    if (cause instanceof IdentityTakenException taken) return taken; // the writer resolves it: passed on as it is
    reviveIfBroken();
    return new StoreException("cannot " + what + " in " + describe(), cause);
  }

  /**
   * A fresh connection to the same database, set up as the first one was, for a connection that broke (the database
   * restarted); null where the store cannot make one (an embedded file).
   */
  Connection reconnect() throws SQLException {
    return null;
  }

  /** Swaps a connection that no longer answers for a fresh one, when the store can make one; quietly stays broken otherwise. */
  private void reviveIfBroken() {
    try {
      if (connection.isValid(5)) return;
      Connection fresh = reconnect();
      if (fresh == null) return;
      try {
        connection.close();
      } catch (SQLException ignored) {
        // It is broken: closing it is only tidying up.
      }
      connection = fresh;
    } catch (SQLException | StoreException e) {
      // The database is still away; the next operation fails as the last one did and tries again.
    }
  }

  @Override
  public synchronized void close() {
    try {
      connection.close();
    } catch (SQLException e) {
      throw new StoreException("cannot close " + describe(), e);
    }
  }
}
