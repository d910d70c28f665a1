package io.jouletrace.stream;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jouletrace.core.methodology.Estimator;
import io.jouletrace.core.record.InvocationRecord;
import io.jouletrace.ledger.entry.FigureSet;
import io.jouletrace.ledger.entry.LedgerEntry;
import io.jouletrace.ledger.chain.ChainHasher;
import io.jouletrace.ledger.Ledger;
import io.jouletrace.ledger.ingest.Parsed;
import io.jouletrace.ledger.ingest.RecordBounds;
import java.time.Duration;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Figures each invocation with the core's estimator (the very code the single-machine ledger runs), seals it into its
 * input partition's hash chain (seq and head kept in a changelogged store, so a restarted task continues the chain;
 * the figured message names that partition, whatever partition of the figured topic it lands in), and says where it
 * goes: {@link #FIGURED} (on to the figured topic and the aggregates) or {@link #REJECTED}.
 */
final class FigureProcessor implements Processor<String, String, String, String> {

  static final String CHAIN_STORE = "jouletrace-chain";
  static final String FIGURED = "figured:";
  static final String REJECTED = "rejected:";
  static final String HEAD = "head:";
  /** How often each task publishes its partition's chain head (wall-clock). */
  static final Duration HEAD_INTERVAL = Duration.ofSeconds(10);

  private final Estimator estimator;
  private final String methodology;
  private final ChainHasher hasher = ChainHasher.sha256();
  private ProcessorContext<String, String> context;
  private KeyValueStore<Integer, String> chain;

  FigureProcessor(Estimator estimator, String methodology) {
    this.estimator = estimator;
    this.methodology = methodology;
  }

  @Override
  public void init(ProcessorContext<String, String> context) {
    this.context = context;
    this.chain = context.getStateStore(CHAIN_STORE);
    context.schedule(HEAD_INTERVAL, org.apache.kafka.streams.processor.PunctuationType.WALL_CLOCK_TIME, now -> publishHeads(now));
  }

  /** Each chain head this task keeps, as {@code {"partition", "seq", "hash"}} keyed by partition: what verify anchors to. */
  private void publishHeads(long now) {
    try (var heads = chain.all()) {
      heads.forEachRemaining(head -> {
        String[] parts = head.value.split(" ");
        ObjectNode node = Messages.JSON.createObjectNode().put("partition", head.key).put("seq", Long.parseLong(parts[0])).put("hash", parts[1]);
        context.forward(new Record<>(Integer.toString(head.key), HEAD + node, now));
      });
    }
  }

  @Override
  public void process(Record<String, String> message) {
    RecordMetadata where = context.recordMetadata().orElseThrow();
    String origin = where.topic() + "/" + where.partition() + "@" + where.offset();
    Parsed parsed = RecordBounds.DEFAULTS.judge(Messages.parse(message.value(), origin));
    if (!(parsed instanceof Parsed.Accepted accepted)) {
      Parsed.Rejected rejected = parsed instanceof Parsed.Rejected r ? r : new Parsed.Rejected(origin, "", "not an invocation record");
      ObjectNode error = Messages.JSON.createObjectNode().put("at", rejected.origin()).put("field", rejected.field())
          .put("reason", rejected.reason()).put("message", message.value());
      context.forward(message.withValue(REJECTED + error));
      return;
    }
    InvocationRecord record = LedgerEntry.withStoredTimestamp(accepted.record());
    FigureSet figures = FigureSet.withDatasets(Ledger.figure(estimator, record, methodology));

    // Chain state per input partition: "seq hash" (state written before lateness moved to the aggregates has a third
    // field, the newest event time, which is no longer read).
    String[] head = chain.get(where.partition()) == null ? new String[] {"0", ChainHasher.GENESIS} : chain.get(where.partition()).split(" ");
    long seq = Long.parseLong(head[0]) + 1;
    String hash = hasher.hash(head[1], new LedgerEntry(seq, record, figures, origin, null));
    chain.put(where.partition(), seq + " " + hash);

    String figured = Messages.figured(new LedgerEntry(seq, record, figures, origin, hash), where.partition());
    context.forward(new Record<>(record.id(), FIGURED + figured, record.timestamp().toEpochMilli()));
  }
}
