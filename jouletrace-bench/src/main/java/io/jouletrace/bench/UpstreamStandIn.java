package io.jouletrace.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An OpenAI-shaped upstream for the gateway benchmark (scripts/bench-gateway.sh): answers {@code /v1/chat/completions}
 * at once, as JSON or (with {@code "stream": true}) as five SSE chunks and a usage chunk. Run with
 * {@code -Dsun.net.httpserver.nodelay=true} so the JDK server does not add Nagle delays.
 *
 * <pre>java -Dsun.net.httpserver.nodelay=true -cp benchmarks.jar io.jouletrace.bench.UpstreamStandIn PORT</pre>
 */
public final class UpstreamStandIn {

  private static final AtomicLong IDS = new AtomicLong();

  private UpstreamStandIn() {}

  public static void main(String[] args) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", Integer.parseInt(args[0])), 1024);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext("/v1/chat/completions", UpstreamStandIn::chat);
    server.start();
    System.out.println("upstream stand-in on " + server.getAddress());
  }

  private static void chat(HttpExchange exchange) throws IOException {
    String request = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    String id = "chatcmpl-" + IDS.incrementAndGet();
    if (!request.contains("\"stream\":true")) {
      byte[] body = ("{\"id\":\"" + id + "\",\"object\":\"chat.completion\",\"created\":1753500000,\"model\":\"gpt-4o-mini\",\"choices\":"
          + "[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Hi!\"},\"finish_reason\":\"stop\"}],"
          + "\"usage\":{\"prompt_tokens\":1200,\"completion_tokens\":300,\"total_tokens\":1500}}").getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
      return;
    }
    exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
    exchange.sendResponseHeaders(200, 0);
    try (OutputStream out = exchange.getResponseBody()) {
      for (int i = 0; i < 5; i++) {
        out.write(("data: {\"id\":\"" + id + "\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,"
            + "\"delta\":{\"content\":\"t" + i + "\"}}],\"usage\":null}\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
      }
      out.write(("data: {\"id\":\"" + id + "\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-4o-mini\",\"choices\":[],"
          + "\"usage\":{\"prompt_tokens\":40,\"completion_tokens\":5,\"total_tokens\":45}}\n\ndata: [DONE]\n\n").getBytes(StandardCharsets.UTF_8));
    }
  }
}
