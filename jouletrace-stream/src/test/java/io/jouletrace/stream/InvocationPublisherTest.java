package io.jouletrace.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.jouletrace.catalog.Catalog;
import io.jouletrace.core.record.InvocationRecord;
import io.jouletrace.ledger.entry.LedgerEntry;
import io.jouletrace.ledger.ingest.Parsed;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code serve --kafka} publishes, through a real broker, is what the topology reads and figures. */
class InvocationPublisherTest {

  @TempDir
  Path dir;

  @Test
  void published_calls_arrive_keyed_by_id_as_the_record_json_the_topology_figures() throws Exception {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    List<InvocationRecord> calls = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      calls.add(InvocationRecord.builder("openai", i % 2 == 0 ? "gpt-4o" : "gpt-4o-mini", 50 + i)
          .id("gw-openai-chatcmpl-" + i + "-" + UUID.randomUUID()).timestamp(now.minusSeconds(20 - i)).tenant("acme").team("search")
          .inputTokens(400L + i).zone("FRA").build());
    }
    String topic = Topics.defaults().invocations();
    List<ConsumerRecord<String, String>> received = new ArrayList<>();
    try (ForkedKraft kafka = ForkedKraft.start(Files.createDirectories(dir.resolve("kafka")))) {
      try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap()))) {
        admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get();
      }
      try (InvocationPublisher publisher = new InvocationPublisher(kafka.bootstrap(), topic)) {
        publisher.publish(calls.subList(0, 5));
        publisher.publish(calls.subList(5, 20));
        assertThat(publisher.failed()).isZero();
      }
      try (KafkaConsumer<String, String> consumer = StreamBrokerTest.consumer(kafka.bootstrap())) {
        consumer.subscribe(List.of(topic));
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (received.size() < calls.size() && System.nanoTime() < deadline) consumer.poll(Duration.ofMillis(500)).forEach(received::add);
      }
    }
    assertThat(received).hasSize(calls.size());
    for (ConsumerRecord<String, String> message : received) {
      Parsed parsed = Messages.parse(message.value(), "test");
      assertThat(parsed).isInstanceOf(Parsed.Accepted.class);
      InvocationRecord record = ((Parsed.Accepted) parsed).record();
      assertThat(message.key()).isEqualTo(record.id());
      assertThat(message.timestamp()).isEqualTo(record.timestamp().toEpochMilli());
      assertThat(calls).contains(record);
    }

    // The same messages through the topology: every call figured, none rejected.
    Properties config = new Properties();
    config.put(StreamsConfig.APPLICATION_ID_CONFIG, "publisher-test");
    config.put(StreamsConfig.STATE_DIR_CONFIG, dir.resolve("state").toString());
    Topics topics = Topics.defaults();
    try (TopologyTestDriver driver = new TopologyTestDriver(StreamTopology.build(topics, Catalog.estimator(Catalog.Options.defaults()),
        Catalog.DEFAULT_METHODOLOGY, Duration.ofHours(1), new LongAdder(), null), config)) {
      var in = driver.createInputTopic(topics.invocations(), new StringSerializer(), new StringSerializer());
      received.forEach(m -> in.pipeInput(m.key(), m.value(), m.timestamp()));
      List<LedgerEntry> figured = driver.createOutputTopic(topics.figured(), new StringDeserializer(), new StringDeserializer())
          .readValuesToList().stream().map(Messages::entry).toList();
      assertThat(figured).extracting(e -> e.record().id()).containsExactlyInAnyOrderElementsOf(calls.stream().map(InvocationRecord::id).toList());
      assertThat(figured).allSatisfy(e -> assertThat(e.figures().energyJoules()).isNotNull());
      assertThat(driver.createOutputTopic(topics.rejected(), new StringDeserializer(), new StringDeserializer()).isEmpty()).isTrue();
    }
  }
}
