package io.jouletrace.server;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/** An upstream on loopback that answers every chat completion at once, with usage; counts the calls it answered. */
public final class StubChatUpstream implements AutoCloseable {

  private final HttpServer server;
  private final AtomicInteger calls = new AtomicInteger();

  public StubChatUpstream() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext("/v1/chat/completions", exchange -> {
      exchange.getRequestBody().readAllBytes();
      byte[] body = ("{\"id\":\"chatcmpl-" + calls.incrementAndGet() + "\",\"object\":\"chat.completion\",\"model\":\"gpt-4o\","
          + "\"choices\":[],\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":5,\"total_tokens\":15}}").getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
  }

  /** The gateway's configuration with this as its only upstream. */
  public Gateway.Config gateway() {
    return new Gateway.Config(List.of(new Gateway.Upstream("", URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1"),
        "openai", null)), null, null, Duration.ofSeconds(10));
  }

  public int calls() {
    return calls.get();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
