package io.jouletrace.ledger.store;

import io.jouletrace.ledger.entry.LedgerEntry;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.util.PSQLException;

/**
 * The server option: the ledger in a PostgreSQL database, given as {@code postgresql://user[:password]@host[:port]/db}
 * (libpq's URI form, {@code postgres://} too) or as a {@code jdbc:postgresql://} URL.
 *
 * <p>Rows go in through {@code COPY … FROM STDIN} in text format inside the writer's transaction;
 * the commit makes them durable. Doubles are written with {@link Double#toString} (the shortest
 * decimal that parses back to the same bits) and read back exactly because the session runs with
 * {@code extra_float_digits = 3} (PostgreSQL 12+ then prints the shortest exact form, older servers
 * 17 digits). Timestamps are UTC {@code TIMESTAMP} (without time zone), so no session time zone
 * touches them.
 *
 * <p>Several writers (servers) may append, each to its own chain: appends take turns by an advisory lock, so seq stays
 * gap-free and in commit order; unique indexes on seq, on each chain position and on a record's identity (tenant, id)
 * make a writer that races another fail its append instead of forking a chain or storing a record twice.
 */
public final class PostgresStore extends JdbcStore {

  /** Key of the advisory lock that serialises schema migrations of concurrent openers. */
  private static final long MIGRATION_LOCK = 0x6a6f756c65L; // "joule"

  /** Key of the advisory lock appends take in turn, so seq follows commit order across servers (V14). */
  private static final long APPEND_LOCK = 0x6a6f756c66L;

  /** The unique index on a record's identity (tenant, id) and the one on its chain position (V14__chains.postgresql.sql). */
  private static final String IDENTITY_INDEX = "ledger_records_identity";
  private static final String CHAIN_POSITION_INDEX = "ledger_records_chain_position";

  /** SQLSTATE unique_violation. */
  private static final String UNIQUE_VIOLATION = "23505";

  /** Rows per FETCH from a scan's cursor. */
  private static final int FETCH = 10_000;

  private final Location where;
  private final String location;
  private int cursors;

  private PostgresStore(Connection connection, Location where) {
    this.where = where;
    this.location = where.display();
    super(connection, "postgresql");
  }

  /**
   * Connects to the ledger database (creating the ledger tables in it if needed). Accepts
   * {@code postgresql://user[:password]@host[:port]/db[?param=value…]}, {@code postgres://…} and
   * {@code jdbc:postgresql://…}; user and password may also be given as {@code user=} and
   * {@code password=} parameters.
   */
  public static PostgresStore open(String url) {
    Location where = Location.parse(url);
    Connection connection = where.connect();
    try {
      setUp(connection);
      try (Statement st = connection.createStatement()) {
        st.execute("SELECT pg_advisory_lock(" + MIGRATION_LOCK + ")");
      }
      PostgresStore store = new PostgresStore(connection, where);
      try (Statement st = connection.createStatement()) {
        st.execute("SELECT pg_advisory_unlock(" + MIGRATION_LOCK + ")");
      }
      connection.commit();
      return store;
    } catch (SQLException | RuntimeException e) {
      try {
        connection.close();
      } catch (SQLException ignored) {
        // The original failure is the one worth reporting.
      }
      if (e instanceof StoreException se) throw se;
      throw new StoreException("cannot open the PostgreSQL ledger " + where.display(), e);
    }
  }

  /** pgjdbc asks for exact doubles at startup already; set it again so no role or database default can undo it. */
  private static void setUp(Connection connection) throws SQLException {
    try (Statement st = connection.createStatement()) {
      st.execute("SET extra_float_digits = 3");
    }
  }

  /** The database restarted or the network broke: a new session, as {@link #open} set up the first (the schema is there). */
  @Override
  Connection reconnect() throws SQLException {
    Connection fresh = where.connect();
    try {
      setUp(fresh);
      fresh.setAutoCommit(false);
      return fresh;
    } catch (SQLException e) {
      fresh.close();
      throw e;
    }
  }

  /** A plain connection (auto-commit) to {@code url}, in any form {@link #open} accepts. */
  static Connection connect(String url) {
    return Location.parse(url).connect();
  }

  /** How {@link #describe} shows {@code url}: without its password. */
  static String display(String url) {
    return Location.parse(url).display();
  }

  @Override
  public synchronized String describe() {
    return location == null ? "PostgreSQL" : "PostgreSQL " + location;
  }

