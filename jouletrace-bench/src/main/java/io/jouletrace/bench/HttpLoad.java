package io.jouletrace.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A closed-loop HTTP load generator, run as its own process against {@code jouletrace serve} on loopback
 * (scripts/bench-server.sh): {@code --connections} workers each send a request, wait for the answer, and send the next,
 * for {@code --seconds} after a warm-up. Prints requests/s, latency percentiles and (for OTLP) spans/s.
 *
 * <p>With {@code --rate R} it runs open-loop instead: a request starts every 1/R s whatever the answers do, each on
 * its own virtual thread. Mode {@code chat} posts a chat completion to {@code URL/v1/chat/completions} (the gateway, or
 * the upstream directly); {@code stream} does the same with {@code "stream": true} and measures the time to the first
 * byte of the body.
 *
 * <pre>java -cp benchmarks.jar io.jouletrace.bench.HttpLoad --url URL --key KEY [--mode estimate|otlp|chat|stream]
 *     [--connections N | --rate R] [--seconds S] [--warmup S] [--spans-per-request K]</pre>
 */
public final class HttpLoad {

  private HttpLoad() {}

  public static void main(String[] args) throws Exception {
    String url = arg(args, "--url", "http://127.0.0.1:8080");
    String key = arg(args, "--key", null);
    String mode = arg(args, "--mode", "estimate");
    int connections = Integer.parseInt(arg(args, "--connections", "32"));
    int seconds = Integer.parseInt(arg(args, "--seconds", "20"));
    int warmup = Integer.parseInt(arg(args, "--warmup", "5"));
    int spansPerRequest = Integer.parseInt(arg(args, "--spans-per-request", "100"));
    int rate = Integer.parseInt(arg(args, "--rate", "0"));

    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(Executors.newVirtualThreadPerTaskExecutor())
        .build();
    AtomicLong sequence = new AtomicLong();
    String path = switch (mode) {
      case "otlp" -> "/v1/traces";
      case "chat", "stream" -> "/v1/chat/completions";
      default -> "/api/energy/estimate";
    };
    java.util.function.Supplier<byte[]> body = switch (mode) {
      case "otlp" -> () -> otlpBody(sequence.getAndIncrement(), spansPerRequest);
      case "chat", "stream" -> () -> ("{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]"
          + (mode.equals("stream") ? ",\"stream\":true" : "") + "}").getBytes(StandardCharsets.UTF_8);
      default -> () -> ("{\"provider\":\"openai\",\"model\":\"gpt-4o-mini\",\"input_tokens\":" + (100 + sequence.getAndIncrement() % 2000)
          + ",\"output_tokens\":300,\"region\":\"eu-west-1\"}").getBytes(StandardCharsets.UTF_8);
    };
    URI uri = URI.create(url + path);
    Sender sender = new Sender(client, uri, key, body, mode.equals("stream"));

    Result result;
    if (rate > 0) {
      openLoop(sender, rate, warmup, null);
      result = openLoop(sender, rate, seconds, new Result());
    } else {
      run(sender, connections, warmup, null);
      result = run(sender, connections, seconds, new Result());
    }
    long[] latencies = result.latencies();
    Arrays.sort(latencies);
    double rps = result.requests() / (double) seconds;
    System.out.printf("%s: %s, %d s: %.0f requests/s%s, errors %d%n", mode, rate > 0 ? "open loop at " + rate + "/s" : connections + " connections",
        seconds, rps,
        mode.equals("otlp") ? String.format(" (%.0f spans/s)", rps * spansPerRequest) : "", result.errors());
    System.out.printf((mode.equals("stream") ? "time to first byte" : "latency") + " ms: p50 %.3f  p90 %.3f  p99 %.3f  p99.9 %.3f  max %.3f%n", pct(latencies, 0.50), pct(latencies, 0.90),
        pct(latencies, 0.99), pct(latencies, 0.999), latencies.length == 0 ? 0 : latencies[latencies.length - 1] / 1e6);
  }

  private static final class Result {
    final List<long[]> perWorker = new ArrayList<>();
    final AtomicLong errors = new AtomicLong();

    synchronized void add(long[] latencies) {
      perWorker.add(latencies);
    }

    long requests() {
      return perWorker.stream().mapToLong(l -> l.length).sum();
    }

    long errors() {
      return errors.get();
    }

    long[] latencies() {
      return perWorker.stream().flatMapToLong(Arrays::stream).toArray();
    }
  }

