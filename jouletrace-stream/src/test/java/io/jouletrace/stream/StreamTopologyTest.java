package io.jouletrace.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.jouletrace.catalog.Catalog;
import io.jouletrace.core.carbon.SeriesSignal;
import io.jouletrace.core.methodology.Estimator;
import io.jouletrace.ledger.entry.FigureSet;
import io.jouletrace.ledger.Ledger;
import io.jouletrace.ledger.entry.LedgerEntry;
import io.jouletrace.ledger.VerifyReport;
import io.jouletrace.core.figure.Tier;
import io.jouletrace.ledger.report.Aggregate;
import io.jouletrace.ledger.report.Dimension;
import io.jouletrace.ledger.report.ReportJson;
import io.jouletrace.ledger.report.Reports;
import io.jouletrace.ledger.report.Scope;
import io.jouletrace.ledger.store.DuckDbStore;
import io.jouletrace.ledger.store.Store;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The topology in Kafka Streams' test driver (no broker) against the single-machine ledger on the same records. */
class StreamTopologyTest {

  private static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");
  /** The deployment's ledger key, which signs the sealed roots. */
  private static final byte[] KEY = "stream-test-ledger-key".getBytes(StandardCharsets.UTF_8);
  private static final RootSeal SEAL = RootSeal.of(KEY);
  private static final String[][] MODELS = {{"openai", "gpt-4o"}, {"mistralai", "open-mistral-7b"}, {"acme", "mystery-model"},
      {"anthropic", "claude-3-5-haiku-latest"}};

  @TempDir
  Path dir;

