package io.jouletrace.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.jouletrace.catalog.Catalog;
import io.jouletrace.core.record.InvocationRecord;
import io.jouletrace.ledger.Composition;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Against a real broker: an input partition far behind the others. Its records are on time for their own partition,
 * but the aggregate task's stream time (the newest over all partitions) closed their hour long ago: they are routed to
 * the late topic and counted, where a Kafka Streams window would have dropped them without a trace.
 */
class AggregateLatenessBrokerTest {

  @TempDir
  Path dir;

  @Test
  void records_of_a_partition_behind_the_others_go_to_the_late_topic_counted_not_dropped() throws Exception {
    Topics topics = Topics.defaults();
    List<String> aggregates = new ArrayList<>();
    List<String> late = new ArrayList<>();
    LongAdder lateCount = new LongAdder();
    String scraped;
    try (ForkedKraft kafka = ForkedKraft.start(Files.createDirectories(dir.resolve("kafka")))) {
      StreamRunner.Settings settings = new StreamRunner.Settings(kafka.bootstrap(), "lateness-it", dir.resolve("state"), topics,
          Catalog.DEFAULT_METHODOLOGY, Duration.ofHours(1), 2, Composition.fromEnvironment(null));
      StreamRunner.createTopics(settings);
      Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
      KafkaStreams streams = StreamRunner.start(settings, lateCount);
      try (KafkaConsumer<String, String> consumer = StreamBrokerTest.consumer(kafka.bootstrap());
          StreamMetrics metrics = StreamMetrics.serve(0, streams, lateCount)) {
        consumer.subscribe(List.of(topics.aggregates(), topics.late()));
        // Partition 0 runs ahead: ten calls of an hour ago, aggregated.
        send(kafka.bootstrap(), topics.invocations(), 0, "ahead-", now.minus(Duration.ofHours(1)), 10);
        await(consumer, topics, aggregates, late, () -> aggregates.size() >= 10);
        // Partition 1 is behind: five calls of five hours ago, the first it has.
        send(kafka.bootstrap(), topics.invocations(), 1, "behind-", now.minus(Duration.ofHours(5)), 5);
        await(consumer, topics, aggregates, late, () -> late.size() >= 5);
        scraped = scrape(metrics.port());
      } finally {
        streams.close(Duration.ofSeconds(30));
      }
    }
    assertThat(late).hasSize(5).allSatisfy(v -> assertThat(Messages.entry(v).record().id()).startsWith("behind-"));
    assertThat(lateCount.sum()).as("counted by the running instance").isEqualTo(5);
    assertThat(scraped).as("the Prometheus endpoint").contains("\njouletrace_stream_late_records_total 5.0\n")
        .containsPattern("(?m)^kafka_stream_\\w+");
    assertThat(aggregates).hasSize(10);
    assertThat(Messages.JSON.readTree(aggregates.getLast()).get("calls").asLong()).isEqualTo(10);
  }

  private static String scrape(int port) throws Exception {
    try (java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient()) {
      java.net.http.HttpResponse<String> response = client.send(java.net.http.HttpRequest.newBuilder(
          java.net.URI.create("http://127.0.0.1:" + port + "/metrics")).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(200);
      return response.body();
    }
  }

  private static void send(String bootstrap, String topic, int partition, String prefix, Instant at, int count) {
    Properties config = new Properties();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
      for (int i = 0; i < count; i++) {
        InvocationRecord record = InvocationRecord.builder("openai", "gpt-4o", 100).id(prefix + i).timestamp(at.plusSeconds(i)).team("t")
            .zone("FRA").build();
        producer.send(new ProducerRecord<>(topic, partition, record.timestamp().toEpochMilli(), record.id(), Messages.record(record).toString()));
      }
      producer.flush();
    }
  }

  private static void await(KafkaConsumer<String, String> consumer, Topics topics, List<String> aggregates, List<String> late,
      java.util.function.BooleanSupplier done) {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (!done.getAsBoolean() && System.nanoTime() < deadline) {
      for (ConsumerRecord<String, String> message : consumer.poll(Duration.ofMillis(500))) {
        (message.topic().equals(topics.aggregates()) ? aggregates : late).add(message.value());
      }
    }
  }
}