  /** Sends one request and returns its latency in ns (to the first body byte when {@code firstByte}), or -1 on failure. */
  private record Sender(HttpClient client, URI uri, String key, java.util.function.Supplier<byte[]> body, boolean firstByte) {
    long send() {
      HttpRequest request = HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofByteArray(body.get())).build();
      long start = System.nanoTime();
      try {
        HttpResponse<java.io.InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        long latency;
        try (java.io.InputStream in = response.body()) {
          int first = in.read();
          latency = System.nanoTime() - start;
          in.transferTo(java.io.OutputStream.nullOutputStream());
          if (!firstByte || first < 0) latency = System.nanoTime() - start;
        }
        return response.statusCode() == 200 ? latency : -1;
      } catch (Exception e) {
        return -1;
      }
    }
  }

  private static Result run(Sender sender, int connections, int seconds, Result result) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
    try (ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<?>> running = new ArrayList<>();
      for (int c = 0; c < connections; c++) {
        running.add(workers.submit(() -> {
          long[] latencies = new long[1 << 16];
          int n = 0;
          while (System.nanoTime() < deadline) {
            long latency = sender.send();
            if (latency < 0) {
              if (result != null) result.errors.incrementAndGet();
              continue;
            }
            if (n == latencies.length) latencies = Arrays.copyOf(latencies, n * 2);
            latencies[n++] = latency;
          }
          if (result != null) result.add(Arrays.copyOf(latencies, n));
          return null;
        }));
      }
      for (Future<?> f : running) f.get();
    }
    return result;
  }

  private static Result openLoop(Sender sender, int rate, int seconds, Result result) throws Exception {
    long total = (long) rate * seconds;
    long[] latencies = new long[(int) total];
    long start = System.nanoTime();
    try (ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < total; i++) {
        long due = start + i * 1_000_000_000L / rate;
        long wait = due - System.nanoTime();
        if (wait > 0) java.util.concurrent.locks.LockSupport.parkNanos(wait);
        int index = i;
        workers.submit(() -> {
          long latency = sender.send();
          if (latency < 0 && result != null) result.errors.incrementAndGet();
          latencies[index] = latency;
        });
      }
    }
    if (result != null) result.add(Arrays.stream(latencies).filter(l -> l >= 0).toArray());
    return result;
  }

  /** One OTLP/JSON request of {@code spans} GenAI chat spans with fresh ids (so each is stored, not a duplicate). */
  private static byte[] otlpBody(long request, int spans) {
    StringBuilder json = new StringBuilder("{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":\"cloud.region\",\"value\":"
        + "{\"stringValue\":\"eu-west-1\"}}]},\"scopeSpans\":[{\"spans\":[");
    long start = 1_764_000_000_000_000_000L + request * 1_000_000_000L;
    for (int i = 0; i < spans; i++) {
      if (i > 0) json.append(',');
      json.append("{\"traceId\":\"").append(String.format("%032x", request)).append("\",\"spanId\":\"").append(String.format("%016x", i + 1L))
          .append("\",\"name\":\"chat\",\"startTimeUnixNano\":\"").append(start + i).append("\",\"endTimeUnixNano\":\"")
          .append(start + i + 900_000_000L).append("\",\"attributes\":[")
          .append("{\"key\":\"gen_ai.operation.name\",\"value\":{\"stringValue\":\"chat\"}},")
          .append("{\"key\":\"gen_ai.provider.name\",\"value\":{\"stringValue\":\"openai\"}},")
          .append("{\"key\":\"gen_ai.request.model\",\"value\":{\"stringValue\":\"gpt-4o-mini\"}},")
          .append("{\"key\":\"gen_ai.usage.input_tokens\",\"value\":{\"intValue\":\"").append(100 + i).append("\"}},")
          .append("{\"key\":\"gen_ai.usage.output_tokens\",\"value\":{\"intValue\":\"300\"}}]}");
    }
    return json.append("]}]}]}").toString().getBytes(StandardCharsets.UTF_8);
  }

  private static double pct(long[] sorted, double p) {
    return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) (p * sorted.length))] / 1e6;
  }

  private static String arg(String[] args, String name, String fallback) {
    for (int i = 0; i + 1 < args.length; i++) if (args[i].equals(name)) return args[i + 1];
    if (fallback == null) throw new IllegalArgumentException(name + " is required");
    return fallback;
  }
}
