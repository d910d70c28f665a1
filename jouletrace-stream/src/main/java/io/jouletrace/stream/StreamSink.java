package io.jouletrace.stream;

import io.jouletrace.ledger.Ledger;
import io.jouletrace.ledger.LedgerEntry;
import io.jouletrace.ledger.store.Store;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Writes what the cluster figured into a ledger store (PostgreSQL, the schema the server reads), so the API and the
 * dashboard serve a cluster's results unchanged: reads {@code jouletrace.figured} and {@code jouletrace.aggregates}
 * read_committed, appends each record through the ledger's writer, replaces each team × model × hour row of
 * {@code stream_aggregates} with its window's latest totals, and commits its offsets only after both are durable. A
 * crash in between delivers them again; the writer's id check stores each record once, and an aggregate written
 * again is the same row: the writes are idempotent.
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
      consumer.subscribe(List.of(topics.figured(), topics.aggregates()));
      do {
        ConsumerRecords<String, String> batch = consumer.poll(Duration.ofMillis(500));
        // A window's updates share a key, hence a partition, and come in order: the last one in the batch is its total so far.
        Map<String, Store.StreamAggregate> aggregates = new LinkedHashMap<>();
        for (ConsumerRecord<String, String> message : batch) {
          if (message.topic().equals(topics.aggregates())) {
            Store.StreamAggregate aggregate = Messages.aggregate(message.value());
            aggregates.put(aggregate.key(), aggregate);
          } else {
            LedgerEntry entry = Messages.entry(message.value());
            writer.add(entry.record(), entry.sourceRef());
          }
        }
        writer.flush();
        if (!aggregates.isEmpty()) ledger.store().putStreamAggregates(aggregates.values());
        if (!batch.isEmpty()) consumer.commitSync();
      } while (!stop.getAsBoolean());
      return writer.accepted();
    }
  }
}
