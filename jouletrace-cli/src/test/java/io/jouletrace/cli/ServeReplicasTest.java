package io.jouletrace.cli;

import static io.jouletrace.cli.EstimateCommandTest.jouletrace;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.jouletrace.ledger.store.PostgresServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many servers, one ledger (docs/ledger.md, "Many writers: one chain each"): three {@code jouletrace serve} processes on
 * one private PostgreSQL ledger, each with its own instance id, take REST and gateway traffic spread over all three (some
 * REST batches sent to two of them at once); one is killed with SIGKILL mid-traffic and started again with its id. Every
 * acknowledged record is stored exactly once, {@code verify} passes over every chain and root, and the summary counts
 * what was acknowledged. Prints its figures (per instance: sent, acknowledged, stored; verify's time).
 */
class ServeReplicasTest {

  @RegisterExtension
  static final PostgresServer POSTGRES = new PostgresServer();

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ADMIN = "replicas-test-admin-key-0123456789";
  private static final List<String> IDS = List.of("jt-a", "jt-b", "jt-c");
  private static final String VICTIM = "jt-b";
  private static final int BATCH = 5;
  private static final Pattern SERVING = Pattern.compile("jouletrace serving .* at http://127\\.0\\.0\\.1:(\\d+)/");

  @TempDir
  Path dir;

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final Map<String, Process> processes = new ConcurrentHashMap<>();
  private final Map<String, Integer> ports = new ConcurrentHashMap<>();
  /** Per instance: records sent to it (REST records and gateway calls) and acknowledged by it. */
  private final Map<String, AtomicLong> sent = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> acknowledged = new ConcurrentHashMap<>();

  @Test
  void three_servers_share_one_postgresql_ledger_through_a_kill_and_every_acknowledged_record_is_stored_once() throws Exception {
    String url = POSTGRES.newDatabase();
    Path keyFile = Files.writeString(dir.resolve("ledger.key"), "replicas-test-ledger-key-0123456789");
    IDS.forEach(id -> {
      sent.put(id, new AtomicLong());
      acknowledged.put(id, new AtomicLong());
    });
    try (Upstream upstream = new Upstream()) {
      for (String id : IDS) start(id, url, keyFile, upstream.port());

      AtomicBoolean running = new AtomicBoolean(true);
      AtomicBoolean victimTakesGatewayCalls = new AtomicBoolean(true);
      AtomicInteger restBatches = new AtomicInteger();
      AtomicInteger doubleSent = new AtomicInteger();
      AtomicInteger retried = new AtomicInteger();
      AtomicInteger gatewayCalls = new AtomicInteger();
      List<Throwable> problems = Collections.synchronizedList(new ArrayList<>());
      // REST: batches of new records, round robin; a batch whose answer is lost (its server died, or refused it) goes to
      // the next server, as behind a load balancer; every 7th batch goes to two servers at once.
      Thread rest = inBackground(problems, () -> {
        for (int n = 0; running.get(); n++) {
          StringBuilder body = new StringBuilder("[");
          for (int i = 0; i < BATCH; i++) {
            body.append(i == 0 ? "" : ",").append("{\"id\":\"r-").append(n).append('-').append(i)
                .append("\",\"timestamp\":\"2026-11-01T10:00:00Z\",\"provider\":\"openai\",\"model\":\"gpt-4o\",\"output_tokens\":300}");
          }
          String batch = body.append(']').toString();
          if (n % 7 == 3) {
            doubleSent.incrementAndGet();
            List<String> pair = List.of(IDS.get(n % 3), IDS.get((n + 1) % 3));
            List<Thread> both = pair.stream().map(id -> Thread.ofVirtual().start(() -> postQuietly(id, batch))).toList();
            for (Thread t : both) t.join();
          }
          for (int attempt = n; !postQuietly(IDS.get(attempt % 3), batch); attempt++) {
            retried.incrementAndGet();
            Thread.sleep(20);
          }
          restBatches.incrementAndGet();
        }
      });
      // Gateway calls, round robin: each answered call's record waits in its server's recording queue.
      Thread gateway = inBackground(problems, () -> {
        for (int n = 0; running.get(); n++) {
          String id = IDS.get(n % 3);
          if (id.equals(VICTIM) && !victimTakesGatewayCalls.get() || !serving(id)) continue;
          sent.get(id).incrementAndGet();
          HttpResponse<String> answer = send(id, "POST", "/v1/chat/completions", "{\"model\":\"gpt-4o\",\"messages\":[]}");
          if (answer != null && answer.statusCode() == 200) {
            acknowledged.get(id).incrementAndGet();
            gatewayCalls.incrementAndGet();
          }
          Thread.sleep(5);
        }
      });

      await("traffic on all three", () -> restBatches.get() >= 30 && gatewayCalls.get() >= 30);
      // A gateway call's record is acknowledged to no one: it waits in the queue, which SIGKILL loses. So the victim takes
      // no gateway calls for a few recorder flushes (1 s each) before the kill; REST batches keep coming to it throughout.
      victimTakesGatewayCalls.set(false);
      Thread.sleep(3_000);
      int batchesAtKill = restBatches.get();
      Process victim = processes.get(VICTIM);
      victim.destroyForcibly(); // SIGKILL: no shutdown hook, no drain, nothing flushed
      assertThat(victim.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(victim.exitValue()).isEqualTo(137);
      await("traffic goes on without it", () -> restBatches.get() >= batchesAtKill + 20);
      start(VICTIM, url, keyFile, upstream.port()); // the same instance id: it continues its own chain
      victimTakesGatewayCalls.set(true);
      int batchesAtRestart = restBatches.get();
      int gatewayAtRestart = gatewayCalls.get();
      await("traffic on all three again", () -> restBatches.get() >= batchesAtRestart + 30 && gatewayCalls.get() >= gatewayAtRestart + 30);
      running.set(false);
      rest.join();
      gateway.join();
      assertThat(problems).isEmpty();

      long restRecords = (long) restBatches.get() * BATCH;
      long expected = restRecords + gatewayCalls.get();
      await("every queued gateway call is stored", () -> count(url) >= expected);
      // SIGTERM: each server stops, stores what it holds and seals a last root.
      for (String id : IDS) processes.get(id).destroy();
      for (String id : IDS) assertThat(processes.get(id).waitFor(60, TimeUnit.SECONDS)).isTrue();

      long started = System.nanoTime();
      EstimateCommandTest.Run verify = jouletrace("verify", "--store", url, "--ledger-key-file", keyFile.toString());
      double verifySeconds = (System.nanoTime() - started) / 1e9;
      assertThat(verify.exitCode()).as(verify.out() + verify.err()).isZero();
      assertThat(verify.out()).contains("records checked: " + expected).contains("chain jt-a:").contains("chain jt-b:")
          .contains("chain jt-c:").containsPattern("roots checked: [1-9]\\d* \\(signatures checked with the ledger key\\)")
          .doesNotContain("BROKEN");

      Map<String, Long> stored = new LinkedHashMap<>();
      try (Connection c = connect(url); Statement st = c.createStatement()) {
        try (ResultSet rs = st.executeQuery("SELECT count(*), count(DISTINCT (tenant, id)), min(seq), max(seq) FROM ledger_records")) {
          rs.next();
          assertThat(rs.getLong(1)).as("every acknowledged record, nothing else").isEqualTo(expected);
          assertThat(rs.getLong(2)).as("each once").isEqualTo(expected);
          assertThat(rs.getLong(3)).isEqualTo(1);
          assertThat(rs.getLong(4)).as("seq gap-free across the servers").isEqualTo(expected);
        }
        try (ResultSet rs = st.executeQuery("SELECT count(*) FROM ledger_records WHERE id LIKE 'r-%'")) {
          rs.next();
          assertThat(rs.getLong(1)).as("every acknowledged REST record").isEqualTo(restRecords);
        }
        try (ResultSet rs = st.executeQuery("SELECT chain, count(*) FROM ledger_records GROUP BY chain ORDER BY chain")) {
          while (rs.next()) stored.put(rs.getString(1), rs.getLong(2));
        }
      }
      assertThat(stored.keySet()).containsExactlyElementsOf(IDS);

      EstimateCommandTest.Run summary = jouletrace("report", "summary", "--json", "--store", url, "--ledger-key-file", keyFile.toString());
      assertThat(summary.exitCode()).as(summary.err()).isZero();
      JsonNode totals = summary.json();
      assertThat(totals.path("total_calls").asLong()).isEqualTo(expected);
      assertThat(totals.path("output_tokens").asLong()).isEqualTo(restRecords * 300 + gatewayCalls.get() * 5L);
      assertThat(totals.path("input_tokens").asLong()).isEqualTo(gatewayCalls.get() * 10L);
      double[] storedWh = storedEnergyWh(url);
      assertThat(totals.path("wh_low").asDouble()).isCloseTo(storedWh[0], within(storedWh[0] * 1e-9));
      assertThat(totals.path("wh_high").asDouble()).isCloseTo(storedWh[1], within(storedWh[1] * 1e-9));

      System.out.printf("ServeReplicasTest: %d REST batches of %d (%d also sent to a second server at once, %d resent after a lost"
          + " answer), %d gateway calls; %s killed (SIGKILL) after %d batches and restarted%n", restBatches.get(), BATCH, doubleSent.get(),
          retried.get(), gatewayCalls.get(), VICTIM, batchesAtKill);
      for (String id : IDS) {
        System.out.printf("ServeReplicasTest: instance %s: records sent %d, acknowledged %d, stored in its chain %d%n", id,
            sent.get(id).get(), acknowledged.get(id).get(), stored.get(id));
      }
      System.out.printf("ServeReplicasTest: stored %d = acknowledged %d (each once); verify %.2f s; summary %d calls%n", expected, expected,
          verifySeconds, totals.path("total_calls").asLong());
      System.out.print(verify.out().lines().filter(l -> l.startsWith("chain") || l.startsWith("roots") || l.startsWith("records"))
          .map(l -> "ServeReplicasTest: verify: " + l + "\n").reduce("", String::concat));
    } finally {
      processes.values().forEach(Process::destroyForcibly);
    }
  }

  /** Work that may throw. */
  private interface Work {
    void run() throws Exception;
  }

  /** Runs {@code work} on a thread of its own; whatever it throws is added to {@code problems}. */
  private static Thread inBackground(List<Throwable> problems, Work work) {
    return Thread.ofPlatform().start(() -> {
      try {
        work.run();
      } catch (Throwable e) {
        problems.add(e);
      }
    });
  }

  /** A plain connection to the test database, given as {@code postgresql://user[:password]@host:port/db}. */
  private static Connection connect(String url) throws Exception {
    Matcher m = Pattern.compile("postgres(?:ql)?://([^:@/]+)(?::([^@/]*))?@(.*)").matcher(url);
    assertThat(m.matches()).as(url).isTrue();
    Properties credentials = new Properties();
    credentials.setProperty("user", m.group(1));
    if (m.group(2) != null) credentials.setProperty("password", java.net.URLDecoder.decode(m.group(2), StandardCharsets.UTF_8));
    return DriverManager.getConnection("jdbc:postgresql://" + m.group(3), credentials);
  }

  private static long count(String url) {
    try (Connection c = connect(url); Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM ledger_records")) {
      rs.next();
      return rs.getLong(1);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The stored records' energy, Σ low and Σ high in Wh, over every chain. */
  private static double[] storedEnergyWh(String url) throws Exception {
    try (Connection c = connect(url); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT sum(energy_j_low) / 3600, sum(energy_j_high) / 3600 FROM ledger_records")) {
      rs.next();
      return new double[] {rs.getDouble(1), rs.getDouble(2)};
    }
  }

  /** Starts {@code serve} as a child JVM with instance id {@code id} and waits until it serves. */
  private void start(String id, String url, Path keyFile, int upstreamPort) throws Exception {
    Path log = dir.resolve(id + "-" + System.nanoTime() + ".log");
    ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
        "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), "io.jouletrace.cli.Main", "serve",
        "--store", url, "--port", "0", "--instance-id", id, "--ledger-key-file", keyFile.toString(),
        "--upstream", "http://127.0.0.1:" + upstreamPort + "/v1")
        .redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().put("JOULETRACE_ADMIN_KEY", ADMIN);
    ports.remove(id);
    Process process = builder.start();
    processes.put(id, process);
    await(id + " serves", () -> {
      try {
        Matcher m = SERVING.matcher(Files.readString(log));
        boolean serving = m.find();
        if (serving) ports.put(id, Integer.parseInt(m.group(1)));
        else if (!process.isAlive()) throw new AssertionError(id + " exited: " + Files.readString(log));
        return serving;
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    });
  }

  /** Posts a REST batch to {@code id}; true when it acknowledged every record (committed before the answer). */
  private boolean postQuietly(String id, String batch) {
    if (!serving(id)) return false;
    sent.get(id).addAndGet(BATCH);
    HttpResponse<String> answer = send(id, "POST", "/api/invocations", batch);
    if (answer == null || answer.statusCode() != 200) return false;
    JsonNode body = json(answer);
    assertThat(body.path("accepted").asLong() + body.path("duplicates").asLong()).as(answer.body()).isEqualTo(BATCH);
    acknowledged.get(id).addAndGet(BATCH);
    return true;
  }

  /** Whether {@code id}'s process is up and has said where it serves. */
  private boolean serving(String id) {
    Process process = processes.get(id);
    return ports.containsKey(id) && process != null && process.isAlive();
  }

  /** The answer, or null when none came (the server is down or died mid-request). */
  private HttpResponse<String> send(String id, String method, String path, String json) {
    if (!serving(id)) return null;
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ports.get(id) + path)).timeout(Duration.ofSeconds(30))
        .header("Authorization", "Bearer " + ADMIN).header("x-jouletrace-tenant", "acme")
        .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
    if (json != null) request.header("Content-Type", "application/json");
    try {
      return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  private static JsonNode json(HttpResponse<String> answer) {
    try {
      return answer == null ? null : JSON.readTree(answer.body());
    } catch (IOException e) {
      return null;
    }
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    for (long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos(); !condition.getAsBoolean(); Thread.sleep(50)) {
      if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting until " + what);
    }
  }

  /** A chat-completions upstream on loopback answering at once with fixed usage (10 prompt, 5 completion tokens). */
  private static final class Upstream implements AutoCloseable {
    private final HttpServer server;

    Upstream() throws IOException {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
      byte[] answer = ("{\"id\":\"chatcmpl-replicas\",\"object\":\"chat.completion\",\"model\":\"gpt-4o\",\"choices\":[],"
          + "\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":5,\"total_tokens\":15}}").getBytes(StandardCharsets.UTF_8);
      server.createContext("/v1/chat/completions", exchange -> {
        try (exchange) {
          exchange.getRequestBody().readAllBytes();
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, answer.length);
          exchange.getResponseBody().write(answer);
        }
      });
      server.start();
    }

    int port() {
      return server.getAddress().getPort();
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }
}
