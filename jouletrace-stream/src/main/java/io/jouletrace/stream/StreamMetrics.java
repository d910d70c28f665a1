package io.jouletrace.stream;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.streams.KafkaStreams;

/**
 * {@code stream run --metrics-port N}: a Prometheus scrape endpoint, {@code GET /metrics}, for one instance. It shows
 * {@value #LATE_RECORDS} (the records this instance routed to the late topic since it started: too late for their
 * window, never dropped without a trace) and every Kafka Streams metric of the instance (lag, commit rates, the late
 * sensors per store, …) as Micrometer's Kafka binder names them.
 */
public final class StreamMetrics implements AutoCloseable {

  /** The late count, in Prometheus {@code jouletrace_stream_late_records_total}. */
  static final String LATE_RECORDS = "jouletrace.stream.late.records";
  /** How soon a Kafka Streams metric created after start (a task's sensors, once it is assigned) is shown. */
  private static final Duration REFRESH = Duration.ofSeconds(10);

  private final HttpServer server;
  private final KafkaStreamsMetrics kafkaMetrics;
  private final ScheduledExecutorService refresh;

  private StreamMetrics(HttpServer server, KafkaStreamsMetrics kafkaMetrics, ScheduledExecutorService refresh) {
    this.server = server;
    this.kafkaMetrics = kafkaMetrics;
    this.refresh = refresh;
  }

  /** Serves {@code streams}' metrics and {@code late} on {@code port} (0: any free port) of every interface. */
  public static StreamMetrics serve(int port, KafkaStreams streams, LongAdder late) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    FunctionCounter.builder(LATE_RECORDS, late, LongAdder::sum)
        .description("Records routed to the late topic since start: too late for their window's aggregate or measured window").register(registry);
    ScheduledExecutorService refresh = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("stream-metrics").factory());
    KafkaStreamsMetrics kafkaMetrics = new KafkaStreamsMetrics(streams, List.of(), refresh, REFRESH);
    kafkaMetrics.bindTo(registry);
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress(port), 0);
      server.createContext("/metrics", exchange -> {
        byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      });
      server.start();
      return new StreamMetrics(server, kafkaMetrics, refresh);
    } catch (IOException e) {
      kafkaMetrics.close();
      refresh.shutdown();
      throw new UncheckedIOException("--metrics-port " + port + ": cannot listen", e);
    }
  }

  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
    kafkaMetrics.close();
    refresh.shutdown();
  }
}
