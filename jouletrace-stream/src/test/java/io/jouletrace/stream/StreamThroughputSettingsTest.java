package io.jouletrace.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.jouletrace.catalog.Catalog;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.state.internals.CachingKeyValueStore;
import org.apache.kafka.streams.state.internals.WrappedStateStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The settings that let one instance keep exactly_once_v2 and still figure tens of thousands of records a second. */
class StreamThroughputSettingsTest {

  @TempDir
  Path dir;

  @Test
  void an_instance_runs_exactly_once_v2_committing_every_second_with_large_producer_batches() {
    Properties config = StreamRunner.config(new StreamRunner.Settings("localhost:9092", "jt", dir, Topics.defaults(),
        Catalog.DEFAULT_METHODOLOGY, Duration.ofHours(1), 4, null));
    assertThat(config.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)).isEqualTo(StreamsConfig.EXACTLY_ONCE_V2);
    assertThat(config.get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG)).isEqualTo(1_000);
    assertThat(config.get(StreamsConfig.producerPrefix("batch.size"))).isEqualTo(256 * 1024);
  }

  @Test
  void every_state_store_is_cached_so_a_key_written_per_record_is_flushed_once_per_commit() {
    Properties config = new Properties();
    config.put(StreamsConfig.APPLICATION_ID_CONFIG, "jt-cache");
    config.put(StreamsConfig.STATE_DIR_CONFIG, dir.toString());
    try (TopologyTestDriver driver = new TopologyTestDriver(StreamTopology.build(Topics.defaults(),
        Catalog.estimator(Catalog.Options.defaults()), Catalog.DEFAULT_METHODOLOGY, Duration.ofHours(1), new LongAdder(), null),
        config)) {
      for (String name : List.of(FigureProcessor.CHAIN_STORE, RootProcessor.STORE, AggregateProcessor.STORE, MeasuredProcessor.STORE)) {
        assertThat(layers(driver.getKeyValueStore(name))).as(name).hasAtLeastOneElementOfType(CachingKeyValueStore.class);
      }
    }
  }

  /** The store and the stores it wraps, outermost first. */
  private static List<StateStore> layers(StateStore store) {
    List<StateStore> layers = new ArrayList<>();
    for (StateStore layer = store; layer != null; layer = layer instanceof WrappedStateStore<?, ?, ?> w ? w.wrapped() : null) layers.add(layer);
    return layers;
  }
}
