package io.jouletrace.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.jouletrace.catalog.Catalog;
import io.jouletrace.ledger.Ledger;
import io.jouletrace.ledger.store.DuckDbStore;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link JouletraceServer#stop}: readiness turns 503 while it drains, and a request in flight still gets its answer. */
class GracefulStopTest {

  @TempDir
  Path dir;

  /** A kept-alive HTTP/1.1 connection, one request at a time. */
  private record Connection(Socket socket, OutputStream out, BufferedReader in) {
    static Connection open(int port) throws IOException {
      Socket socket = new Socket("127.0.0.1", port);
      return new Connection(socket, socket.getOutputStream(), new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8)));
    }

    void send(String text) throws IOException {
      out.write(text.getBytes(StandardCharsets.UTF_8));
      out.flush();
    }

    /** The status line and body of the next answer (which gives its Content-Length). */
    String answer() throws IOException {
      String status = in.readLine();
      int length = 0;
      for (String header = in.readLine(); header != null && !header.isEmpty(); header = in.readLine()) {
        if (header.toLowerCase().startsWith("content-length:")) length = Integer.parseInt(header.substring(15).strip());
      }
      char[] body = new char[length];
      for (int read = 0; read < length; ) read += in.read(body, read, length - read);
      return status + "\n" + new String(body);
    }
  }

  @Test
  void readiness_turns_503_while_draining_and_the_request_in_flight_is_answered() throws Exception {
    JouletraceServer server = JouletraceServer.start(Ledger.open(DuckDbStore.open(dir), null),
        new JouletraceServer.Config(0, "127.0.0.1", 64 * 1024, ServerTest.ADMIN, Catalog.DEFAULT_METHODOLOGY));
    int port = server.port();
    Connection probe = Connection.open(port);
    probe.send("GET /health/ready HTTP/1.1\r\nHost: x\r\n\r\n");
    assertThat(probe.answer()).startsWith("HTTP/1.1 200").endsWith("\nok");

    String record = "{\"id\":\"in-flight\",\"timestamp\":\"2026-11-03T10:00:00Z\",\"provider\":\"openai\",\"model\":\"gpt-4o\",\"output_tokens\":100}";
    Connection ingest = Connection.open(port);
    ingest.send("POST /api/invocations HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + ServerTest.ADMIN + "\r\nContent-Type: application/json\r\n"
        + "Content-Length: " + record.length() + "\r\n\r\n" + record.substring(0, 10));

    CompletableFuture<Integer> stopped = CompletableFuture.supplyAsync(() -> server.stop(Duration.ofSeconds(60)));
    String ready;
    do {
      probe.send("GET /health/ready HTTP/1.1\r\nHost: x\r\n\r\n");
      ready = probe.answer();
    } while (ready.startsWith("HTTP/1.1 200"));
    assertThat(ready).startsWith("HTTP/1.1 503");
    assertThat(stopped).as("waits for the request in flight").isNotDone();

    ingest.send(record.substring(10));
    assertThat(ingest.answer()).startsWith("HTTP/1.1 200");
    assertThat(stopped.get(60, TimeUnit.SECONDS)).as("no gateway call left unstored").isZero();
    try (var store = DuckDbStore.open(dir)) {
      assertThat(store.entries("in-flight")).hasSize(1);
    }
  }
}
