package io.jouletrace.ledger.store;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A PostgreSQL server for a test class, as a JUnit extension on a static field:
 *
 * <pre>{@code @RegisterExtension static final PostgresServer POSTGRES = new PostgresServer();}</pre>
 *
 * <p>With {@code JOULETRACE_TEST_POSTGRES=postgresql://user:password@host:port/db} set, that server
 * is used; otherwise a private cluster is made with {@code initdb} in a temporary directory and
 * started with {@code pg_ctl} on a free port (as the {@code postgres} user when running as root,
 * since PostgreSQL refuses to run as root). Each {@link #newDatabase} is a fresh database with a
 * random name; they are dropped, and the private cluster stopped and deleted, after the class (or
 * at JVM exit if the class never finished). No PostgreSQL installed is a failure, not a skip.
 */
public final class PostgresServer implements BeforeAllCallback, AfterAllCallback {

  public static final String ENV = "JOULETRACE_TEST_POSTGRES";

  /** A role the private cluster authenticates with a real password (SCRAM), to test URLs that carry one. */
  static final String PASSWORD_ROLE = "jouletrace_pw";
  static final String PASSWORD = "p@ss:w/rd %+é";

  private String adminUrl;
  private Cluster cluster;
  private final List<String> databases = new ArrayList<>();
  private Thread shutdownHook;

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    String given = System.getenv(ENV);
    if (given != null && !given.isBlank()) {
      adminUrl = given.strip();
    } else {
      cluster = Cluster.start();
      adminUrl = "postgresql://postgres@127.0.0.1:" + cluster.port + "/postgres";
    }
    shutdownHook = new Thread(this::stopQuietly, "stop test PostgreSQL");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    stopQuietly();
    if (shutdownHook != null) {
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException ignored) {
        // Already shutting down: the hook is running or has run.
      }
    }
  }

  /** True when this is a private cluster made for the test, not a server given by {@value #ENV}. */
  public boolean isPrivateCluster() {
    return cluster != null;
  }

  /**
   * Stops the private cluster's server as an outage would (fast shutdown: open sessions are cut), keeping its data;
   * {@link #startAgain} brings it back on the same port.
   */
  public void stopServer() throws IOException, InterruptedException {
    privateCluster().run("pg_ctl", List.of("-D", cluster.data.toString(), "-m", "fast", "-w", "stop"));
  }

  /** Starts the private cluster's server again after {@link #stopServer}. */
  public void startAgain() throws IOException, InterruptedException {
    privateCluster().startServer();
  }

  private Cluster privateCluster() {
    if (cluster == null) throw new IllegalStateException("only a private cluster can be stopped; " + ENV + " names a shared server");
    return cluster;
  }

  /** Creates a fresh, empty database and returns its URL in the {@code postgresql://} form users give. */
  public synchronized String newDatabase() {
    String name = "jt_test_" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    execute(adminUrl, "CREATE DATABASE " + name + " ENCODING 'UTF8' TEMPLATE template0");
    databases.add(name);
    return withDatabase(adminUrl, name);
  }

  /**
   * A URL for {@code databaseUrl} that carries a password: on the private cluster the
   * {@value #PASSWORD_ROLE} role, checked with SCRAM; with {@value #ENV}, that URL's own credentials.
   */
  public String withPassword(String databaseUrl) {
    if (cluster == null) return databaseUrl;
    String database = databaseUrl.substring(databaseUrl.lastIndexOf('/') + 1);
    execute(databaseUrl, "GRANT ALL ON SCHEMA public TO " + PASSWORD_ROLE);
    return "postgresql://" + PASSWORD_ROLE + ":" + java.net.URLEncoder.encode(PASSWORD, StandardCharsets.UTF_8).replace("+", "%20")
        + "@127.0.0.1:" + cluster.port + "/" + database;
  }

  /** Runs one statement (auto-commit) in the database at {@code url}. */
  public static void execute(String url, String sql) {
    try (Connection c = PostgresStore.connect(url); Statement st = c.createStatement()) {
      st.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException("test PostgreSQL: " + sql + ": " + e.getMessage(), e);
    }
  }

  static String withDatabase(String url, String database) {
    String replaced = url.replaceFirst("^((?:jdbc:)?postgres(?:ql)?://[^/?]*)(/[^?]*)?", "$1/" + database);
    if (replaced.equals(url) && !url.contains("/" + database)) {
      throw new IllegalArgumentException(ENV + " must look like postgresql://user:password@host:port/db");
    }
    return replaced;
  }

  private synchronized void stopQuietly() {
    if (adminUrl != null) {
      for (String name : databases) {
        try {
          execute(adminUrl, "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        } catch (RuntimeException e) {
          try {
            execute(adminUrl, "DROP DATABASE IF EXISTS " + name);
          } catch (RuntimeException again) {
            System.err.println("could not drop test database " + name + ": " + again.getMessage());
          }
        }
      }
      databases.clear();
    }
    if (cluster != null) {
      cluster.stop();
      cluster = null;
    }
    adminUrl = null;
  }

  /** A private cluster: data and socket directories under one temporary directory. */
  private static final class Cluster {
    private static final String PREFIX = "jt-pg";
    private static final String OWNER = "owner.pid";

    private final Path root;
    private final Path data;
    private final Binaries bin;
    private final int port;

    private Cluster(Path root, Binaries bin, int port) {
      this.root = root;
      this.data = root.resolve("data");
      this.bin = bin;
      this.port = port;
    }

    static Cluster start() throws IOException, InterruptedException {
      Binaries bin = Binaries.find().orElseThrow(() -> new IllegalStateException(
          "PostgreSQL is not installed: no initdb and pg_ctl on PATH or under /usr/lib/postgresql/*/bin. "
              + "Run ./scripts/test.sh, which installs it (apt-get install postgresql), or set " + ENV
              + "=postgresql://user:password@host:port/db to test against a running server."));
      reapOrphans(bin);
      Path root = Files.createTempDirectory(PREFIX);
      Files.writeString(root.resolve(OWNER), Long.toString(ProcessHandle.current().pid()));
      if (bin.asPostgres) {
        UserPrincipal postgres = root.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postgres");
        Files.setOwner(root, postgres);
      }
      Cluster cluster = new Cluster(root, bin, freePort());
      try {
        cluster.run("initdb", List.of("-D", cluster.data.toString(), "-A", "trust", "-U", "postgres", "-E", "UTF8",
            "--locale=C", "--no-sync"));
        // First match wins: one role authenticates with a password, everything else is trusted (a throwaway cluster).
        Files.writeString(cluster.data.resolve("pg_hba.conf"), """
            local all all trust
            host all %s 127.0.0.1/32 scram-sha-256
            host all all 127.0.0.1/32 trust
            """.formatted(PASSWORD_ROLE));
        cluster.startServer();
        execute("postgresql://postgres@127.0.0.1:" + cluster.port + "/postgres",
            "CREATE ROLE " + PASSWORD_ROLE + " LOGIN PASSWORD '" + PASSWORD.replace("'", "''") + "'");
        return cluster;
      } catch (IOException | InterruptedException | RuntimeException e) {
        cluster.stop();
        throw e;
      }
    }

    void startServer() throws IOException, InterruptedException {
      run("pg_ctl", List.of("-D", data.toString(), "-l", root.resolve("postgres.log").toString(),
          "-o", "-p " + port + " -k " + root + " -c listen_addresses=127.0.0.1 -c fsync=on", "-w", "-t", "60", "start"));
    }

    /**
     * Stops and deletes the clusters of test JVMs that were killed before they could (a shutdown hook
     * does not run on SIGKILL): each cluster directory names the JVM that made it.
     */
    private static void reapOrphans(Binaries bin) {
      try (Stream<Path> dirs = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
        for (Path dir : dirs.filter(d -> d.getFileName().toString().startsWith(PREFIX)).toList()) {
          try {
            Path owner = dir.resolve(OWNER);
            if (!Files.isRegularFile(owner)) continue;
            long pid = Long.parseLong(Files.readString(owner).strip());
            if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) continue;
            System.err.println("stopping the test PostgreSQL left behind by process " + pid + " in " + dir);
            new Cluster(dir, bin, -1).stop();
          } catch (IOException | RuntimeException e) {
            System.err.println("could not check " + dir + " for a test PostgreSQL left behind: " + e.getMessage());
          }
        }
      } catch (IOException e) {
        System.err.println("could not look for test PostgreSQL clusters left behind: " + e.getMessage());
      }
    }

    private void run(String tool, List<String> args) throws IOException, InterruptedException {
      List<String> command = new ArrayList<>();
      if (bin.asPostgres) command.addAll(List.of("runuser", "-u", "postgres", "--"));
      command.add(bin.dir.resolve(tool).toString());
      command.addAll(args);
      Path output = Files.createTempFile("jt-pg-" + tool, ".out");
      try {
        // Output to a file, not a pipe: the server started by pg_ctl would hold a pipe open.
        Process process = new ProcessBuilder(command).directory(root.toFile()).redirectErrorStream(true)
            .redirectOutput(output.toFile()).start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          throw new IllegalStateException(String.join(" ", command) + " did not finish in 120 s");
        }
        if (process.exitValue() != 0) {
          String log = root.resolve("postgres.log").toFile().exists() ? Files.readString(root.resolve("postgres.log")) : "";
          throw new IllegalStateException(String.join(" ", command) + " failed (exit " + process.exitValue() + "):\n"
              + Files.readString(output) + log);
        }
      } finally {
        Files.deleteIfExists(output);
      }
    }

    void stop() {
      try {
        if (Files.exists(data.resolve("postmaster.pid"))) {
          run("pg_ctl", List.of("-D", data.toString(), "-m", "fast", "-w", "stop"));
        }
      } catch (IOException | InterruptedException | RuntimeException e) {
        System.err.println("could not stop the test PostgreSQL in " + data + ": " + e.getMessage());
      } finally {
        try (Stream<Path> paths = Files.walk(root)) {
          paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
          // A temporary directory left behind is harmless.
        }
      }
    }

    private static int freePort() throws IOException {
      try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        return socket.getLocalPort();
      }
    }
  }

  /** Where initdb and pg_ctl are, and whether they must run as the postgres user. */
  private record Binaries(Path dir, boolean asPostgres) {
    static Optional<Binaries> find() throws IOException, InterruptedException {
      Optional<Path> dir = onPath().or(Binaries::debianDir);
      if (dir.isEmpty()) return Optional.empty();
      return Optional.of(new Binaries(dir.get(), isRoot()));
    }

    private static Optional<Path> onPath() {
      String path = System.getenv("PATH");
      if (path == null) return Optional.empty();
      for (String entry : path.split(java.io.File.pathSeparator)) {
        if (entry.isEmpty()) continue;
        Path dir = Path.of(entry);
        if (Files.isExecutable(dir.resolve("initdb")) && Files.isExecutable(dir.resolve("pg_ctl"))) return Optional.of(dir);
      }
      return Optional.empty();
    }

    /** Debian and Ubuntu keep the server binaries off PATH, per major version; the newest wins. */
    private static Optional<Path> debianDir() {
      Path base = Path.of("/usr/lib/postgresql");
      if (!Files.isDirectory(base)) return Optional.empty();
      try (Stream<Path> versions = Files.list(base)) {
        return versions.map(v -> v.resolve("bin"))
            .filter(d -> Files.isExecutable(d.resolve("initdb")) && Files.isExecutable(d.resolve("pg_ctl")))
            .max(Comparator.comparingInt(d -> version(d.getParent().getFileName().toString())));
      } catch (IOException e) {
        return Optional.empty();
      }
    }

    private static int version(String name) {
      try {
        return (int) Double.parseDouble(name);
      } catch (NumberFormatException e) {
        return -1;
      }
    }

    private static boolean isRoot() throws IOException, InterruptedException {
      Process process = new ProcessBuilder("id", "-u").redirectErrorStream(true).start();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
      process.waitFor();
      return out.equals("0");
    }
  }
}
