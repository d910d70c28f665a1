package io.jouletrace.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jouletrace.catalog.Catalog;
import io.jouletrace.ledger.Ledger;
import io.jouletrace.ledger.store.PostgresServer;
import io.jouletrace.ledger.store.PostgresStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Chaos: the server's PostgreSQL stopped while REST and gateway traffic flow, then started again. Every acknowledged
 * record is stored exactly once, the chain verifies, and recording resumes without a restart of jouletrace.
 */
class PostgresOutageTest {

  @RegisterExtension
  static final PostgresServer POSTGRES = new PostgresServer();

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final int BATCH = 5;

  private JouletraceServer server;

  private HttpResponse<String> send(String method, String path, String json) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
        .header("Authorization", "Bearer " + ServerTest.ADMIN).header("x-jouletrace-tenant", "acme")
        .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
    if (json != null) request.header("Content-Type", "application/json");
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    for (long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos(); !condition.getAsBoolean(); Thread.sleep(50)) {
      if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting until " + what);
    }
  }

  @Test
  void records_acknowledged_around_a_database_outage_are_stored_once_and_recording_resumes_without_a_restart() throws Exception {
    assumeTrue(POSTGRES.isPrivateCluster(), "stopping the server needs the private cluster");
    try (StubChatUpstream upstream = new StubChatUpstream()) {
      server = JouletraceServer.start(Ledger.open(PostgresStore.open(POSTGRES.newDatabase()), null),
          new JouletraceServer.Config(0, "127.0.0.1", 1 << 20, ServerTest.ADMIN, Catalog.DEFAULT_METHODOLOGY, upstream.gateway()));
      try {
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger restBatches = new AtomicInteger();
        AtomicInteger restRefused = new AtomicInteger();
        AtomicInteger gatewayAnswered = new AtomicInteger();
        List<Throwable> problems = Collections.synchronizedList(new ArrayList<>());
        // A client posting batches of new records; a refused batch (503) is sent again, as a client should.
        Thread rest = Thread.ofPlatform().start(() -> {
          try {
            for (int n = 0; running.get(); n++) {
              StringBuilder body = new StringBuilder("[");
              for (int i = 0; i < BATCH; i++) {
                body.append(i == 0 ? "" : ",").append(HostileRecordsTest.call("r-" + n + "-" + i, ""));
              }
              String batch = body.append(']').toString();
              while (true) {
                HttpResponse<String> answer = send("POST", "/api/invocations", batch);
                if (answer.statusCode() == 200) break;
                assertThat(answer.statusCode()).as(answer.body()).isEqualTo(503);
                restRefused.incrementAndGet();
                Thread.sleep(20);
              }
              restBatches.incrementAndGet();
            }
          } catch (Throwable e) {
            problems.add(e);
          }
        });
        // Gateway calls: answered whatever the database does; their records wait in the recording queue.
        Thread gateway = Thread.ofPlatform().start(() -> {
          try {
            while (running.get()) {
              HttpResponse<String> answer = send("POST", "/v1/chat/completions", "{\"model\":\"gpt-4o\",\"messages\":[]}");
              if (answer.statusCode() == 200) gatewayAnswered.incrementAndGet();
              Thread.sleep(10);
            }
          } catch (Throwable e) {
            problems.add(e);
          }
        });

        await("some records are stored", () -> restBatches.get() >= 5 && gatewayAnswered.get() >= 5);
        POSTGRES.stopServer();
        try {
          await("the REST client is refused", () -> restRefused.get() >= 3);
          HttpResponse<String> health = send("GET", "/health", null);
          assertThat(health.statusCode()).isEqualTo(503);
          assertThat(health.body()).contains("the ledger cannot write");
          HttpResponse<String> ready = send("GET", "/health/ready", null);
          assertThat(ready.statusCode()).as("not ready while the ledger cannot write").isEqualTo(503);
          assertThat(ready.body()).contains("the ledger cannot write");
          assertThat(send("GET", "/health/live", null).statusCode()).as("the process is up").isEqualTo(200);
          int answeredBefore = gatewayAnswered.get();
          await("the gateway still answers", () -> gatewayAnswered.get() >= answeredBefore + 3);
        } finally {
          POSTGRES.startAgain();
        }
        int batchesAfterRestart = restBatches.get();
        await("REST records are stored again", () -> restBatches.get() >= batchesAfterRestart + 5);
        running.set(false);
        rest.join();
        gateway.join();
        assertThat(problems).isEmpty();

        int expected = restBatches.get() * BATCH + gatewayAnswered.get();
        await("the gateway's queued calls are stored", () -> {
          try {
            return JSON.readTree(send("GET", "/api/verify", null).body()).get("records_checked").asLong() >= expected;
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
        JsonNode verify = JSON.readTree(send("GET", "/api/verify", null).body());
        assertThat(verify.get("ok").asBoolean()).as(verify.toString()).isTrue();
        assertThat(verify.get("records_checked").asLong()).as("each acknowledged record once, nothing else").isEqualTo(expected);
        for (int n = 0; n < restBatches.get(); n++) {
          assertThat(send("GET", "/api/invocations/r-" + n + "-" + (n % BATCH), null).statusCode()).isEqualTo(200);
        }
        assertThat(send("GET", "/health", null).body()).isEqualTo("ok");
        assertThat(send("GET", "/health/ready", null).body()).isEqualTo("ok");
        assertThat(send("GET", "/metrics", null).body()).containsPattern("jouletrace_ledger_write_failures_total [1-9]");
      } finally {
        server.close();
      }
    }
  }
}
