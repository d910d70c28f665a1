package io.jouletrace.stream;

import com.fasterxml.jackson.databind.JsonNode;
import io.jouletrace.core.attribution.AttributionOptions;
import io.jouletrace.ledger.Ledger;
import io.jouletrace.ledger.entry.LedgerEntry;
import io.jouletrace.ledger.Measurement;
import io.jouletrace.ledger.store.Store;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Writes what the cluster figured into a ledger store (PostgreSQL, the schema the server reads), so the API and the
 * dashboard serve a cluster's results unchanged. It reads {@code jouletrace.figured}, {@code jouletrace.aggregates} and
 * {@code jouletrace.measured} read_committed and commits its offsets only after what it read is durable; a crash in
 * between delivers them again and nothing is counted twice (docs/scale-out.md):
 *
 * <ul>
 *   <li>each figured record through the ledger's writer, whose id check stores it once;
 *   <li>each measured window's attribution run through {@link Measurement}, as {@code jouletrace attribute --ingest}
 *       stores one: its inputs with it, so {@code verify} recomputes the measured figure sets, and the same run is
 *       stored once;
 *   <li>each team × model × hour aggregate as its row of {@code stream_aggregates}, replaced by its window's newest
 *       totals (written again, the same row).
 * </ul>
 */
public final class StreamSink {

  static final String GROUP = "jouletrace-sink";

  private StreamSink() {}

  /**
   * What the sink stored.
   *
   * @param records records stored: figured ones, and those made from measured spans whose ids the ledger did not have
   *     (duplicates of stored ids are not counted)
   * @param measuredSets measured figure sets added by the windows' attribution runs
   * @param conflicts records not stored because their (tenant, id) is stored with other content (docs/ledger.md)
   */
  public record Sunk(long records, long measuredSets, long conflicts) {}

  /**
   * How records made from measured spans are figured: the provider they are named with (spans carry a model, not a
   * provider) and the zone or region the metered resources draw power from (null: the deployment default).
   */
  public record SpanRecords(String provider, String zone) {}

  /** Sinks until {@code stop} says so (checked after each poll). */
  public static Sunk run(String bootstrap, Topics topics, Ledger ledger, String methodology, SpanRecords spanRecords, BooleanSupplier stop) {
    Properties config = new Properties();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    config.put(ConsumerConfig.GROUP_ID_CONFIG, GROUP);
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer());
        Writes writes = new Writes(ledger, topics, methodology, spanRecords)) {
      consumer.subscribe(List.of(topics.figured(), topics.aggregates(), topics.measured()));
      do {
        ConsumerRecords<String, String> batch = consumer.poll(Duration.ofMillis(500));
        for (ConsumerRecord<String, String> message : batch) {
          writes.accept(message.topic(), message.partition(), message.offset(), message.value());
        }
        writes.flush();
        if (!batch.isEmpty()) consumer.commitSync();
      } while (!stop.getAsBoolean());
      return writes.sunk();
    }
  }

  /**
   * What the sink does with the messages it reads, in their order; {@link #flush} makes them durable. A message it
   * cannot store stops it with an error naming the message's place: nothing after it is committed, so a restart
   * delivers it and everything after it again, and what was stored before stays (stored once).
   */
  static final class Writes implements AutoCloseable {
    private final Ledger ledger;
    private final Topics topics;
    private final String methodology;
    private final SpanRecords spanRecords;
    // One writer for records and runs alike: a second writer on the ledger would fork its chain.
    private final Ledger.Writer writer;
    private final Map<String, Store.StreamAggregate> aggregates = new LinkedHashMap<>();
    private long measuredSets;
    private long conflicts;

    Writes(Ledger ledger, Topics topics, String methodology, SpanRecords spanRecords) {
      this.ledger = ledger;
      this.topics = topics;
      this.methodology = methodology;
      this.spanRecords = spanRecords;
      this.writer = ledger.writer(methodology, 10_000);
    }

    void accept(String topic, int partition, long offset, String value) {
      try {
        store(topic, value);
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(topic + "/" + partition + "@" + offset + ": cannot store this message: " + e.getMessage(), e);
      }
    }

    private void store(String topic, String value) {
      if (topic.equals(topics.aggregates())) {
        // A window's updates share a key, hence a partition, and come in order: the last one read is its total so far.
        Store.StreamAggregate aggregate = Messages.aggregate(value);
        aggregates.put(aggregate.key(), aggregate);
      } else if (topic.equals(topics.measured())) {
        JsonNode message = Messages.json(value);
        if (!Messages.field(message, "kind").asText().equals("run")) return; // span figures and window totals: on the topic only
        Set<String> measured = new TreeSet<>();
        Messages.field(message, "measured").forEach(id -> measured.add(id.asText()));
        // The options the topology attributes with (MeasuredProcessor), so the run reproduces its figures.
        Measurement.Setup setup = new Measurement.Setup(AttributionOptions.defaults(), spanRecords.provider(), spanRecords.zone(), null, null,
            methodology, measured);
        measuredSets += new Measurement(ledger).ingest(writer, MeasuredProcessor.runSamples(message), MeasuredProcessor.runSpans(message),
            setup).measured();
      } else {
        LedgerEntry entry = Messages.entry(value);
        writer.add(entry.record(), entry.sourceRef());
      }
    }

    void flush() {
      writer.flush();
      conflicts += writer.takeConflicts().size();
      if (!aggregates.isEmpty()) ledger.store().putStreamAggregates(aggregates.values());
      aggregates.clear();
    }

    Sunk sunk() {
      return new Sunk(writer.accepted(), measuredSets, conflicts);
    }

    @Override
    public void close() {
      writer.close();
    }
  }
}