  /**
   * Reads through a cursor {@code WITH HOLD}: a handler may write and commit while the rows come
   * (backfill appends figure sets as it scans), and a commit ends pgjdbc's own fetch-size cursor,
   * which would fail the scan after its first {@value #FETCH} rows. A held cursor survives commits
   * (PostgreSQL keeps the rest of its rows at the first one); without commits it costs nothing more.
   */
  @Override
  void query(String what, String sql, RowHandler handler) {
    String cursor = "jt_scan_" + (++cursors);
    boolean declared = false;
    try (Statement st = connection.createStatement()) {
      st.execute("DECLARE " + cursor + " NO SCROLL CURSOR WITH HOLD FOR " + sql);
      declared = true;
      int fetched;
      do {
        fetched = 0;
        try (ResultSet rs = st.executeQuery("FETCH FORWARD " + FETCH + " FROM " + cursor)) {
          while (rs.next()) {
            fetched++;
            handler.accept(rs);
          }
        }
      } while (fetched == FETCH);
      st.execute("CLOSE " + cursor);
      declared = false;
      connection.commit();
    } catch (SQLException e) {
      rollbackQuietly();
      throw failure(what, e);
    } finally {
      if (declared) closeQuietly(cursor);
    }
  }

  private void closeQuietly(String cursor) {
    rollbackQuietly();
    try (Statement st = connection.createStatement()) {
      st.execute("CLOSE " + cursor);
      connection.commit();
    } catch (SQLException ignored) {
      // Gone with a rolled-back transaction; a held one would go with the connection.
      rollbackQuietly();
    }
  }

