package io.jouletrace.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;

import io.jouletrace.catalog.Catalog;
import io.jouletrace.core.attribution.Attribution;
import io.jouletrace.core.attribution.AttributionOptions;
import io.jouletrace.core.attribution.Attributor;
import io.jouletrace.core.attribution.MeterSample;
import io.jouletrace.core.attribution.RunSpan;
import io.jouletrace.core.figure.Tier;
import io.jouletrace.core.methodology.Estimator;
import io.jouletrace.core.record.InvocationRecord;
import io.jouletrace.ledger.chain.ChainHasher;
import io.jouletrace.ledger.entry.FigureSet;
import io.jouletrace.ledger.entry.LedgerEntry;
import io.jouletrace.ledger.store.Store;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * What every store must give the ledger: chaining, idempotency, tamper detection, backfill. A store's
 * test extends this with {@link #openStore} (the same, initially empty, ledger on every call within
 * one test) and {@link #sql} (a statement run directly against it, to tamper).
 */
public abstract class LedgerContractTest {

  public static final Estimator ESTIMATOR = Catalog.estimator(Catalog.Options.defaults());
  private static final String[][] MODELS = {
      {"openai", "gpt-4o"}, {"mistralai", "open-mistral-7b"}, {"anthropic", "claude-opus-4-1"}, {"acme", "mystery-model"},
      {"huggingface_hub", "meta-llama/Meta-Llama-3.1-8B-Instruct"}};

  /** Opens this test's ledger store; every call within one test opens the same ledger. */
  protected abstract Store openStore();

  /** Runs one SQL statement directly against this test's ledger, as someone with write access could. */
  protected abstract void sql(String statement) throws Exception;

  /** Deterministic records from a fixed seed: a mix of known, ranged and unknown models, zones and regions. */
  public static List<InvocationRecord> records(int count, long seed) {
    Random random = new Random(seed);
    List<InvocationRecord> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String[] model = MODELS[random.nextInt(MODELS.length)];
      var builder = InvocationRecord.builder(model[0], model[1], random.nextInt(2000))
          .id("call-" + seed + "-" + i)
          .timestamp(Instant.parse("2026-11-01T00:00:00Z").plusNanos(random.nextLong(30L * 86_400_000_000_000L)))
          .tenant("tenant-" + random.nextInt(3)).team("team-" + random.nextInt(5)).inputTokens((long) random.nextInt(4000))
          .latencySeconds(random.nextBoolean() ? null : random.nextDouble() * 20);
      switch (random.nextInt(3)) {
        case 0 -> builder.zone(random.nextBoolean() ? "FRA" : "USA");
        case 1 -> builder.region("eu-west-1");
        default -> { }
      }
      out.add(builder.build());
    }
    return out;
  }

  protected Ledger open(byte[] key) {
    return Ledger.open(openStore(), key);
  }

  /** Writes {@code records} through one writer (source refs {@code test:1}, {@code test:2}, …) and closes it. */
  public static Ledger.Writer ingest(Ledger ledger, List<InvocationRecord> records, int batchSize) {
    Ledger.Writer writer = ledger.writer(Catalog.DEFAULT_METHODOLOGY, batchSize);
    for (int i = 0; i < records.size(); i++) writer.add(records.get(i), "test:" + (i + 1));
    writer.close();
    return writer;
  }

  @Test
  public void chains_figures_and_verifies_and_reingesting_changes_nothing() {
    List<InvocationRecord> records = records(2_500, 1);
    String head;
    try (Ledger ledger = open(null)) {
      Ledger.Writer first = ingest(ledger, records, 1_000);
      assertThat(first.accepted()).isEqualTo(2_500);
      assertThat(first.duplicates()).isZero();
      head = first.head().hash();
      VerifyReport report = ledger.verify();
      assertThat(report.recordsChecked()).isEqualTo(2_500);
      assertThat(report.chainIntact()).isTrue();
      assertThat(report.drift()).isZero();
      assertThat(report.figuresRecomputed()).isEqualTo(2_500);
      assertThat(report.headHash()).isEqualTo(head);
    }
    // Reopened (as a re-run would), the same records plus overlap within one batch are all duplicates.
    List<InvocationRecord> again = new ArrayList<>(records.subList(0, 1_200));
    again.addAll(records);
    try (Ledger ledger = open(null)) {
      Ledger.Writer second = ingest(ledger, again, 700);
      assertThat(second.accepted()).isZero();
      assertThat(second.duplicates()).isEqualTo(3_700);
      assertThat(second.head().hash()).isEqualTo(head);
      assertThat(ledger.verify().recordsChecked()).isEqualTo(2_500);
    }
  }

  @Test
  public void a_large_batch_figured_on_several_threads_chains_record_after_record_and_verify_in_batches_names_an_edit_in_a_later_one()
      throws Exception {
    int count = 25_000; // one writer batch split among the figuring threads; several of verify's batches
    String head;
    try (Ledger ledger = open(null)) {
      head = ingest(ledger, records(count, 11), count).head().hash();
      ChainHasher serial = ChainHasher.sha256();
      List<String> broken = new ArrayList<>();
      long[] seen = {0};
      String[] chained = {ChainHasher.GENESIS};
      ledger.store().scan(entry -> {
        seen[0]++;
        chained[0] = serial.hash(chained[0], entry);
        if (!chained[0].equals(entry.hash()) || entry.seq() != seen[0]) broken.add("seq " + entry.seq());
      });
      assertThat(broken).isEmpty();
      assertThat(chained[0]).isEqualTo(head);
      VerifyReport report = ledger.verify();
      assertThat(report.ok()).isTrue();
      assertThat(report.recordsChecked()).isEqualTo(count);
      assertThat(report.headHash()).isEqualTo(head);
    }
    sql("UPDATE ledger_records SET output_tokens = output_tokens + 1 WHERE seq = 23456");
    try (Ledger ledger = open(null)) {
      VerifyReport report = ledger.verify();
      assertThat(report.firstAlteredSeq()).isEqualTo(23_456);
      assertThat(report.firstAlteredId()).isEqualTo(records(count, 11).get(23_455).id());
      assertThat(report.recordsChecked()).isEqualTo(count);
    }
  }

  @Test
  public void an_id_repeated_inside_one_batch_is_stored_once() {
    InvocationRecord record = records(1, 2).getFirst();
    try (Ledger ledger = open(null)) {
      Ledger.Writer writer = ingest(ledger, List.of(record, record, record), 100);
      assertThat(writer.accepted()).isEqualTo(1);
      assertThat(writer.duplicates()).isEqualTo(2);
    }
  }

  @Test
  public void the_requested_model_is_stored_beside_the_served_one_and_verifies() {
    InvocationRecord asked = order("acme", "alias-1", 10).withModelRequested("gpt-4o-alias");
    try (Ledger ledger = open(null)) {
      ingest(ledger, List.of(asked, order("acme", "plain-1", 10)), 10);
      assertThat(ledger.store().entries("alias-1").getFirst().record().modelRequested()).isEqualTo("gpt-4o-alias");
      assertThat(ledger.store().entries("plain-1").getFirst().record().modelRequested()).isNull();
      VerifyReport report = ledger.verify();
      assertThat(report.chainIntact()).isTrue();
      assertThat(report.drift()).isZero();
    }
  }

  /** Order {@code id} of {@code tenant} with {@code outputTokens}: records that differ only where the test says. */
  private static InvocationRecord order(String tenant, String id, long outputTokens) {
    return InvocationRecord.builder("openai", "gpt-4o", outputTokens).id(id).tenant(tenant).inputTokens(50L)
        .timestamp(Instant.parse("2026-11-03T10:00:00.123456789Z")).build();
  }

  @Test
  public void a_record_is_its_tenant_and_id_and_the_same_id_with_other_content_is_a_conflict_that_keeps_the_stored_record() {
    try (Ledger ledger = open(null)) {
      Ledger.Writer writer = ledger.writer(Catalog.DEFAULT_METHODOLOGY, 100);
      writer.add(order("acme", "order-42", 100), "a:1");
      writer.add(order("globex", "order-42", 200), "b:1");
      writer.add(order(null, "order-42", 300), "c:1");
      writer.add(order("acme", "order-7", 10), "a:2");
      writer.add(order("acme", "order-7", 11), "a:3"); // the same batch: conflicts with the record just numbered
      writer.flush();
      writer.add(order("acme", "order-42", 100), "a:4"); // the same content again (its nanoseconds stored as micros)
      writer.add(order("globex", "order-42", 999), "b:2");
      writer.add(order(null, "order-42", 300), "c:2");
      writer.close();

      assertThat(writer.accepted()).isEqualTo(4);
      assertThat(writer.duplicates()).isEqualTo(2);
      assertThat(writer.takeConflicts()).containsExactly(new Ledger.Conflict("a:3", "acme", "order-7", 4),
          new Ledger.Conflict("b:2", "globex", "order-42", 2));
      assertThat(writer.takeConflicts()).isEmpty();
      assertThat(ledger.store().entries("order-42")).extracting(e -> e.record().tenant(), e -> e.record().outputTokens())
          .containsExactly(tuple("acme", 100L), tuple("globex", 200L),
              tuple(null, 300L));
      assertThat(ledger.store().entries("order-7")).extracting(e -> e.record().outputTokens()).containsExactly(10L);
      assertThat(ledger.verify().ok()).isTrue();
    }
  }

  @Test
  public void each_tenant_record_of_one_id_gets_its_own_backfilled_figure_set() {
    try (Ledger ledger = open(null)) {
      ingest(ledger, List.of(order("acme", "order-42", 100), order("globex", "order-42", 200)), 10);
      assertThat(ledger.backfill("rates-1", 10)).isEqualTo(2);
      assertThat(ledger.backfill("rates-1", 10)).isZero();
      for (LedgerEntry entry : ledger.store().entries("order-42")) {
        assertThat(ledger.store().figureSets(entry.seq())).singleElement().satisfies(set -> {
          assertThat(set.seq()).isEqualTo(entry.seq());
          assertThat(set.figures().methodologyVersion()).isEqualTo("rates-1");
        });
      }
      VerifyReport report = ledger.verify();
      assertThat(report.figureSetsChecked()).isEqualTo(2);
      assertThat(report.ok()).isTrue();
    }
  }

  @Test
  public void an_edited_record_is_named_with_what_differs() throws Exception {
    try (Ledger ledger = open(null)) {
      ingest(ledger, records(300, 3), 100);
    }
    sql("UPDATE ledger_records SET output_tokens = output_tokens + 1000 WHERE seq = 137");
    try (Ledger ledger = open(null)) {
      VerifyReport report = ledger.verify();
      assertThat(report.chainIntact()).isFalse();
      assertThat(report.firstAlteredSeq()).isEqualTo(137);
      assertThat(report.firstAlteredId()).isEqualTo(records(300, 3).get(136).id());
      assertThat(report.alteration()).contains("does not follow");
      assertThat(report.recordsChecked()).isEqualTo(300);
    }
  }

  @Test
  public void a_stored_figure_that_no_longer_follows_from_its_inputs_is_drift() throws Exception {
    try (Ledger ledger = open(null)) {
      ingest(ledger, records(200, 4), 100);
    }
    sql("UPDATE ledger_records SET energy_j_high = energy_j_high * 2 WHERE seq = 42 AND energy_j_high IS NOT NULL");
    try (Ledger ledger = open(null)) {
      VerifyReport report = ledger.verify();
      assertThat(report.drift()).isEqualTo(1);
      assertThat(report.driftExamples().getFirst()).startsWith("seq 42: energy_j_high: stored");
      assertThat(report.firstAlteredSeq()).isEqualTo(42);
    }
  }

  @Test
  public void a_deleted_record_shows_as_the_first_missing_seq() throws Exception {
    try (Ledger ledger = open(null)) {
      ingest(ledger, records(100, 5), 30);
    }
    sql("DELETE FROM ledger_records WHERE seq = 61");
    try (Ledger ledger = open(null)) {
      VerifyReport report = ledger.verify();
      assertThat(report.firstAlteredSeq()).isEqualTo(61);
      assertThat(report.alteration()).isEqualTo("seq 61 missing (next stored seq is 62)");
    }
  }

  @Test
  public void with_an_hmac_key_a_rehashed_edit_is_still_named_at_the_edited_record() throws Exception {
    byte[] key = "0123456789abcdef-secret".getBytes();
    try (Ledger ledger = open(key)) {
      ingest(ledger, records(50, 6), 20);
    }
    // Someone with write access edits seq 10 and re-seals it with plain SHA-256 (they lack the key).
    Store.Head forged;
    try (Store store = openStore()) {
      List<LedgerEntry> entries = new ArrayList<>();
      store.scan(entries::add);
      LedgerEntry original = entries.get(9);
      InvocationRecord r = original.record();
      var editedRecord = new InvocationRecord(r.id(), r.timestamp(), r.tenant(), r.team(), r.costCenter(), r.traceId(), r.provider(),
          r.model(), r.operation(), r.inputTokens(), r.outputTokens() + 1, r.reasoningTokens(), r.cachedInputTokens(),
          r.latencySeconds(), r.zone(), r.region(), r.intensityGramsPerKwh(), r.modelRequested(), null);
      var edited = new LedgerEntry(10, editedRecord, original.figures(), original.sourceRef(), null);
      forged = new Store.Head(10, ChainHasher.sha256().hash(entries.get(8).hash(), edited));
    }
    sql("UPDATE ledger_records SET hash = '" + forged.hash() + "', output_tokens = output_tokens + 1 WHERE seq = 10");
    try (Ledger ledger = open(key)) {
      assertThat(ledger.verify().firstAlteredSeq()).isEqualTo(10);
    }
    assertThatThrownBy(() -> open(null)).hasMessageContaining("sealed with an HMAC key");
  }

  @Test
  public void backfill_adds_figure_sets_once_and_never_touches_the_original_figures() {
    try (Ledger ledger = open(null)) {
      ingest(ledger, records(400, 7), 150);
      String head = ledger.store().head().hash();
      assertThat(ledger.backfill("ecologits-0.4.0", 128)).isEqualTo(400);
      assertThat(ledger.backfill("ecologits-0.4.0", 128)).isZero();
      assertThat(ledger.backfill("rates-1", 1000)).isEqualTo(400);
      assertThat(ledger.store().head().hash()).isEqualTo(head);
      VerifyReport report = ledger.verify();
      assertThat(report.figureSetsChecked()).isEqualTo(800);
      assertThat(report.figuresRecomputed()).isEqualTo(1_200);
      assertThat(report.ok()).isTrue();
      List<String> versions = new ArrayList<>();
      ledger.store().scan(e -> versions.add(e.figures().methodologyVersion()));
      assertThat(versions).containsOnly(Catalog.DEFAULT_METHODOLOGY);
    }
  }

  // ---- measured figures (docs/measured.md) ----------------------------------------------------

  public static final Instant T0 = Instant.parse("2026-03-01T14:00:00Z");
  public static final String MODEL = "meta-llama/Llama-3.1-8B-Instruct";

  /** gpu0's energy counter read every second for 20 s: 100 W idle, 400 W while any span runs (2 s – 15 s). */
  public static List<MeterSample> counter() {
    List<MeterSample> samples = new ArrayList<>();
    double joules = 0;
    for (int t = 0; t <= 20; t++) {
      samples.add(new MeterSample("gpu0", T0.plusSeconds(t), MeterSample.Kind.ENERGY, joules));
      joules += t >= 2 && t < 15 ? 400 : 100;
    }
    return samples;
  }

  public static List<RunSpan> twoSpans() {
    return List.of(
        new RunSpan("req-a", List.of("gpu0"), T0.plusSeconds(2), T0.plusSeconds(8), "acme", "search", MODEL, 1200L, 300L, Map.of()),
        new RunSpan("req-b", List.of("gpu0"), T0.plusSeconds(5), T0.plusSeconds(15), "globex", "support", MODEL, 800L, 700L, Map.of()));
  }

  public static Measurement.Setup setup() {
    return new Measurement.Setup(AttributionOptions.defaults().withIdleWatts(Map.of("gpu0", 100.0)), "self-hosted", "FRA",
        Catalog.DEFAULT_METHODOLOGY);
  }

  private static Map<String, Store.StoredFigureSet> measuredSets(Ledger ledger) {
    Map<String, Store.StoredFigureSet> sets = new HashMap<>();
    ledger.store().scanFigureSets((entry, set) -> {
      if (set.attributionRun() != null) sets.put(set.id(), set);
    });
    return sets;
  }

  @Test
  public void measured_figures_sit_beside_the_modelled_ones_and_verify_recomputes_them() {
    try (Ledger ledger = open(null)) {
      // req-b was already ledgered for its tenant (by the gateway, say): it keeps its record and gains a measured set.
      ingest(ledger, List.of(InvocationRecord.builder("self-hosted", MODEL, 700).id("req-b").tenant("globex").timestamp(T0.plusSeconds(5))
          .inputTokens(800L).zone("FRA").build()), 10);
      Measurement.Result result = new Measurement(ledger).ingest(counter(), twoSpans(), setup(), 100);

      assertThat(result.alreadyStored()).isFalse();
      assertThat(result.newRecords()).isEqualTo(1);
      assertThat(result.measured()).isEqualTo(2);
      assertThat(ledger.store().head().seq()).isEqualTo(2);
      Map<String, Store.StoredFigureSet> sets = measuredSets(ledger);
      assertThat(sets).containsOnlyKeys("req-a", "req-b");
      double total = 0;
      for (Attribution.SpanEnergy span : result.attribution().spans()) {
        FigureSet.Amount energy = sets.get(span.id()).figures().energyJoules();
        assertThat(energy.tier()).isEqualTo("measured");
        assertThat(energy.band()).isEqualTo("accurate");
        assertThat(energy.value()).isCloseTo(span.energyJ(), within(1e-9));
        assertThat(energy.low()).isCloseTo(0.95 * span.energyJ(), within(1e-9));
        FigureSet.Amount carbon = sets.get(span.id()).figures().carbonGrams();
        assertThat(carbon.value()).isCloseTo(span.energyJ() / 3.6e6 * sets.get(span.id()).figures().intensityGramsPerKwh(), within(1e-12));
        assertThat(sets.get(span.id()).figures().methodologyVersion()).isEqualTo(Measurement.METHODOLOGY_VERSION);
        total += span.energyJ();
      }
      // 13 s at 400 W while a span runs, all of it theirs under idle_to_active: 5200 J.
      assertThat(total).isCloseTo(5200, within(1e-6));

      VerifyReport report = ledger.verify();
      assertThat(report.ok()).as(report.toString()).isTrue();
      assertThat(report.figureSetsChecked()).isEqualTo(2);

      Measurement.Result again = new Measurement(ledger).ingest(counter(), twoSpans(), setup(), 100);
      assertThat(again.alreadyStored()).isTrue();
      assertThat(again.runId()).isEqualTo(result.runId());
      assertThat(measuredSets(ledger)).hasSize(2);
      assertThat(ledger.store().head().seq()).isEqualTo(2);
    }
  }

  @Test
  public void spans_left_out_of_the_measured_set_share_the_energy_but_gain_no_record_and_no_figure_set() {
    try (Ledger ledger = open(null)) {
      Measurement.Setup onlyA = new Measurement.Setup(setup().options(), "self-hosted", "FRA", null, null, Catalog.DEFAULT_METHODOLOGY,
          java.util.Set.of("req-a"));
      Measurement.Result result;
      try (Ledger.Writer writer = ledger.writer(Catalog.DEFAULT_METHODOLOGY, 100)) {
        result = new Measurement(ledger).ingest(writer, counter(), twoSpans(), onlyA);
      }
      assertThat(result.newRecords()).isEqualTo(1);
      assertThat(ledger.store().entries("req-b")).isEmpty();
      Map<String, Store.StoredFigureSet> sets = measuredSets(ledger);
      assertThat(sets).containsOnlyKeys("req-a");
      // req-a's share is the one it gets beside req-b, as when both are measured.
      Attribution.SpanEnergy a = Attributor.attribute(counter(), twoSpans(), setup().options()).spans().stream()
          .filter(s -> s.id().equals("req-a")).findFirst().orElseThrow();
      assertThat(sets.get("req-a").figures().energyJoules().value()).isCloseTo(a.energyJ(), within(1e-9));
      VerifyReport report = ledger.verify();
      assertThat(report.ok()).as(report.toString()).isTrue();
      assertThat(report.figureSetsChecked()).isEqualTo(1);
      try (Ledger.Writer other = ledger.writer("ecologits-0.4.0", 10)) {
        assertThatThrownBy(() -> new Measurement(ledger).ingest(other, counter(), twoSpans(), onlyA))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("fill methodology");
      }
    }
  }

  @Test
  public void a_record_measured_by_an_earlier_run_keeps_that_measurement() {
    try (Ledger ledger = open(null)) {
      Measurement.Result first = new Measurement(ledger).ingest(counter(), twoSpans(), setup(), 100);
      Measurement.Setup otherIdle = new Measurement.Setup(setup().options().withIdleWatts(Map.of("gpu0", 50.0)), "self-hosted", "FRA",
          Catalog.DEFAULT_METHODOLOGY);
      Measurement.Result second = new Measurement(ledger).ingest(counter(), twoSpans(), otherIdle, 100);
      assertThat(second.runId()).isNotEqualTo(first.runId());
      assertThat(second.measured()).isZero();
      assertThat(second.alreadyMeasured()).isEqualTo(2);
      assertThat(measuredSets(ledger).values()).extracting(Store.StoredFigureSet::attributionRun).containsOnly(first.runId());
      assertThat(ledger.verify().ok()).isTrue();
    }
  }

  @Test
  public void a_pue_series_scales_each_span_by_the_pue_in_force_at_its_start_and_travels_with_the_run() {
    try (Ledger ledger = open(null)) {
      ledger.addSignals(List.of(new Store.SignalPoint(Store.SignalPoint.PUE, "dc1", T0, 1.5, "pue.csv"),
          new Store.SignalPoint(Store.SignalPoint.PUE, "dc1", T0.plusSeconds(4), 1.25, "pue.csv")));
      Measurement.Setup withPue = new Measurement.Setup(setup().options(), "self-hosted", "FRA", "dc1", ledger.pueSeries("dc1"),
          Catalog.DEFAULT_METHODOLOGY);
      Measurement.Result result = new Measurement(ledger).ingest(counter(), twoSpans(), withPue, 100);
      Map<String, Store.StoredFigureSet> sets = measuredSets(ledger);
      for (Attribution.SpanEnergy span : result.attribution().spans()) {
        double pue = span.id().equals("req-a") ? 1.5 : 1.25; // req-a starts at 2 s, req-b at 5 s
        assertThat(sets.get(span.id()).figures().energyJoules().value()).isCloseTo(pue * span.energyJ(), within(1e-9));
      }
      // A later point changes nothing already measured: the run keeps the series it used.
      ledger.addSignals(List.of(new Store.SignalPoint(Store.SignalPoint.PUE, "dc1", T0, 2.0, "late.csv")));
      assertThat(ledger.verify().ok()).isTrue();
    }
  }

  @Test
  public void an_altered_meter_sample_shows_as_drift_of_the_measured_figures() throws Exception {
    String runId;
    try (Ledger ledger = open(null)) {
      runId = new Measurement(ledger).ingest(counter(), twoSpans(), setup(), 100).runId();
    }
    sql("UPDATE attribution_samples SET value = value + 500 WHERE ord >= 6");
    try (Ledger ledger = open(null)) {
      VerifyReport report = ledger.verify();
      assertThat(report.drift()).isEqualTo(2);
      assertThat(report.driftExamples().getFirst()).contains("attribution run " + runId).contains("altered");
    }
  }

  @Test
  public void an_altered_measured_figure_breaks_the_seal_of_its_record() throws Exception {
    try (Ledger ledger = open(null)) {
      new Measurement(ledger).ingest(counter(), twoSpans(), setup(), 100);
    }
    sql("UPDATE ledger_figure_sets SET energy_j_high = energy_j_high / 2 WHERE id = 'req-b'");
    try (Ledger ledger = open(null)) {
      VerifyReport report = ledger.verify();
      assertThat(report.firstAlteredSeq()).isEqualTo(2);
      assertThat(report.alteration()).contains("measured-1 figure set of seq 2");
      assertThat(report.drift()).isEqualTo(1);
    }
  }

  @Test
  public void a_series_figures_the_records_written_after_it_and_leaves_earlier_ones_as_sealed() {
    InvocationRecord early = InvocationRecord.builder("openai", "gpt-4o", 500).id("early").timestamp(T0).zone("DEU").build();
    InvocationRecord late = InvocationRecord.builder("openai", "gpt-4o", 500).id("late").timestamp(T0).zone("DEU").build();
    try (Ledger ledger = open(null)) {
      ingest(ledger, List.of(early), 10);
      ledger.addSignals(List.of(new Store.SignalPoint(Store.SignalPoint.INTENSITY, "DEU", T0.minusSeconds(600), 123.5, "grid.csv"),
          new Store.SignalPoint(Store.SignalPoint.INTENSITY, "DEU", T0.minusSeconds(600), 125.0, "correction.csv")));
      ingest(ledger, List.of(late), 10);
      Map<String, FigureSet> figures = new HashMap<>();
      ledger.store().scan(e -> figures.put(e.record().id(), e.figures()));
      assertThat(figures.get("early").intensitySource()).doesNotStartWith("signal");
      assertThat(figures.get("late").intensityGramsPerKwh()).isEqualTo(125.0);
      assertThat(figures.get("late").intensitySource()).startsWith("signal: stored series DEU @ ");
      assertThat(ledger.verify().ok()).isTrue();
    }
    try (Ledger reopened = open(null)) {
      assertThat(reopened.verify().ok()).isTrue();
    }
  }

  @Test
  public void signal_points_come_back_in_ingest_order_with_the_head_they_arrived_at() {
    try (Store store = openStore()) {
      store.appendSignalPoints(List.of(new Store.SignalPoint(Store.SignalPoint.INTENSITY, "DEU", T0, 380.5, "a.csv"),
          new Store.SignalPoint(Store.SignalPoint.PUE, "dc1", T0, 1.2, "p.csv")), 0);
      store.appendSignalPoints(List.of(new Store.SignalPoint(Store.SignalPoint.INTENSITY, "DEU", T0, 390.25, "b.csv")), 7);
      List<Store.SignalPoint> intensity = new ArrayList<>();
      List<Long> afterSeqs = new ArrayList<>();
      store.scanSignalPoints(Store.SignalPoint.INTENSITY, (point, afterSeq) -> {
        intensity.add(point);
        afterSeqs.add(afterSeq);
      });
      assertThat(intensity).extracting(Store.SignalPoint::value).containsExactly(380.5, 390.25);
      assertThat(afterSeqs).containsExactly(0L, 7L);
      assertThat(intensity.getFirst().source()).isEqualTo("a.csv");
      assertThat(intensity.getFirst().time()).isEqualTo(T0);
    }
  }

  @Test
  public void a_stream_aggregate_written_again_replaces_its_row_and_keeps_unknown_tiers_null() {
    Instant hour = Instant.parse("2026-11-01T10:00:00Z");
    var first = new Store.StreamAggregate("team-a", "gpt-4o", hour, 2, Map.of(Tier.MODELLED, 1200.5), Map.of(Tier.MODELLED, 0.25), 0, 0);
    var noTeam = new Store.StreamAggregate(null, "mystery", hour, 1, Map.of(), Map.of(), 1, 640);
    var updated = new Store.StreamAggregate("team-a", "gpt-4o", hour, 3, Map.of(Tier.MODELLED, 1800.0, Tier.ESTIMATED, 7.5),
        Map.of(Tier.MODELLED, 0.375), 0, 0);
    try (Store store = openStore()) {
      store.putStreamAggregates(List.of(first, noTeam));
      store.putStreamAggregates(List.of(updated));
      store.putStreamAggregates(List.of(updated)); // delivered again: the same row
      assertThat(store.streamAggregates()).containsExactly(updated, noTeam); // by key: "team-a|…" sorts before "|mystery|…"
      assertThat(noTeam.key()).isEqualTo("|mystery|2026-11-01T10:00:00Z");
    }
  }

  @Test
  public void deleting_the_newest_records_fails_verify_against_an_earlier_checkpoint_only() throws Exception {
    Checkpoint checkpoint;
    try (Ledger ledger = open(null)) {
      ingest(ledger, records(100, 12), 30);
      checkpoint = ledger.checkpoint();
      assertThat(checkpoint.seq()).isEqualTo(100);
      assertThat(checkpoint.hmac()).isNull();
      assertThat(ledger.verify(checkpoint).ok()).isTrue();
    }
    sql("DELETE FROM ledger_records WHERE seq > 90");
    try (Ledger ledger = open(null)) {
      // What is left still chains: the documented limit of the chain alone.
      VerifyReport plain = ledger.verify();
      assertThat(plain.chainIntact()).isTrue();
      assertThat(plain.ok()).isTrue();
      VerifyReport report = ledger.verify(Checkpoint.parse(checkpoint.text(), "head.txt"));
      assertThat(report.ok()).isFalse();
      assertThat(report.expectedHead().problem()).isEqualTo("seq 100 is missing: the ledger ends before it (truncated)");
      String rewritten = "0".repeat(63) + "1";
      assertThat(ledger.verify(Checkpoint.parseSeqHash("50:" + rewritten)).expectedHead().problem())
          .startsWith("seq 50 (id " + records(100, 12).get(49).id() + ") has hash ").endsWith("the checkpoint has " + rewritten + " (rewritten)");
    }
  }

  @Test
  public void with_a_ledger_key_a_checkpoint_whose_hmac_was_altered_is_refused() {
    byte[] key = "0123456789abcdef-secret".getBytes();
    try (Ledger ledger = open(key)) {
      ingest(ledger, records(20, 13), 10);
      Checkpoint checkpoint = ledger.checkpoint();
      assertThat(checkpoint.hmac()).hasSize(64);
      assertThat(Checkpoint.parse(checkpoint.json().toString(), "head.json")).isEqualTo(checkpoint);
      assertThat(ledger.verify(Checkpoint.parse(checkpoint.text(), "head.txt")).ok()).isTrue();

      String flipped = (checkpoint.hmac().charAt(0) == '0' ? "1" : "0") + checkpoint.hmac().substring(1);
      VerifyReport altered = ledger.verify(new Checkpoint(checkpoint.seq(), checkpoint.hash(), checkpoint.at(), flipped));
      assertThat(altered.ok()).isFalse();
      assertThat(altered.expectedHead().problem()).startsWith("checkpoint refused: its HMAC does not match");
      // An earlier seq with the same HMAC (to pass off a cut ledger) is refused the same way.
      assertThat(ledger.verify(new Checkpoint(10, checkpoint.hash(), checkpoint.at(), checkpoint.hmac())).expectedHead().problem())
          .startsWith("checkpoint refused: its HMAC does not match");
      assertThat(ledger.verify(new Checkpoint(checkpoint.seq(), checkpoint.hash(), checkpoint.at(), null)).expectedHead().problem())
          .isEqualTo("checkpoint refused: it has no HMAC, and this ledger is sealed with a key");
    }
  }

  @Test
  public void new_figures_store_their_dataset_releases_and_the_hash_covers_them() throws Exception {
    InvocationRecord record = records(1, 40).getFirst();
    try (Ledger ledger = open(null)) {
      ingest(ledger, List.of(record), 10);
      ledger.backfill("ecologits-0.8.2", 10);
      LedgerEntry stored = ledger.store().entries(record.id()).getFirst();
      assertThat(stored.figures().datasets()).isEqualTo(io.jouletrace.catalog.Datasets.forMethodology(Catalog.DEFAULT_METHODOLOGY))
          .contains("grid-owid.1@");
      assertThat(ledger.store().figureSets(stored.seq())).singleElement()
          .satisfies(set -> assertThat(set.figures().datasets()).startsWith("ecologits-0.8.2-models.1@"));
      assertThat(ledger.verify().ok()).isTrue();
    }
    sql("UPDATE ledger_records SET datasets = 'grid-owid.9@000000000000' WHERE id = '" + record.id() + "'");
    try (Ledger ledger = open(null)) {
      assertThat(ledger.verify().chainIntact()).as("the releases are part of the hashed form").isFalse();
    }
  }

  @Test
  public void a_figure_made_with_another_dataset_release_is_named_not_reported_as_drift() {
    InvocationRecord record = InvocationRecord.builder("openai", "gpt-4o", 300).id("old-data").timestamp(Instant.parse("2026-11-02T10:00:00Z"))
        .zone("FRA").build();
    FigureSet now = FigureSet.withDatasets(ESTIMATOR.estimate(LedgerEntry.withStoredTimestamp(record), Catalog.DEFAULT_METHODOLOGY));
    // As the figure would have been with an earlier grid file: another intensity, and the release that gave it.
    FigureSet earlier = new FigureSet(now.methodologyVersion(), now.modelResolved(), now.modelSource(), now.modelBand(), now.energyJoules(),
        new FigureSet.Amount(now.carbonGrams().low() * 2, now.carbonGrams().high() * 2, now.carbonGrams().tier(), now.carbonGrams().band()),
        now.embodiedCarbonGrams(), now.waterLitres(), now.intensityGramsPerKwh() * 2, now.intensitySource(), now.intensityZone(),
        now.nullReasons(), now.datasets().replace(Catalog.DEFAULT_METHODOLOGY + "-mixes.1@", Catalog.DEFAULT_METHODOLOGY + "-mixes.0@"));
    try (Ledger ledger = open(null)) {
      LedgerEntry unsealed = new LedgerEntry(1, LedgerEntry.withStoredTimestamp(record), earlier, "test:1", null);
      ledger.store().append(List.of(new LedgerEntry(1, unsealed.record(), earlier, "test:1",
          ChainHasher.sha256().hash(ChainHasher.GENESIS, unsealed))));
      VerifyReport report = ledger.verify();
      assertThat(report.chainIntact()).isTrue();
      assertThat(report.drift()).isZero();
      assertThat(report.otherDatasets().figures()).isEqualTo(1);
      assertThat(report.otherDatasets().examples()).singleElement().asString()
          .contains("figured with " + Catalog.DEFAULT_METHODOLOGY + "-models.1@").contains(Catalog.DEFAULT_METHODOLOGY + "-mixes.0@")
          .contains("bundled now");
    }
  }

  /** Writes {@code records} through a writer of chain {@code instanceId} in batches of {@code batchSize}, and closes it. */
  private static Ledger.Writer ingestAs(Ledger ledger, String instanceId, List<InvocationRecord> records, int batchSize) {
    ledger.appendAs(instanceId, null);
    return ingest(ledger, records, batchSize);
  }

  @Test
  public void writers_of_several_chains_share_one_ledger_and_verify_names_each_chains_first_break() throws Exception {
    byte[] key = "0123456789abcdef-secret".getBytes();
    String defaultHead;
    try (Ledger ledger = open(key)) {
      defaultHead = ingest(ledger, records(30, 40), 7).head().hash(); // a one-writer ledger: its chain is the default chain
    }
    // As a ledger from before V14 stores them: no position, which then is the record's seq.
    sql("UPDATE ledger_records SET chain_seq = NULL");
    try (Ledger ledger = open(key)) {
      // Two servers' writers, their batches interleaved: the store numbers each append ledger-wide.
      ledger.appendAs("web-1", null);
      Ledger.Writer one = ledger.writer(Catalog.DEFAULT_METHODOLOGY, 4);
      ledger.appendAs("web-2", null);
      Ledger.Writer two = ledger.writer(Catalog.DEFAULT_METHODOLOGY, 4);
      List<InvocationRecord> forOne = records(20, 41);
      List<InvocationRecord> forTwo = records(20, 42);
      for (int i = 0; i < 20; i++) {
        one.add(forOne.get(i), "one:" + (i + 1));
        two.add(forTwo.get(i), "two:" + (i + 1));
        if (i % 3 == 0) {
          one.flush();
          two.flush();
        }
      }
      one.close();
      two.close();
      assertThat(one.head().seq()).isEqualTo(20);
      assertThat(ledger.sealRoot()).isPresent();
      assertThat(ledger.sealRoot()).as("no chain moved since").isEmpty();
      assertThat(ingestAs(ledger, "web-1", records(3, 41), 10).duplicates()).as("a chain's own records again").isEqualTo(3);

      VerifyReport report = ledger.verify();
      assertThat(report.ok()).as(report.toString()).isTrue();
      assertThat(report.recordsChecked()).isEqualTo(70);
      assertThat(report.chains()).extracting(VerifyReport.ChainCheck::chain, VerifyReport.ChainCheck::records, VerifyReport.ChainCheck::headSeq)
          .containsExactly(tuple("", 30L, 30L), tuple("web-1", 20L, 20L), tuple("web-2", 20L, 20L));
      assertThat(report.chains().getFirst().headHash()).as("the default chain is the one-writer ledger's, unchanged").isEqualTo(defaultHead);
      assertThat(report.roots().checked()).isEqualTo(1);
      assertThat(report.roots().signed()).isTrue();
    }

    sql("UPDATE ledger_records SET output_tokens = output_tokens + 1 WHERE chain = 'web-2' AND chain_seq = 7");
    sql("DELETE FROM ledger_records WHERE chain = 'web-1' AND chain_seq = 20"); // web-1's last record: only the root shows it
    try (Ledger ledger = open(key)) {
      VerifyReport report = ledger.verify();
      assertThat(report.ok()).isFalse();
      Map<String, VerifyReport.ChainCheck> chains = new HashMap<>();
      report.chains().forEach(c -> chains.put(c.chain(), c));
      assertThat(chains.get("").intact()).isTrue();
      assertThat(chains.get("web-2").problem()).startsWith("stored hash").contains("does not follow");
      assertThat(report.alteration()).as("the ledger's first break names its chain").startsWith("chain web-2: stored hash");
      assertThat(chains.get("web-1").problem()).contains("chain web-1 head seq 20").contains("not on that chain of 19 records");
      assertThat(report.roots().problems()).singleElement().asString().contains("names chain web-1 head seq 20");
      assertThat(report.firstAlteredSeq()).as("the first break in ledger order").isEqualTo(chains.get("web-2").brokenAtSeq());
    }
    // A root signed with another key (or none) is named; the chains themselves are as before.
    try (Ledger ledger = open(key)) {
      sql("DELETE FROM ledger_roots");
      ledger.sealRoot();
      sql("UPDATE ledger_roots SET signature = NULL");
      assertThat(ledger.verify().roots().problems()).singleElement().asString().contains("it is not signed");
    }
  }
}
