package io.jouletrace.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.jouletrace.stream.ForkedKraft;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code jouletrace serve --kafka HOST:PORT --kafka-topic TOPIC}: the CLI wires the publisher to a real broker. */
class ServeKafkaCommandTest {

  @TempDir
  Path dir;

  @Test
  void serve_with_kafka_publishes_each_ingested_call_to_the_topic_it_names_keyed_by_id() throws Exception {
    try (ForkedKraft kafka = ForkedKraft.start(Files.createDirectories(dir.resolve("kafka")))) {
      String topic = "serve-test.calls";
      try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap()))) {
        admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get();
      }
      CommandLine cli = Main.commandLine();
      StringWriter out = new StringWriter();
      cli.setOut(new PrintWriter(out));
      ServeCommand serve = (ServeCommand) cli.parseArgs("serve", "--data", dir.resolve("data").toString(), "--port", "0", "--kafka", kafka.bootstrap(),
          "--kafka-topic", topic).subcommand().commandSpec().userObject();
      Instant at = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(60);
      try (ServeCommand.Serving serving = serve.start()) {
        assertThat(out.toString()).contains("publishing stored calls to " + topic + " at " + kafka.bootstrap());
        Matcher key = Pattern.compile("admin key \\(shown once; keep it\\): (\\S+)").matcher(out.toString());
        assertThat(key.find()).as(out.toString()).isTrue();
        String calls = "[{\"id\":\"k1\",\"timestamp\":\"" + at + "\",\"provider\":\"openai\",\"model\":\"gpt-4o\",\"output_tokens\":300},"
            + "{\"id\":\"k2\",\"timestamp\":\"" + at.plusSeconds(1) + "\",\"provider\":\"openai\",\"model\":\"gpt-4o-mini\",\"output_tokens\":200}]";
        HttpResponse<String> ingest = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + serving.server().port() + "/api/invocations")).header("Authorization", "Bearer " + key.group(1))
            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(calls)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(ingest.statusCode()).as(ingest.body()).isEqualTo(200);
        List<ConsumerRecord<String, String>> published = read(kafka.bootstrap(), topic, 2);
        assertThat(published).extracting(ConsumerRecord::key).containsExactlyInAnyOrder("k1", "k2");
        assertThat(published).filteredOn(r -> r.key().equals("k1")).singleElement().satisfies(r -> {
          assertThat(r.timestamp()).as("stamped with the call's event time").isEqualTo(at.toEpochMilli());
          assertThat(r.value()).contains("\"output_tokens\":300");
        });
      }
    }
  }

  private static List<ConsumerRecord<String, String>> read(String bootstrap, String topic, int count) {
    Properties config = new Properties();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    config.put(ConsumerConfig.GROUP_ID_CONFIG, "serve-test");
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    List<ConsumerRecord<String, String>> read = new ArrayList<>();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of(topic));
      while (read.size() < count && System.nanoTime() < deadline) consumer.poll(Duration.ofMillis(500)).forEach(read::add);
    }
    return read;
  }
}