  /** JSONL records over two days from a fixed seed: known, estimated-by-name and unknown models, zones and regions. */
  private Path records(int count) throws IOException {
    Random random = new Random(8);
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String[] model = MODELS[random.nextInt(MODELS.length)];
      lines.add("{\"id\":\"s" + i + "\",\"timestamp\":\"" + T0.plusSeconds(i * 60L + random.nextInt(30)) + "\",\"provider\":\"" + model[0]
          + "\",\"model\":\"" + model[1] + "\",\"input_tokens\":" + random.nextInt(3000) + ",\"output_tokens\":" + random.nextInt(900)
          + ",\"team\":\"team-" + random.nextInt(3) + "\"," + (random.nextBoolean() ? "\"zone\":\"FRA\"" : "\"region\":\"us-east-1\"") + "}");
    }
    lines.add("{\"id\":\"broken\",\"timestamp\":\"" + T0 + "\",\"provider\":\"openai\",\"model\":\"gpt-4o\"}");
    return Files.write(dir.resolve("records.jsonl"), lines);
  }

  @Test
  void figures_equal_the_single_machine_ledger_record_by_record_and_the_chain_verifies() throws IOException {
    Path file = records(400);
    Estimator estimator = Catalog.estimator(Catalog.Options.defaults());
    StreamReplay.Result replay = StreamReplay.run(List.of(file.toString()), null, estimator, Catalog.DEFAULT_METHODOLOGY, Duration.ofHours(1));
    assertThat(replay.figured()).hasSize(400);
    assertThat(replay.rejected()).singleElement().asString().contains("output_tokens");

    List<LedgerEntry> single = new ArrayList<>();
    try (Ledger ledger = Ledger.open(DuckDbStore.open(dir.resolve("single")), null)) {
      try (Ledger.Writer writer = ledger.writer(Catalog.DEFAULT_METHODOLOGY, 1000)) {
        io.jouletrace.ledger.Ingest.run(writer, List.of(file.toString()), null, new java.io.StringWriter(), (entries, accepted, duplicates, rejected) -> { });
      }
      ledger.store().scan(single::add);
    }
    assertThat(single).hasSize(400);
    for (int i = 0; i < single.size(); i++) {
      LedgerEntry streamed = replay.figured().get(i);
      assertThat(streamed.record()).isEqualTo(single.get(i).record());
      assertThat(streamed.figures()).as(streamed.record().id()).isEqualTo(single.get(i).figures());
    }

    // The partition's chain is the ledger's chain: stored as a ledger, it verifies.
    try (Ledger ledger = Ledger.open(DuckDbStore.open(dir.resolve("streamed")), null)) {
      ledger.store().append(replay.figured());
      assertThat(ledger.verify().ok()).isTrue();
      assertThat(ReportJson.summary(new Reports(ledger.store()).summary(Scope.all(), Reports.DEFAULT_BREAKDOWNS)))
          .isEqualTo(ReportJson.summary(StreamReplay.summary(replay, Reports.DEFAULT_BREAKDOWNS)));
    }
  }

  @Test
  void the_aggregate_rows_the_sink_keeps_equal_the_ledger_totals_per_team_model_and_hour() throws IOException {
    Path file = records(400);
    StreamReplay.Result replay = StreamReplay.run(List.of(file.toString()), null, Catalog.estimator(Catalog.Options.defaults()),
        Catalog.DEFAULT_METHODOLOGY, Duration.ofHours(1));
    try (Ledger ledger = Ledger.open(DuckDbStore.open(dir.resolve("aggregated")), null)) {
      ledger.store().append(replay.figured());
      // Every update, in topic order, as the sink writes them: each replaces its window's row.
      for (String update : replay.aggregates()) ledger.store().putStreamAggregates(List.of(Messages.aggregate(update)));
      java.util.Map<String, Store.StreamAggregate> rows = new java.util.HashMap<>();
      ledger.store().streamAggregates().forEach(row -> rows.put(row.key(), row));

      List<Reports.Combination> expected = new Reports(ledger.store()).combinations(Scope.all(),
          List.of(Dimension.TEAM, Dimension.MODEL, Dimension.HOUR));
      assertThat(expected).hasSizeGreaterThan(20);
      assertThat(rows).hasSameSizeAs(expected);
      long unrated = 0;
      for (Reports.Combination group : expected) {
        String key = group.keys().get(0) + "|" + group.keys().get(1) + "|" + Instant.parse(group.keys().get(2));
        Store.StreamAggregate row = rows.get(key);
        assertThat(row).as(key + " among " + rows.keySet()).isNotNull();
        Aggregate totals = group.aggregate();
        assertThat(row.calls()).as(key).isEqualTo(totals.calls());
        assertThat(row.unratedCalls()).as(key).isEqualTo(totals.energyJoules().unratedCalls());
        assertThat(row.unratedTokens()).as(key).isEqualTo(totals.energyJoules().unratedTokens());
        unrated += row.unratedCalls();
        for (Tier tier : Tier.values()) {
          assertThat(row.energyJ().containsKey(tier)).as(key + " " + tier).isEqualTo(totals.energyJoules().callsOf(tier) > 0);
          assertThat(row.energyJ().getOrDefault(tier, 0.0)).as(key + " " + tier).isCloseTo(totals.energyJoules().of(tier),
              org.assertj.core.api.Assertions.withinPercentage(1e-9));
          assertThat(row.carbonG().getOrDefault(tier, 0.0)).as(key + " " + tier).isCloseTo(totals.carbonGrams().of(tier),
              org.assertj.core.api.Assertions.withinPercentage(1e-9));
        }
      }
      assertThat(unrated).as("the uncatalogued model's calls are counted as unrated, never as 0 J").isPositive();
    }
  }

  @Test
  void verify_checks_the_aggregate_rows_against_the_records_and_names_an_edited_row() throws IOException {
    StreamReplay.Result replay = StreamReplay.run(List.of(records(400).toString()), null, Catalog.estimator(Catalog.Options.defaults()),
        Catalog.DEFAULT_METHODOLOGY, Duration.ofHours(1));
    try (Ledger ledger = Ledger.open(DuckDbStore.open(dir.resolve("checked")), null)) {
      ledger.store().append(replay.figured());
      for (String update : replay.aggregates()) ledger.store().putStreamAggregates(List.of(Messages.aggregate(update)));
      List<Store.StreamAggregate> rows = ledger.store().streamAggregates();
      VerifyReport clean = ledger.verify();
      assertThat(clean.ok()).as(clean.derived().examples().toString()).isTrue();
      assertThat(clean.derived().streamRowsChecked()).isEqualTo(rows.size());
      assertThat(clean.derived().streamRowsPartial()).isZero();

      // A call of a row's hour stored another way (not through the stream): the row counts fewer calls, and is only
      // checked not to exceed the records.
      Store.StreamAggregate row = rows.stream().filter(r -> r.energyJ().containsKey(Tier.MODELLED)).findFirst().orElseThrow();
      try (Ledger.Writer writer = ledger.writer(Catalog.DEFAULT_METHODOLOGY, 10)) {
        writer.add(io.jouletrace.core.record.InvocationRecord.builder("openai", row.model(), 100).id("direct").team(row.team())
            .timestamp(row.windowStart().plusSeconds(60)).build(), "direct:1");
      }
      VerifyReport partial = ledger.verify();
      assertThat(partial.ok()).as(partial.derived().examples().toString()).isTrue();
      assertThat(partial.derived().streamRowsPartial()).isEqualTo(1);

      ledger.store().update("tamper", List.of("UPDATE stream_aggregates SET energy_j_modelled = energy_j_modelled * 10 WHERE aggregate_key = '"
          + row.key() + "'"));
      VerifyReport edited = ledger.verify();
      assertThat(edited.chainIntact()).isTrue();
      assertThat(edited.ok()).isFalse();
      assertThat(edited.derived().differences()).isEqualTo(1);
      VerifyReport.Difference difference = edited.derived().examples().getFirst();
      assertThat(difference.table()).isEqualTo("stream_aggregates");
      assertThat(difference.row()).isEqualTo(row.key());
      assertThat(difference.field()).isEqualTo("energy_j_modelled");
      assertThat(difference.expected()).startsWith("at most ");
      assertThat(Double.parseDouble(difference.stored())).isCloseTo(row.energyJ().get(Tier.MODELLED) * 10,
          org.assertj.core.api.Assertions.withinPercentage(1e-9));
    }
  }

  @Test
  void a_message_the_sink_cannot_store_is_named_by_its_place_and_what_it_took_before_stays() throws IOException {
    StreamReplay.Result replay = StreamReplay.run(List.of(records(20).toString()), null, Catalog.estimator(Catalog.Options.defaults()),
        Catalog.DEFAULT_METHODOLOGY, Duration.ofHours(1));
    Topics topics = Topics.defaults();
    try (Ledger ledger = Ledger.open(DuckDbStore.open(dir.resolve("sink-errors")), null)) {
      try (StreamSink.Writes writes = new StreamSink.Writes(ledger, topics, Catalog.DEFAULT_METHODOLOGY,
          new StreamSink.SpanRecords("self-hosted", null))) {
        for (int i = 0; i < replay.figured().size(); i++) writes.accept(topics.figured(), 1, i, Messages.figured(replay.figured().get(i), 0));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> writes.accept(topics.aggregates(), 2, 7,
                "{\"team\":\"t\",\"window_start\":\"2026-11-01T00:00:00Z\",\"calls\":1}"))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage(topics.aggregates() + "/2@7: cannot store this message: field 'model' is required");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> writes.accept(topics.measured(), 0, 3, "{\"kind\":\"run\"}"))
            .hasMessage(topics.measured() + "/0@3: cannot store this message: field 'measured' is required");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> writes.accept(topics.figured(), 1, 20, "not json"))
            .hasMessageStartingWith(topics.figured() + "/1@20: cannot store this message: ");
        writes.flush();
      }
      assertThat(ledger.store().head().seq()).as("the records read before the bad messages are stored").isEqualTo(20);
      assertThat(ledger.verify().ok()).isTrue();
    }
  }

  @Test
  void a_late_invocation_is_figured_at_its_own_event_time_and_routed_to_the_late_topic_not_dropped() throws IOException {
    // A grid signal that changes at 10:00: a record's carbon depends on its own event time.
    SeriesSignal signal = new SeriesSignal(List.of(new SeriesSignal.Point("FRA", T0.plusSeconds(9 * 3600), 100),
        new SeriesSignal.Point("FRA", T0.plusSeconds(10 * 3600), 300)), Duration.ofHours(3), "test series");
    Estimator estimator = Catalog.estimator(new Catalog.Options(null, null, null, signal));
    String call = "{\"id\":\"%s\",\"timestamp\":\"%s\",\"provider\":\"openai\",\"model\":\"gpt-4o\",\"output_tokens\":100,\"zone\":\"FRA\",\"team\":\"t\"}";
    Path file = Files.write(dir.resolve("late.jsonl"), List.of(
        String.format(call, "on-time", T0.plusSeconds(10 * 3600 + 600)),
        String.format(call, "later", T0.plusSeconds(13 * 3600)),
        String.format(call, "late", T0.plusSeconds(9 * 3600 + 600))));
    StreamReplay.Result replay = StreamReplay.run(List.of(file.toString()), null, estimator, Catalog.DEFAULT_METHODOLOGY, Duration.ofHours(1));

    assertThat(replay.figured()).extracting(e -> e.record().id()).containsExactly("on-time", "later", "late");
    FigureSet late = replay.figured().get(2).figures();
    assertThat(late.intensityGramsPerKwh()).isEqualTo(100.0);
    assertThat(replay.figured().get(0).figures().intensityGramsPerKwh()).isEqualTo(300.0);
    assertThat(replay.late()).singleElement().satisfies(v -> assertThat(Messages.entry(v).record().id()).isEqualTo("late"));
    // The aggregates carry the two on-time calls (each in its hour window) and not the late one.
    long aggregatedCalls = 0;
    for (String totals : lastPerWindow(replay.aggregates())) aggregatedCalls += Messages.JSON.readTree(totals).get("calls").asLong();
    assertThat(aggregatedCalls).isEqualTo(2);
  }

  @Test
  void stream_verify_recomputes_each_partition_chain_and_its_sealed_root_and_catches_an_edit_a_cut_tail_and_a_forged_root() throws IOException {
    Estimator estimator = Catalog.estimator(Catalog.Options.defaults());
    Topics topics = Topics.defaults();
    java.util.Properties config = new java.util.Properties();
    config.put(org.apache.kafka.streams.StreamsConfig.APPLICATION_ID_CONFIG, "verify-test");
    config.put(org.apache.kafka.streams.StreamsConfig.STATE_DIR_CONFIG, dir.resolve("state").toString());
    List<String> figured;
    List<String> heads;
    List<String> roots;
    var serializer = new org.apache.kafka.common.serialization.StringSerializer();
    var deserializer = new org.apache.kafka.common.serialization.StringDeserializer();
    try (var driver = new org.apache.kafka.streams.TopologyTestDriver(
        StreamTopology.build(topics, estimator, Catalog.DEFAULT_METHODOLOGY, Duration.ofHours(1), new java.util.concurrent.atomic.LongAdder(),
            KEY), config)) {
      var in = driver.createInputTopic(topics.invocations(), serializer, serializer);
      // Keyed by team (the input's own choice), not by record id as the figured topic is.
      for (String line : Files.readAllLines(records(50))) {
        JsonNode node = Messages.JSON.readTree(line);
        in.pipeInput(node.path("team").asText(null), line, Instant.parse(node.get("timestamp").asText()));
      }
      driver.advanceWallClockTime(FigureProcessor.HEAD_INTERVAL);
      // The heads reach the root task; its next round seals them. The round after finds no chain moved: no new root.
      driver.advanceWallClockTime(RootProcessor.ROOT_INTERVAL);
      driver.advanceWallClockTime(RootProcessor.ROOT_INTERVAL);
      figured = driver.createOutputTopic(topics.figured(), deserializer, deserializer).readValuesToList();
      heads = driver.createOutputTopic(topics.heads(), deserializer, deserializer).readValuesToList();
      roots = driver.createOutputTopic(topics.roots(), deserializer, deserializer).readValuesToList();
    }
    assertThat(heads).isNotEmpty();
    assertThat(roots).hasSize(1);
    JsonNode root = Messages.JSON.readTree(roots.getFirst());
    assertThat(root.get("heads")).singleElement().satisfies(h -> assertThat(h.get("seq").asLong()).isEqualTo(50));
    // As a consumer reads a figured topic of 3 partitions: Kafka's partitioner spreads the chain's records by id, and
    // they come partition by partition, so the chain is out of seq order and split across topic partitions.
    List<String> asReadFromThreePartitions = new ArrayList<>(figured);
    asReadFromThreePartitions.sort(java.util.Comparator.comparingInt(v -> idPartition(Messages.entry(v).record().id(), 3)));
    assertThat(asReadFromThreePartitions).isNotEqualTo(figured);
    StreamVerify.Report intact = StreamVerify.verify(asReadFromThreePartitions, heads, roots, estimator, SEAL);
    assertThat(intact.ok()).as(intact.toString()).isTrue();
    assertThat(intact.partitions()).singleElement().satisfies(p -> assertThat(p.records()).isEqualTo(50));
    assertThat(intact.rootsChecked()).isEqualTo(1);
    assertThat(intact.rootsSigned()).isTrue();
    assertThat(root.get("root").asText()).as("the published root is the one verify computes").isEqualTo(intact.root());
    assertThat(root.get("signature").asText()).startsWith(RootSeal.PREFIX);
    assertThat(StreamVerify.verify(figured, heads, roots, estimator, RootSeal.NONE).ok()).as("without the key: by hash alone").isTrue();
    String what = "root published at " + root.get("at").asText() + " (" + root.get("root").asText() + ")";
    assertThat(StreamVerify.verify(figured, heads, roots, estimator, RootSeal.of("another ledger key, 16+ bytes".getBytes(StandardCharsets.UTF_8)))
        .rootProblems()).containsExactly(what + ": its signature does not match the key");

    String tampered = roots.getFirst().replace(root.get("root").asText(), "0".repeat(64));
    StreamVerify.Report tamperedRoot = StreamVerify.verify(figured, heads, List.of(roots.getFirst(), tampered), estimator, RootSeal.NONE);
    assertThat(tamperedRoot.ok()).isFalse();
    assertThat(tamperedRoot.rootProblems()).containsExactly("root published at " + root.get("at").asText() + " (" + "0".repeat(64)
        + "): its hash does not follow from the heads it names");
    // A root anyone could add, self-consistent over the chain's true head, but without the key: not signed.
    String forged = ChainRoot.message(Instant.parse("2026-01-01T00:00:00Z"), ChainRoot.heads(root), RootSeal.NONE);
    assertThat(StreamVerify.verify(figured, heads, List.of(forged), estimator, RootSeal.NONE).ok()).isTrue();
    assertThat(StreamVerify.verify(figured, heads, List.of(forged), estimator, SEAL).rootProblems()).singleElement().asString()
        .endsWith(": it is not signed, and roots are checked with a key");
    // Signed with the key, but over a head the chain never had: a rewritten history with a root recomputed to match.
    String offChain = ChainRoot.message(Instant.parse("2026-01-01T00:00:00Z"), List.of(new ChainRoot.Head(0, 50, "f".repeat(64))), SEAL);
    assertThat(StreamVerify.verify(figured, heads, List.of(offChain), estimator, SEAL).rootProblems()).singleElement().asString()
        .contains("names partition 0 head seq 50 (" + "f".repeat(64) + "), which is not on that chain of 50 records");

    List<String> edited = new ArrayList<>(figured);
    edited.set(20, figured.get(20).replaceFirst("\"output_tokens\":(\\d+)", "\"output_tokens\":9$1"));
    assertThat(StreamVerify.verify(edited, heads, roots, estimator, SEAL).partitions().getFirst().firstProblem())
        .startsWith("seq 21: stored hash ").contains("does not follow from the stored content and the previous hash");

    List<String> cut = figured.subList(0, 45);
    StreamVerify.Report cutTail = StreamVerify.verify(cut, heads, roots, estimator, SEAL);
    assertThat(cutTail.partitions().getFirst().firstProblem()).contains("was cut or rewritten");
    assertThat(cutTail.rootProblems()).singleElement().asString().contains("which is not on that chain of 45 records");

    List<String> repeated = new ArrayList<>(figured);
    repeated.add(figured.get(7));
    assertThat(StreamVerify.verify(repeated, heads, roots, estimator, SEAL).partitions().getFirst().firstProblem()).isEqualTo("seq 8 stored twice");
  }

  /** The partition Kafka's default partitioner gives a record keyed by {@code id} in a topic of {@code partitions}. */
  private static int idPartition(String id, int partitions) {
    return org.apache.kafka.common.utils.Utils.toPositive(org.apache.kafka.common.utils.Utils.murmur2(
        id.getBytes(java.nio.charset.StandardCharsets.UTF_8))) % partitions;
  }

  /** The aggregates topic carries every update; a window's last update is its total. */
  private static List<String> lastPerWindow(List<String> updates) throws IOException {
    java.util.Map<String, String> last = new java.util.LinkedHashMap<>();
    for (String update : updates) {
      JsonNode node = Messages.JSON.readTree(update);
      last.put(String.valueOf(node.get("window_start")), update);
    }
    return new ArrayList<>(last.values());
  }
}
