package io.jouletrace.stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jouletrace.core.methodology.Estimator;
import io.jouletrace.ledger.entry.FigureSet;
import io.jouletrace.ledger.entry.LedgerEntry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;

/**
 * The jouletrace topology (docs/scale-out.md): invocations in; each figured by the core and chained per partition;
 * figured records, dead letters, team × model × hour aggregates, chain heads and their sealed root out. Scaling out is running more instances with the
 * same application id: Kafka Streams spreads the partitions (and their chain state) among them.
 */
public final class StreamTopology {

  /** Aggregates are per hour of event time. */
  static final Duration WINDOW = Duration.ofHours(1);

  private StreamTopology() {}

  /**
   * @param grace how late (event time) a record may be and still count in its hour's aggregate, or a meter sample or
   *     span in its measured window
   * @param late counts what is routed to the late topic (the runner logs it)
   * @param ledgerKey signs the sealed roots ({@link RootSeal}); null: unsigned
   */
  public static Topology build(Topics topics, Estimator estimator, String methodology, Duration grace, LongAdder late, byte[] ledgerKey) {
    // Every store is cached: a key written per record (a partition's chain head, an hour's totals) reaches RocksDB and
    // its changelog once per commit, not once per record; the processors read their own writes from the cache.
    RootSeal seal = RootSeal.of(ledgerKey);
    StreamsBuilder builder = new StreamsBuilder();
    builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(FigureProcessor.CHAIN_STORE), Serdes.Integer(),
        Serdes.String()).withCachingEnabled());
    KStream<String, String> outcomes = builder.stream(topics.invocations(), Consumed.with(Serdes.String(), Serdes.String()))
        .process(() -> new FigureProcessor(estimator, methodology), FigureProcessor.CHAIN_STORE);

    Produced<String, String> strings = Produced.with(Serdes.String(), Serdes.String());
    outcomes.filter((id, v) -> v.startsWith(FigureProcessor.REJECTED)).mapValues(v -> strip(v, FigureProcessor.REJECTED))
        .to(topics.rejected(), strings);
    KStream<String, String> heads = outcomes.filter((id, v) -> v.startsWith(FigureProcessor.HEAD)).mapValues(v -> strip(v, FigureProcessor.HEAD));
    heads.to(topics.heads(), strings);
    // One key into one partition: a single task sees every chain's head and seals the root over them.
    builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(RootProcessor.STORE), Serdes.Integer(), Serdes.String())
        .withCachingEnabled());
    heads.selectKey((partition, v) -> RootProcessor.KEY)
        .repartition(Repartitioned.with(Serdes.String(), Serdes.String()).withName("jouletrace-all-heads").withNumberOfPartitions(1))
        .process(() -> new RootProcessor(seal), RootProcessor.STORE).to(topics.roots(), strings);
    KStream<String, String> figured = outcomes.filter((id, v) -> v.startsWith(FigureProcessor.FIGURED))
        .mapValues(v -> strip(v, FigureProcessor.FIGURED));
    figured.to(topics.figured(), strings);

    builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(AggregateProcessor.STORE), Serdes.String(),
        Serdes.String()).withCachingEnabled());
    KStream<String, String> aggregated = figured.selectKey((id, v) -> groupKey(Messages.entry(v)))
        .repartition(Repartitioned.with(Serdes.String(), Serdes.String()).withName("jouletrace-by-team-model"))
        .process(() -> new AggregateProcessor(grace, late), AggregateProcessor.STORE);
    aggregated.filter((k, v) -> v.startsWith(AggregateProcessor.AGGREGATE)).mapValues(v -> strip(v, AggregateProcessor.AGGREGATE))
        .to(topics.aggregates(), strings);
    aggregated.filter((k, v) -> v.startsWith(AggregateProcessor.LATE)).mapValues(v -> strip(v, AggregateProcessor.LATE))
        .to(topics.late(), strings);

    builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(MeasuredProcessor.STORE), Serdes.String(),
        Serdes.String()).withCachingEnabled());
    KStream<String, String> telemetry = builder.stream(topics.meters(), Consumed.with(Serdes.String(), Serdes.String()))
        .mapValues(v -> MeasuredProcessor.SAMPLE + v)
        .merge(builder.stream(topics.spans(), Consumed.with(Serdes.String(), Serdes.String())).mapValues(v -> MeasuredProcessor.SPAN + v));
    KStream<String, String> measured = telemetry.process(() -> new MeasuredProcessor(grace, late), MeasuredProcessor.STORE);
    measured.filter((k, v) -> v.startsWith(MeasuredProcessor.MEASURED)).mapValues(v -> strip(v, MeasuredProcessor.MEASURED))
        .to(topics.measured(), strings);
    measured.filter((k, v) -> v.startsWith(MeasuredProcessor.LATE)).mapValues(v -> strip(v, MeasuredProcessor.LATE)).to(topics.late(), strings);
    measured.filter((k, v) -> v.startsWith(MeasuredProcessor.REJECTED)).mapValues(v -> strip(v, MeasuredProcessor.REJECTED))
        .to(topics.rejected(), strings);
    return builder.build();
  }

  private static String strip(String value, String prefix) {
    return value.substring(prefix.length());
  }

  /** team|model: what an aggregate line is about. */
  static String groupKey(LedgerEntry entry) {
    return (entry.record().team() == null ? "" : entry.record().team()) + "|" + entry.record().model();
  }

  /** A window's totals as JSON: calls, energy (J) and carbon (g) per tier, unrated calls and the tokens they carried. */
  static final class WindowTotals {
    static final String EMPTY = "{}";

    private WindowTotals() {}

    static String add(String totals, LedgerEntry entry) {
      try {
        ObjectNode node = (ObjectNode) Messages.JSON.readTree(totals);
        node.put("calls", node.path("calls").asLong() + 1);
        add(node, "energy_j", entry.figures().energyJoules());
        add(node, "carbon_g", entry.figures().carbonGrams());
        if (entry.figures().energyJoules() == null) {
          node.put("unrated_calls", node.path("unrated_calls").asLong() + 1);
          node.put("unrated_tokens", node.path("unrated_tokens").asLong() + entry.record().totalTokens());
        }
        return node.toString();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** The totals with what they are about: {@code team}, {@code model}, {@code window_start} (from the key team|model|start). */
    static String labelled(String key, String totals) {
      try {
        String[] parts = key.split("\\|", -1);
        ObjectNode node = (ObjectNode) Messages.JSON.readTree(totals);
        node.put("team", parts[0].isEmpty() ? null : parts[0]).put("model", parts[1]).put("window_start", parts[2]);
        return node.toString();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    private static void add(ObjectNode node, String quantity, FigureSet.Amount amount) {
      if (amount == null) return;
      ObjectNode tiers = node.has(quantity) ? (ObjectNode) node.get(quantity) : node.putObject(quantity);
      JsonNode previous = tiers.get(amount.tier());
      tiers.put(amount.tier(), (previous == null ? 0 : previous.asDouble()) + amount.value());
    }
  }
}
