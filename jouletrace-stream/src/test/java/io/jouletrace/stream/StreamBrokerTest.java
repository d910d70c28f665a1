package io.jouletrace.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.jouletrace.core.record.InvocationRecord;
import io.jouletrace.ledger.Composition;
import io.jouletrace.ledger.Ledger;
import io.jouletrace.ledger.report.Reports;
import io.jouletrace.ledger.report.Scope;
import io.jouletrace.ledger.store.PostgresServer;
import io.jouletrace.ledger.store.PostgresStore;
import io.jouletrace.ledger.store.Store;
import io.jouletrace.ledger.report.Dimension;
import io.jouletrace.core.figure.Tier;
import io.jouletrace.ledger.entry.LedgerEntry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Against a real KRaft broker (a child JVM from the Maven jars): two topology instances in child JVMs, one killed
 * (SIGKILL) mid-stream; with exactly_once_v2 the committed output holds every record exactly once, and each
 * partition's chain runs 1, 2, 3… without a gap or a repeat.
 */
class StreamBrokerTest {

  private static final int RECORDS = 3_000;

  @TempDir
  Path dir;

  static Process instance(Path dir, String bootstrap, String name) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Path state = Files.createDirectories(dir.resolve("state-" + name));
    return new ProcessBuilder(java, "-Xmx384m", "-cp", ForkedKraft.classpath(), StreamRunner.class.getName(), bootstrap, "jouletrace-it",
        state.toString(), "4").redirectErrorStream(true).redirectOutput(dir.resolve(name + ".log").toFile()).start();
  }

  @Test
  void a_killed_instance_neither_loses_nor_duplicates_a_record() throws Exception {
    try (ForkedKraft kafka = ForkedKraft.start(Files.createDirectories(dir.resolve("kafka")))) {
      // The input has fewer partitions than the figured topic and is keyed by team, not by record id: the chains are
      // the input partitions', spread over the figured topic's partitions by id.
      try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap()))) {
        admin.createTopics(List.of(new NewTopic(Topics.defaults().invocations(), 3, (short) 1))).all().get();
      }
      // The first half is in the topic before any instance starts; the second arrives after one is killed.
      StreamRunner.createTopics(new StreamRunner.Settings(kafka.bootstrap(), "jouletrace-it", dir, Topics.defaults(), "unused",
          Duration.ofHours(1), 4, Composition.fromEnvironment(null)));
      Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofHours(1));
      produce(kafka.bootstrap(), start, 0, RECORDS / 2);
      Process first = instance(dir, kafka.bootstrap(), "first");
      Process second = instance(dir, kafka.bootstrap(), "second");
      try {
        Map<String, Integer> seen = new HashMap<>();
        Map<Integer, TreeMap<Long, String>> chains = new HashMap<>();
        boolean killed = false;
        long deadline = System.nanoTime() + Duration.ofSeconds(150).toNanos();
        try (KafkaConsumer<String, String> consumer = consumer(kafka.bootstrap())) {
          consumer.subscribe(List.of(Topics.defaults().figured()));
          while (seen.size() < RECORDS && System.nanoTime() < deadline) {
            for (ConsumerRecord<String, String> message : consumer.poll(Duration.ofMillis(500))) {
              LedgerEntry entry = Messages.entry(message.value());
              seen.merge(entry.record().id(), 1, Integer::sum);
              String previous = chains.computeIfAbsent(Messages.partition(message.value()), p -> new TreeMap<>())
                  .put(entry.seq(), entry.record().id());
              assertThat(previous).as("seq %d of partition %d given twice", entry.seq(), Messages.partition(message.value())).isNull();
            }
            if (!killed && seen.size() > RECORDS / 10) {
              first.destroyForcibly().waitFor(); // SIGKILL mid-stream: no clean shutdown, no final commit
              killed = true;
              // The second half arrives after the kill: the survivor must take over the dead instance's partitions.
              produce(kafka.bootstrap(), start, RECORDS / 2, RECORDS);
            }
          }
        }
        assertThat(killed).as("the first instance was killed while records were flowing").isTrue();
        assertThat(seen).as("every record figured").hasSize(RECORDS);
        assertThat(seen.values()).as("and exactly once").containsOnly(1);
        assertThat(chains.keySet()).as("chains of several input partitions").hasSizeGreaterThan(1);
        for (TreeMap<Long, String> chain : chains.values()) {
          assertThat(chain.firstKey()).isEqualTo(1);
          assertThat(chain.lastKey()).as("no gap in a partition's chain").isEqualTo(chain.size());
        }
        StreamVerify.Report verified = StreamVerify.run(kafka.bootstrap(), Topics.defaults(),
            io.jouletrace.catalog.Catalog.estimator(io.jouletrace.catalog.Catalog.Options.defaults()), null);
        assertThat(verified.ok()).as(verified.toString()).isTrue();
        assertThat(verified.records()).isEqualTo(RECORDS);
        // Within a head and a root interval of the last record, a root sealing every chain's final head goes out.
        awaitRoot(kafka.bootstrap(), verified.root());
        StreamVerify.Report withRoots = StreamVerify.run(kafka.bootstrap(), Topics.defaults(),
            io.jouletrace.catalog.Catalog.estimator(io.jouletrace.catalog.Catalog.Options.defaults()), null);
        assertThat(withRoots.ok()).as(withRoots.toString()).isTrue();
        assertThat(withRoots.rootsChecked()).isPositive();
        sinkIntoPostgresTwice(kafka.bootstrap());
      } catch (RuntimeException | AssertionError e) {
        throw new AssertionError(e.getMessage() + "\n--- broker log ---\n" + kafka.logTail() + "\n--- instances ---\n"
            + tail(dir.resolve("first.log")) + "\n" + tail(dir.resolve("second.log")), e);
      } finally {
        first.destroyForcibly();
        second.destroyForcibly();
      }
    }
  }

  private static String tail(Path log) throws java.io.IOException {
    if (!Files.exists(log)) return log + ": none";
    return log.getFileName() + ":\n" + ForkedKraft.tail(log, 15);
  }

  @RegisterExtension
  static final PostgresServer POSTGRES = new PostgresServer();

  /**
   * The sink writes the cluster's output into PostgreSQL; run again (as after a crash before its offsets were
   * committed, here with its group's offsets reset), it stores nothing twice, and the aggregate rows (emptied before,
   * so each must be written again) come back the same. The ledger verifies and reports; each aggregate row holds its
   * team, model and hour's calls and energy as the records sum them.
   */
  private static void sinkIntoPostgresTwice(String bootstrap) throws Exception {
    String url = POSTGRES.newDatabase();
    List<Store.StreamAggregate> firstRows = null;
    for (int run = 0; run < 2; run++) {
      try (Ledger ledger = Ledger.open(PostgresStore.open(url), null)) {
        if (run == 1) {
          try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.deleteConsumerGroups(List.of(StreamSink.GROUP)).all().get();
          }
          ledger.store().update("empty the aggregates", List.of("DELETE FROM stream_aggregates"));
        }
        java.util.concurrent.atomic.AtomicInteger idlePolls = new java.util.concurrent.atomic.AtomicInteger();
        long[] before = {ledger.store().head().seq(), -1};
        long stored = StreamSink.run(bootstrap, Topics.defaults(), ledger, io.jouletrace.catalog.Catalog.DEFAULT_METHODOLOGY,
            new StreamSink.SpanRecords("self-hosted", null), () -> {
          long head = ledger.store().head().seq();
          // A row holds at most its window's final count, so the sum reaches RECORDS only once every row is final.
          long aggregated = ledger.store().streamAggregates().stream().mapToLong(Store.StreamAggregate::calls).sum();
          boolean idle = head == before[0] && aggregated == before[1];
          before[0] = head;
          before[1] = aggregated;
          return (head >= RECORDS && aggregated >= RECORDS && idlePolls.incrementAndGet() > 2) || (idle && idlePolls.incrementAndGet() > 40);
        }).records();
        assertThat(stored).as("run %d", run + 1).isEqualTo(run == 0 ? RECORDS : 0);
        assertThat(ledger.store().head().seq()).isEqualTo(RECORDS);
        assertThat(ledger.verify().ok()).isTrue();
        assertThat(new Reports(ledger.store()).summary(Scope.all(), List.of()).total().calls()).isEqualTo(RECORDS);
        List<Store.StreamAggregate> rows = ledger.store().streamAggregates();
        assertThat(rows.stream().mapToLong(Store.StreamAggregate::calls).sum()).isEqualTo(RECORDS);
        if (run == 1) assertThat(rows).as("sunk again: the same rows").isEqualTo(firstRows);
        firstRows = rows;
        Map<String, Double> energyByKey = new HashMap<>();
        for (Reports.Combination group : new Reports(ledger.store()).combinations(Scope.all(),
            List.of(Dimension.TEAM, Dimension.MODEL, Dimension.HOUR))) {
          energyByKey.put(group.keys().get(0) + "|" + group.keys().get(1) + "|" + Instant.parse(group.keys().get(2)),
              group.aggregate().energyJoules().of(Tier.MODELLED));
        }
        assertThat(rows).hasSize(energyByKey.size()).allSatisfy(row -> assertThat(row.energyJ().get(Tier.MODELLED)).as(row.key())
            .isCloseTo(energyByKey.get(row.key()), org.assertj.core.api.Assertions.withinPercentage(1e-9)));
      }
    }
  }

  static void awaitRoot(String bootstrap, String root) {
    long deadline = System.nanoTime() + (FigureProcessor.HEAD_INTERVAL.plus(RootProcessor.ROOT_INTERVAL).toNanos() * 2);
    try (KafkaConsumer<String, String> roots = consumer(bootstrap)) {
      roots.subscribe(List.of(Topics.defaults().roots()));
      while (System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> message : roots.poll(Duration.ofMillis(500))) {
          if (Messages.json(message.value()).get("root").asText().equals(root)) return;
        }
      }
    }
    throw new AssertionError("no root over the final heads " + root + " was published");
  }

  static void awaitTopics(String bootstrap, String... topics) throws Exception {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (!admin.listTopics().names().get().containsAll(Set.of(topics))) {
        if (System.nanoTime() > deadline) throw new IllegalStateException("the instances did not create the topics");
        Thread.sleep(200);
      }
    }
  }

  static void produce(String bootstrap, Instant start, int from, int to) {
    Properties config = new Properties();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    // Not idempotent: the input needs no producer id (a fresh node was seen to stall allocating one); ids dedupe anyway.
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
    config.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
    java.util.concurrent.atomic.AtomicReference<Exception> failure = new java.util.concurrent.atomic.AtomicReference<>();
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
      // Kafka rejects records stamped over an hour ahead, so the calls are of the last hour.
      for (int i = from; i < to; i++) {
        InvocationRecord record = InvocationRecord.builder("openai", i % 2 == 0 ? "gpt-4o" : "gpt-4o-mini", 100 + i % 500)
            .id("it-" + i).timestamp(start.plusMillis(i * 10L)).team("team-" + i % 3).inputTokens(1000L).zone("FRA").build();
        producer.send(new ProducerRecord<>(Topics.defaults().invocations(), null, record.timestamp().toEpochMilli(), record.team(),
            Messages.record(record).toString()), (metadata, e) -> {
              if (e != null) failure.compareAndSet(null, e);
            });
      }
    }
    if (failure.get() != null) throw new IllegalStateException("producing the input failed", failure.get());
  }

  static KafkaConsumer<String, String> consumer(String bootstrap) {
    Properties config = new Properties();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    config.put(ConsumerConfig.GROUP_ID_CONFIG, "verifier");
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    return new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer());
  }
}
