package io.jouletrace.stream;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Sees every partition's heads (the topology sends them all to one single-partition repartition topic, so one task
 * holds them, changelogged, wherever it runs) and publishes the root over the newest of each, sealed with the heads it
 * covers, every {@link #ROOT_INTERVAL} in which a head moved.
 */
final class RootProcessor implements Processor<String, String, String, String> {

  static final String STORE = "jouletrace-root-heads";
  /** The one key all heads are sent under, so they meet in one partition. */
  static final String KEY = "root";
  /** How often (wall clock) a root goes out when some chain moved. */
  static final Duration ROOT_INTERVAL = Duration.ofSeconds(10);

  private final RootSeal seal;
  private ProcessorContext<String, String> context;
  private KeyValueStore<Integer, String> heads;
  private boolean moved;

  RootProcessor(RootSeal seal) {
    this.seal = seal;
  }

  @Override
  public void init(ProcessorContext<String, String> context) {
    this.context = context;
    this.heads = context.getStateStore(STORE);
    context.schedule(ROOT_INTERVAL, PunctuationType.WALL_CLOCK_TIME, this::publishRoot);
  }

  @Override
  public void process(Record<String, String> message) {
    ChainRoot.Head head = ChainRoot.Head.of(Messages.json(message.value()));
    String known = heads.get(head.partition());
    // Heads are republished unchanged every interval; only a chain that grew calls for a new root.
    if (known != null && ChainRoot.Head.of(Messages.json(known)).seq() >= head.seq()) return;
    heads.put(head.partition(), message.value());
    moved = true;
  }

  private void publishRoot(long now) {
    if (!moved) return;
    List<ChainRoot.Head> all = new ArrayList<>();
    try (var stored = heads.all()) {
      stored.forEachRemaining(h -> all.add(ChainRoot.Head.of(Messages.json(h.value))));
    }
    context.forward(new Record<>(KEY, ChainRoot.message(Instant.ofEpochMilli(now), all, seal), now));
    moved = false;
  }
}