  @Override
  public synchronized Map<Candidate, LedgerEntry> stored(Collection<Candidate> candidates) {
    Map<Candidate, LedgerEntry> found = new HashMap<>();
    if (candidates.isEmpty()) return found;
    Set<Candidate> wanted = new HashSet<>();
    long[] fingerprints = new long[candidates.size()];
    int n = 0;
    for (Candidate c : candidates) {
      wanted.add(c);
      fingerprints[n++] = c.fingerprint();
    }
    Arrays.sort(fingerprints);
    int distinct = 0;
    for (int i = 0; i < n; i++) {
      if (distinct == 0 || fingerprints[i] != fingerprints[distinct - 1]) fingerprints[distinct++] = fingerprints[i];
    }
    // One index probe per fingerprint; a fingerprint match is only a maybe, the exact (tenant, id) is compared here.
    try (PreparedStatement ps = connection.prepareStatement(SELECT_ENTRY + " WHERE r.id_fp = ANY(?)")) {
      Array array = connection.unwrap(PGConnection.class).createArrayOf("int8", Arrays.copyOf(fingerprints, distinct));
      ps.setArray(1, array);
      ps.setFetchSize(10_000);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          LedgerEntry entry = readEntry(rs);
          Candidate identity = Candidate.of(entry.record());
          if (wanted.contains(identity)) found.put(identity, entry);
        }
      }
      array.free();
      connection.commit();
      return found;
    } catch (SQLException e) {
      rollbackQuietly();
      throw failure("look up " + candidates.size() + " possible duplicates", e);
    }
  }

  /** Writers in other processes append too: they take turns by a transaction-scoped advisory lock, then read the last seq. */
  @Override
  long lockForAppend() throws SQLException {
    try (Statement st = connection.createStatement()) {
      st.execute("SELECT pg_advisory_xact_lock(" + APPEND_LOCK + ")");
    }
    return super.lockForAppend();
  }

  @Override
  void load(String table, long expectedRows, RowWriter writer) throws SQLException {
    if (expectedRows == 0) return;
    CopyIn copy = connection.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY " + table + " FROM STDIN WITH (FORMAT text)");
    try {
      TextRows rows = new TextRows(TextRows.Format.POSTGRES_TEXT, copy::writeToCopy);
      writer.write(rows);
      rows.flush();
      long copied = copy.endCopy();
      if (copied != expectedRows) throw new SQLException("COPY stored " + copied + " rows, expected " + expectedRows);
    } catch (SQLException e) {
      if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
        String index = e instanceof PSQLException p && p.getServerErrorMessage() != null ? p.getServerErrorMessage().getConstraint() : null;
        if (IDENTITY_INDEX.equals(index)) {
          throw new IdentityTakenException("another writer stored a record of this batch first; nothing of this batch was stored", e);
        }
        throw new SQLException(CHAIN_POSITION_INDEX.equals(index)
            ? "another writer appends to the same chain (two servers given one instance id?); nothing of this batch was stored: "
                + e.getMessage()
            : "another writer appended to this ledger at the same time; nothing of this batch was stored: " + e.getMessage(),
            e.getSQLState(), e);
      }
      throw e;
    } finally {
      if (copy.isActive()) {
        try {
          copy.cancelCopy();
        } catch (SQLException ignored) {
          // The failure that stopped the copy is the one worth reporting.
        }
      }
    }
  }

  /**
   * COPY text format rows written straight into a byte buffer: fields separated by tabs, rows ended
   * by a newline, {@code \N} for NULL, and backslash, tab, newline and carriage return escaped by a
   * backslash inside values. Sent to the server in chunks.
   */
  /**
   * A parsed ledger URL: the JDBC URL without credentials, the credentials as connection
   * properties, and a form to show that leaves the password out.
   */
  record Location(String jdbcUrl, String user, String password, String display) {

    static Location parse(String url) {
      if (url == null || url.isBlank()) throw new IllegalArgumentException("no PostgreSQL URL given");
      String rest = url.strip();
      if (rest.regionMatches(true, 0, "jdbc:", 0, 5)) rest = rest.substring(5);
      String scheme;
      if (rest.regionMatches(true, 0, "postgresql:", 0, 11)) {
        scheme = "postgresql";
        rest = rest.substring(11);
      } else if (rest.regionMatches(true, 0, "postgres:", 0, 9)) {
        scheme = "postgresql";
        rest = rest.substring(9);
      } else {
        throw new IllegalArgumentException("not a PostgreSQL URL (postgresql://user:password@host:port/db): "
            + withoutCredentials(url));
      }
      String query = "";
      int q = rest.indexOf('?');
      if (q >= 0) {
        query = rest.substring(q + 1);
        rest = rest.substring(0, q);
      }
      String hosts = "";
      String database;
      String user = null;
      String password = null;
      if (rest.startsWith("//")) {
        rest = rest.substring(2);
        int slash = rest.indexOf('/');
        String authority = slash < 0 ? rest : rest.substring(0, slash);
        database = slash < 0 ? "" : rest.substring(slash + 1);
        int at = authority.lastIndexOf('@');
        if (at >= 0) {
          String userInfo = authority.substring(0, at);
          authority = authority.substring(at + 1);
          int colon = userInfo.indexOf(':');
          user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
          password = colon < 0 ? null : decode(userInfo.substring(colon + 1));
        }
        hosts = authority;
      } else {
        database = rest; // jdbc:postgresql:database
      }
      if (hosts.isEmpty()) hosts = "localhost";
      List<String> kept = new ArrayList<>();
      for (String param : query.split("&")) {
        if (param.isEmpty()) continue;
        int eq = param.indexOf('=');
        String name = eq < 0 ? param : param.substring(0, eq);
        String value = eq < 0 ? "" : decode(param.substring(eq + 1));
        if (name.equals("user")) {
          user = value;
        } else if (name.equals("password")) {
          password = value;
        } else {
          kept.add(param);
        }
      }
      String params = kept.isEmpty() ? "" : "?" + String.join("&", kept);
      String jdbcUrl = "jdbc:postgresql://" + hosts + "/" + database + params;
      String display = scheme + "://" + (user == null ? "" : encode(user) + "@") + hosts + "/" + database + params;
      return new Location(jdbcUrl, user, password, display);
    }

    Connection connect() {
      Properties properties = new Properties();
      if (user != null) properties.setProperty("user", user);
      if (password != null) properties.setProperty("password", password);
      properties.setProperty("ApplicationName", "jouletrace");
      try {
        Connection connection = new org.postgresql.Driver().connect(jdbcUrl, properties);
        if (connection == null) throw new SQLException("the PostgreSQL driver does not take " + display);
        return connection;
      } catch (SQLException e) {
        throw new StoreException("cannot connect to the PostgreSQL ledger " + display, e);
      }
    }

    @Override
    public String toString() {
      return display;
    }

    /** For an error message about a URL that did not parse: drop everything before an {@code @}. */
    private static String withoutCredentials(String url) {
      int at = url.lastIndexOf('@');
      int scheme = url.indexOf("//");
      return at < 0 || scheme < 0 || at < scheme ? url : url.substring(0, scheme + 2) + "…" + url.substring(at);
    }

    /** Percent-decoding as in a URI (a {@code +} stays a plus). */
    private static String decode(String s) {
      if (s.indexOf('%') < 0) return s;
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        if (c == '%' && i + 2 < s.length() && isHex(s.charAt(i + 1)) && isHex(s.charAt(i + 2))) {
          out.write(Integer.parseInt(s.substring(i + 1, i + 3), 16));
          i += 2;
        } else {
          byte[] bytes = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
          out.write(bytes, 0, bytes.length);
        }
      }
      return out.toString(StandardCharsets.UTF_8);
    }

    private static boolean isHex(char c) {
      return Character.digit(c, 16) >= 0;
    }

    private static String encode(String s) {
      StringBuilder out = new StringBuilder();
      for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
        char c = (char) (b & 0xff);
        if (c < 0x80 && (Character.isLetterOrDigit(c) || "-._~".indexOf(c) >= 0)) {
          out.append(c);
        } else {
          out.append('%').append(String.format("%02X", (int) c));
        }
      }
      return out.toString();
    }
  }
}
