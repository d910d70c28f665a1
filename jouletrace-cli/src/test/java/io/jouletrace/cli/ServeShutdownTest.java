package io.jouletrace.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.jouletrace.ledger.store.DuckDbStore;
import io.jouletrace.ledger.store.Store;
import io.jouletrace.server.ApiKeys;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serve} in its own JVM, stopped by a real SIGTERM while calls are in flight (docs/deploy.md, "Lifecycle"): it
 * refuses new connections, finishes the calls it had (gateway calls, plain and streamed, and a REST ingest), stores
 * every acknowledged call and exits 0.
 */
class ServeShutdownTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final String ADMIN = "shutdown-test-admin-key-0123456789abcdef";
  private static final int PLAIN_CALLS = 3;
  private static final int STREAMED_CALLS = 3;

  @TempDir
  Path dir;

  /** A stand-in upstream that takes calls and answers none until {@link #answer} opens. */
  private static final class SlowUpstream implements AutoCloseable {
    final HttpServer server;
    final CountDownLatch arrived = new CountDownLatch(PLAIN_CALLS + STREAMED_CALLS);
    final CountDownLatch answer = new CountDownLatch(1);
    final AtomicInteger ids = new AtomicInteger();

    SlowUpstream() throws IOException {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
      server.createContext("/v1/chat/completions", this::chat);
      server.start();
    }

    private void chat(HttpExchange exchange) throws IOException {
      boolean stream = JSON.readTree(exchange.getRequestBody()).path("stream").asBoolean();
      String id = "chatcmpl-slow" + ids.incrementAndGet();
      String usage = "\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":5,\"total_tokens\":15}";
      try (OutputStream out = exchange.getResponseBody()) {
        if (!stream) {
          arrived.countDown();
          await(answer);
          byte[] body = ("{\"id\":\"" + id + "\",\"object\":\"chat.completion\",\"model\":\"gpt-4o\",\"choices\":[]," + usage + "}")
              .getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, body.length);
          out.write(body);
          return;
        }
        exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        String chunk = "data: {\"id\":\"" + id + "\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-4o\",\"choices\":[";
        out.write((chunk + "{\"index\":0,\"delta\":{\"content\":\"Hi\"},\"finish_reason\":null}],\"usage\":null}\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        arrived.countDown(); // the answer has begun: the rest waits
        await(answer);
        out.write((chunk + "{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],\"usage\":null}\n\n").getBytes(StandardCharsets.UTF_8));
        out.write((chunk + "]," + usage + "}\n\ndata: [DONE]\n\n").getBytes(StandardCharsets.UTF_8));
      }
    }

    private static void await(CountDownLatch latch) {
      try {
        latch.await(60, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }

  private static HttpRequest.Builder request(int port, String path, String key) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).header("Authorization", "Bearer " + key);
  }

  private static CompletableFuture<HttpResponse<String>> chat(int port, String key, boolean stream) {
    return HTTP.sendAsync(request(port, "/v1/chat/completions", key).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"gpt-4o\",\"stream\":" + stream + ",\"stream_options\":{\"include_usage\":true},"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static boolean refusesConnections(int port) throws IOException {
    try (Socket ignored = new Socket("127.0.0.1", port)) {
      return false;
    } catch (ConnectException refused) {
      return true;
    }
  }

  @Test
  void sigterm_refuses_new_connections_finishes_the_calls_in_flight_stores_them_and_exits_0() throws Exception {
    Path data = dir.resolve("data");
    try (SlowUpstream upstream = new SlowUpstream()) {
      List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "--enable-native-access=ALL-UNNAMED",
          "-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")), Main.class.getName(), "serve",
          "--port", "0", "--data", data.toString(), "--upstream", "http://127.0.0.1:" + upstream.server.getAddress().getPort() + "/v1",
          "--shutdown-grace", "120");
      ProcessBuilder builder = new ProcessBuilder(command).redirectError(dir.resolve("stderr.txt").toFile());
      builder.environment().put(ApiKeys.ADMIN_KEY_ENV, ADMIN);
      Process serve = builder.start();
      try {
        BufferedReader out = new BufferedReader(new InputStreamReader(serve.getInputStream(), StandardCharsets.UTF_8));
        Matcher serving = null;
        for (String line = out.readLine(); line != null && serving == null; line = out.readLine()) {
          Matcher m = Pattern.compile("^jouletrace serving .* at http://127\\.0\\.0\\.1:(\\d+)/").matcher(line);
          if (m.find()) serving = m;
        }
        assertThat(serving).as(Files.readString(dir.resolve("stderr.txt"))).isNotNull();
        int port = Integer.parseInt(serving.group(1));
        assertThat(HTTP.send(request(port, "/health/live", "").build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        assertThat(HTTP.send(request(port, "/health/ready", "").build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        HttpResponse<String> created = HTTP.send(request(port, "/api/keys", ADMIN).POST(HttpRequest.BodyPublishers.ofString(
            "{\"role\":\"tenant\",\"tenant\":\"acme\"}")).build(), HttpResponse.BodyHandlers.ofString());
        String acmeKey = JSON.readTree(created.body()).path("key").asText();

        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < PLAIN_CALLS + STREAMED_CALLS; i++) calls.add(chat(port, acmeKey, i >= PLAIN_CALLS));
        assertThat(upstream.arrived.await(60, TimeUnit.SECONDS)).as("every call reached the upstream").isTrue();
        // A REST ingest in flight too: its headers are in, its body comes after the signal.
        String record = "[{\"id\":\"rest-during-shutdown\",\"timestamp\":\"2026-11-03T10:00:00Z\",\"provider\":\"openai\",\"model\":\"gpt-4o\","
            + "\"output_tokens\":100}]";
        Socket rest = new Socket("127.0.0.1", port);
        OutputStream restOut = rest.getOutputStream();
        restOut.write(("POST /api/invocations HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + ADMIN + "\r\nContent-Type: application/json\r\n"
            + "Content-Length: " + record.length() + "\r\nConnection: close\r\n\r\n" + record.substring(0, 20)).getBytes(StandardCharsets.UTF_8));
        restOut.flush();

        assertThat(new ProcessBuilder("kill", "-TERM", Long.toString(serve.pid())).start().waitFor()).isZero();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!refusesConnections(port) && System.nanoTime() < deadline) Thread.sleep(20);
        assertThat(refusesConnections(port)).as("a new connection after SIGTERM is refused").isTrue();
        assertThat(serve.isAlive()).as("still finishing the calls in flight").isTrue();

        restOut.write(record.substring(20).getBytes(StandardCharsets.UTF_8));
        restOut.flush();
        upstream.answer.countDown();
        String restAnswer = new String(rest.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        rest.close();
        assertThat(restAnswer).startsWith("HTTP/1.1 200");

        List<String> answerIds = new ArrayList<>();
        for (CompletableFuture<HttpResponse<String>> call : calls) {
          HttpResponse<String> answer = call.get(60, TimeUnit.SECONDS);
          assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
          Matcher id = Pattern.compile("\"id\":\"(chatcmpl-slow\\d+)\"").matcher(answer.body());
          assertThat(id.find()).as(answer.body()).isTrue();
          assertThat(answer.body()).contains("\"eco\"");
          answerIds.add(id.group(1));
        }
        assertThat(serve.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(serve.exitValue()).as(Files.readString(dir.resolve("stderr.txt"))).isZero();

        List<String> stored = new ArrayList<>();
        try (Store store = DuckDbStore.open(data)) {
          store.scan(entry -> stored.add(entry.record().id()));
        }
        assertThat(stored).as("every acknowledged call, once").hasSize(PLAIN_CALLS + STREAMED_CALLS + 1).contains("rest-during-shutdown");
        for (String answerId : answerIds) assertThat(stored).filteredOn(id -> id.contains("-" + answerId + "-")).hasSize(1);
      } finally {
        serve.destroyForcibly();
        serve.waitFor(30, TimeUnit.SECONDS);
      }
    }
  }
}
