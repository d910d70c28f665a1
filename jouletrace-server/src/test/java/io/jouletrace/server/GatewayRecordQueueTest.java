package io.jouletrace.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.jouletrace.catalog.Catalog;
import io.jouletrace.ledger.Ledger;
import io.jouletrace.ledger.ingest.RecordBounds;
import io.jouletrace.ledger.store.DuckDbStore;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway's recording queue while the ledger is busy (the test holds the server's ledger lock, as a long commit
 * would): full, it refuses calls with 503, or with --record-overflow pass lets them through unrecorded and counts them.
 */
class GatewayRecordQueueTest {

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir
  Path dir;

  private StubChatUpstream upstream;
  private JouletraceServer server;
  private String acmeKey;

  @BeforeEach
  void startUpstream() throws IOException {
    upstream = new StubChatUpstream();
  }

  private void startServer(boolean passWhenFull) {
    Gateway.Config gateway = upstream.gateway();
    server = JouletraceServer.start(Ledger.open(DuckDbStore.open(dir), null),
        new JouletraceServer.Config(0, "127.0.0.1", 1 << 20, ServerTest.ADMIN, Catalog.DEFAULT_METHODOLOGY, gateway,
            new JouletraceServer.Recording(RecordBounds.DEFAULTS, 1, passWhenFull)));
    acmeKey = server.createKey("acme", "test");
  }

  @AfterEach
  void stop() {
    if (server != null) server.close();
    upstream.close();
  }

  private HttpResponse<String> chat(String... headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/v1/chat/completions"))
        .header("Authorization", "Bearer " + acmeKey).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"));
    for (int i = 0; i < headers.length; i += 2) request.header(headers[i], headers[i + 1]);
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private String metrics() throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/metrics"))
        .header("Authorization", "Bearer " + ServerTest.ADMIN).build(), HttpResponse.BodyHandlers.ofString()).body();
  }

  /** Holds the ledger from another thread until {@code release} opens, as a long commit would; returns once it holds it. */
  private Thread holdLedger(CountDownLatch release) throws InterruptedException {
    CountDownLatch holding = new CountDownLatch(1);
    Thread holder = Thread.ofPlatform().start(() -> server.withLedger(() -> {
      holding.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return null;
    }));
    holding.await();
    return holder;
  }

  private void awaitQueueEmpty() throws Exception {
    for (long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos(); System.nanoTime() < deadline; Thread.sleep(20)) {
      if (metrics().contains("jouletrace_gateway_record_queue_depth 0.0")) return;
    }
    throw new AssertionError("the recording queue did not drain:\n" + metrics());
  }

  @Test
  void with_the_queue_full_a_call_is_refused_with_503_before_it_goes_upstream_and_recording_goes_on_after() throws Exception {
    startServer(false);
    assertThat(chat().statusCode()).isEqualTo(200); // the key is resolved and the first call stored before the ledger is held
    awaitQueueEmpty();
    CountDownLatch release = new CountDownLatch(1);
    Thread holder = holdLedger(release);
    assertThat(chat().statusCode()).as("answered; its record waits for the ledger").isEqualTo(200);
    HttpResponse<String> refused = chat();
    assertThat(refused.statusCode()).isEqualTo(503);
    assertThat(refused.body()).contains("recording queue is full");
    assertThat(upstream.calls()).as("the refused call never went upstream").isEqualTo(2);
    release.countDown();
    holder.join();
    awaitQueueEmpty();
    assertThat(chat().statusCode()).isEqualTo(200);
    awaitQueueEmpty();
    assertThat(metrics()).contains("jouletrace_ingest_records_total{outcome=\"accepted\",source=\"gateway\"} 3.0");
  }

  @Test
  void with_record_overflow_pass_a_call_goes_through_unrecorded_and_is_counted() throws Exception {
    startServer(true);
    assertThat(chat().statusCode()).isEqualTo(200);
    awaitQueueEmpty();
    CountDownLatch release = new CountDownLatch(1);
    Thread holder = holdLedger(release);
    assertThat(chat().statusCode()).isEqualTo(200);
    assertThat(chat().statusCode()).as("passed unrecorded").isEqualTo(200);
    release.countDown();
    holder.join();
    awaitQueueEmpty();
    String metrics = metrics();
    assertThat(metrics).contains("jouletrace_gateway_unrecorded_calls_total{endpoint=\"chat/completions\",reason=\"record_queue_full\"} 1.0");
    assertThat(metrics).contains("jouletrace_ingest_records_total{outcome=\"accepted\",source=\"gateway\"} 2.0");
  }

  @Test
  void a_caller_header_outside_the_bounds_is_refused_before_the_call_goes_upstream() throws Exception {
    startServer(false);
    HttpResponse<String> refused = chat("x-jouletrace-team", "t".repeat(300));
    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(refused.body()).contains("header x-jouletrace-team: longer than 256 characters");
    assertThat(upstream.calls()).isZero();
  }
}
