package io.jouletrace.stream;

import io.jouletrace.core.record.InvocationRecord;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * {@code jouletrace serve --kafka HOST:PORT}: sends each call the server stored to the invocations topic as the
 * ledger's record JSON (what {@link FigureProcessor} reads), keyed by record id, stamped with its event time. Sending
 * is asynchronous and at least once (the producer retries; the sink and the ledger store an id once). A call the
 * producer finally cannot deliver stays in the local ledger and is logged and counted, never failing the call.
 */
public final class InvocationPublisher implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(InvocationPublisher.class.getName());
  /** The longest a send may wait for the cluster's metadata or buffer space, so a cluster down cannot stall the server long. */
  static final Duration MAX_BLOCK = Duration.ofSeconds(5);

  private final KafkaProducer<String, String> producer;
  private final String topic;
  private final LongAdder failed = new LongAdder();

  public InvocationPublisher(String bootstrap, String topic) {
    Properties config = new Properties();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) MAX_BLOCK.toMillis());
    config.put(ProducerConfig.LINGER_MS_CONFIG, 20);
    this.producer = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
    this.topic = topic;
  }

  public void publish(List<InvocationRecord> records) {
    for (InvocationRecord record : records) {
      try {
        producer.send(new ProducerRecord<>(topic, null, record.timestamp().toEpochMilli(), record.id(), Messages.record(record).toString()),
            (metadata, e) -> {
              if (e != null) fail(record, e);
            });
      } catch (RuntimeException e) {
        fail(record, e);
      }
    }
  }

  private void fail(InvocationRecord record, Exception e) {
    failed.increment();
    LOG.log(System.Logger.Level.ERROR, "could not publish record " + record.id() + " to " + topic + " (" + failed.sum()
        + " so far); it is in the local ledger", e);
  }

  /** Records that could not be published since start. */
  public long failed() {
    return failed.sum();
  }

  /** Sends what is buffered, then closes. */
  @Override
  public void close() {
    producer.close(Duration.ofSeconds(30));
  }
}
