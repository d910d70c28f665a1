package io.jouletrace.stream;

import io.jouletrace.ledger.Ledger;
import io.jouletrace.ledger.LedgerEntry;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Writes what the cluster figured into a ledger store (PostgreSQL, the schema the server reads), so the API and the
 * dashboard serve a cluster's results unchanged: reads {@code jouletrace.figured} read_committed, appends each record
 * through the ledger's writer, and commits its offsets only after the records are durable. A crash in between
 * delivers them again, and the writer's id check stores each once: the writes are idempotent.
 */
public final class StreamSink {

  static final String GROUP = "jouletrace-sink";

  private StreamSink() {}

  /**
   * Sinks until {@code stop} says so (checked after each poll).
   *
   * @return records stored (duplicates of stored ids are not counted)
   */
  public static long run(String bootstrap, Topics topics, Ledger ledger, String methodology, BooleanSupplier stop) {
    Properties config = new Properties();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    config.put(ConsumerConfig.GROUP_ID_CONFIG, GROUP);
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer());
        Ledger.Writer writer = ledger.writer(methodology, 10_000)) {
      consumer.subscribe(List.of(topics.figured()));
      do {
        ConsumerRecords<String, String> batch = consumer.poll(Duration.ofMillis(500));
        for (ConsumerRecord<String, String> message : batch) {
          LedgerEntry entry = Messages.entry(message.value());
          writer.add(entry.record(), entry.sourceRef());
        }
        writer.flush();
        if (!batch.isEmpty()) consumer.commitSync();
      } while (!stop.getAsBoolean());
      return writer.accepted();
    }
  }
}
