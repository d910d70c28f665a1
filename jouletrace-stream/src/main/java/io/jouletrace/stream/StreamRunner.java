package io.jouletrace.stream;

import io.jouletrace.catalog.Catalog;
import io.jouletrace.ledger.Composition;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Runs the topology against a Kafka cluster with {@code processing.guarantee=exactly_once_v2}: a crashed instance and
 * its restart (or the instances that take over its partitions) neither lose nor duplicate an output record. More
 * instances with the same application id share the partitions. Used by {@code jouletrace stream run}.
 */
public final class StreamRunner {

  /**
   * @param partitions partitions of the topics this creates when missing (existing topics keep theirs)
   * @param composition what the topology figures with, and the key the sealed roots are signed with (none: unsigned)
   */
  public record Settings(String bootstrap, String applicationId, Path stateDir, Topics topics, String methodology, Duration grace,
      int partitions, Composition composition) {}

  private StreamRunner() {}

  /** How often a running instance logs how many records it routed to the late topic. */
  static final Duration LATE_LOG_INTERVAL = Duration.ofMinutes(1);

  /** Creates missing topics, starts the topology and returns the running instance; {@code late} counts what it routes late. */
  public static KafkaStreams start(Settings settings, LongAdder late) throws InterruptedException, ExecutionException {
    createTopics(settings);
    KafkaStreams streams = new KafkaStreams(StreamTopology.build(settings.topics(), settings.composition().estimator(),
        settings.methodology(), settings.grace(), late, settings.composition().ledgerKey()), config(settings));
    streams.start();
    return streams;
  }

  /** Exactly-once (v2) commits every this long: each commit ends a transaction (docs/scale-out.md, "Throughput settings"). */
  static final Duration COMMIT_INTERVAL = Duration.ofSeconds(1);
  /** The producer's batch per partition: a commit interval's output of a partition in a few batches, not hundreds. */
  static final int PRODUCER_BATCH_BYTES = 256 * 1024;

  /** The Kafka Streams configuration of an instance: exactly_once_v2 and the throughput settings docs/scale-out.md explains. */
  static Properties config(Settings settings) {
    Properties config = new Properties();
    config.put(StreamsConfig.APPLICATION_ID_CONFIG, settings.applicationId());
    config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrap());
    config.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    config.put(StreamsConfig.STATE_DIR_CONFIG, settings.stateDir().toString());
    config.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
    config.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
    // A crashed instance's partitions move to the others after this long without heartbeats (the broker's minimum).
    config.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), 6_000);
    config.put(StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), 1_500);
    // Under exactly_once_v2 Kafka Streams commits every 100 ms by default; each commit flushes the state stores,
    // writes the offsets and commit markers to every output partition and waits for the transaction: at a few
    // thousand records/s that fixed cost dominated. A second holds output back by at most a second.
    config.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, (int) COMMIT_INTERVAL.toMillis());
    // The producer's default batch (16 KiB) holds about a dozen figured records; larger batches mean fewer requests
    // per commit. linger.ms keeps Kafka Streams' producer default (100 ms): a commit flushes the batches anyway.
    config.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), PRODUCER_BATCH_BYTES);
    return config;
  }

  static void createTopics(Settings settings) throws InterruptedException, ExecutionException {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrap()))) {
      Set<String> existing = admin.listTopics().names().get();
      Topics t = settings.topics();
      List<NewTopic> missing = new ArrayList<>();
      for (String name : t.all()) {
        if (!existing.contains(name)) missing.add(new NewTopic(name, settings.partitions(), (short) 1));
      }
      if (missing.isEmpty()) return;
      try {
        admin.createTopics(missing).all().get();
      } catch (ExecutionException e) {
        // Another instance starting at the same time created them first: that is what was wanted.
        if (!(e.getCause() instanceof TopicExistsException)) throw e;
      }
    }
  }

  /**
   * Starts an instance and runs it until the process is stopped (a clean stop closes it; a kill is a crash).
   *
   * @param metricsPort where to serve Prometheus metrics ({@link StreamMetrics}); null: none
   */
  public static void runUntilStopped(Settings settings, Integer metricsPort) throws InterruptedException, ExecutionException {
    LongAdder late = new LongAdder();
    KafkaStreams streams = start(settings, late);
    StreamMetrics metrics = metricsPort == null ? null : StreamMetrics.serve(metricsPort, streams, late);
    if (metrics != null) System.err.printf("jouletrace stream: Prometheus metrics on http://localhost:%d/metrics%n", metrics.port());
    ScheduledExecutorService lateLog = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().factory());
    long[] logged = {0};
    Runnable logLate = () -> {
      long count = late.sum();
      if (count == logged[0]) return;
      logged[0] = count;
      System.err.printf("jouletrace stream: %d records routed to %s since start (too late for their window)%n", count, settings.topics().late());
    };
    lateLog.scheduleAtFixedRate(logLate, LATE_LOG_INTERVAL.toMillis(), LATE_LOG_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      streams.close(Duration.ofSeconds(30));
      if (metrics != null) metrics.close();
      lateLog.shutdown();
      logLate.run();
      stopped.countDown();
    }));
    stopped.await();
  }

  /** {@code java … io.jouletrace.stream.StreamRunner BOOTSTRAP APPLICATION_ID STATE_DIR PARTITIONS}: what the tests fork. */
  public static void main(String[] args) throws Exception {
    runUntilStopped(new Settings(args[0], args[1], Path.of(args[2]), Topics.defaults(), Catalog.DEFAULT_METHODOLOGY, Duration.ofHours(1),
        Integer.parseInt(args[3]), Composition.fromEnvironment(null)), null);
  }
}
