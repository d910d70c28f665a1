package io.jouletrace.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jouletrace.core.attribution.Attribution;
import io.jouletrace.core.attribution.AttributionOptions;
import io.jouletrace.core.attribution.Attributor;
import io.jouletrace.core.attribution.IdlePolicy;
import io.jouletrace.core.attribution.MeterSample;
import io.jouletrace.core.attribution.RunSpan;
import io.jouletrace.core.figure.AccuracyBand;
import io.jouletrace.core.figure.Energy;
import io.jouletrace.core.figure.Figure;
import io.jouletrace.core.figure.Tier;
import io.jouletrace.core.hash.Sha256;
import io.jouletrace.core.methodology.Estimate;
import io.jouletrace.core.methodology.Estimator;
import io.jouletrace.core.record.InvocationRecord;
import io.jouletrace.ledger.chain.ChainHasher;
import io.jouletrace.ledger.entry.FigureSet;
import io.jouletrace.ledger.entry.LedgerEntry;
import io.jouletrace.ledger.store.Store;
import io.jouletrace.ledger.telemetry.Readings;
import io.jouletrace.ledger.telemetry.SpanReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Measured figures in the ledger, beside the modelled ones (docs/measured.md): each span becomes (or finds) an
 * invocation record figured by a methodology, metered energy is attributed to the spans, and each span that got
 * energy gains a figure set under {@value #METHODOLOGY_VERSION} that names its attribution run. The run's inputs
 * (samples, spans, options) are stored with it, so {@code verify} recomputes every measured figure from them.
 */
public final class Measurement {

  /** The methodology version of measured figure sets: the attribution of docs/measured.md, as of this release. */
  public static final String METHODOLOGY_VERSION = "measured-1";

  /**
   * The relative accuracy taken for metered energy: NVIDIA's stated ±5 % for NVML power (see
   * ../shared/notes/measured.md §4); the measured part of a figure's range is its value ±5 %.
   */
  static final double METER_RELATIVE_ACCURACY = 0.05;

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * How a run's spans become records and figures.
   *
   * @param provider the provider named on records made from spans (spans carry a model, not a provider)
   * @param zone the zone or region the metered resources draw power from (for carbon); null: the deployment default
   * @param pueFacility the facility whose PUE series ({@code pueSeries}) scales IT energy to facility energy; null: the
   *     options' scalar PUE, or none (IT energy only)
   * @param pueSeries the facility's PUE series, time → PUE, a step function (the span's start picks the point in force);
   *     kept among the run's inputs
   * @param fillMethodology the methodology that figures the records and fills what the meters did not cover
   * @param measured the ids of the spans that become records and gain measured figure sets; the others only share the
   *     metered energy (a stream window's spans that run on into the next, whose figure that window alone cannot give).
   *     Null: every span. Kept with the run's options.
   */
  public record Setup(AttributionOptions options, String provider, String zone, String pueFacility, NavigableMap<Instant, Double> pueSeries,
      String fillMethodology, Set<String> measured) {
    public Setup {
      if (options.modelledJoules() != null) throw new IllegalArgumentException("the gap fill comes from fillMethodology, not from the options");
      if (pueFacility != null && options.pue() != null) throw new IllegalArgumentException("give a scalar PUE or a PUE facility, not both");
      if (pueFacility != null && (pueSeries == null || pueSeries.isEmpty())) {
        throw new IllegalArgumentException("no PUE series stored for facility " + pueFacility + " (add one with `jouletrace signals ingest "
            + "--facility " + pueFacility + " FILE`)");
      }
      pueSeries = pueFacility == null ? null : java.util.Collections.unmodifiableNavigableMap(new TreeMap<>(pueSeries));
      measured = measured == null ? null : java.util.Collections.unmodifiableSortedSet(new java.util.TreeSet<>(measured));
    }

    /** Every span measured. */
    public Setup(AttributionOptions options, String provider, String zone, String pueFacility, NavigableMap<Instant, Double> pueSeries,
        String fillMethodology) {
      this(options, provider, zone, pueFacility, pueSeries, fillMethodology, null);
    }

    /** Without a PUE series: a scalar PUE in the options, or none. */
    public Setup(AttributionOptions options, String provider, String zone, String fillMethodology) {
      this(options, provider, zone, null, null, fillMethodology, null);
    }

    /** The spans of {@code spans} that become records and gain measured figure sets. */
    List<RunSpan> measuredOf(List<RunSpan> spans) {
      return measured == null ? spans : spans.stream().filter(span -> measured.contains(span.id())).toList();
    }

    String json() {
      ObjectNode node = JSON.createObjectNode().put("version", METHODOLOGY_VERSION).put("idle_policy", options.idlePolicy().code());
      ObjectNode watts = node.putObject("idle_watts");
      options.idleWatts().forEach(watts::put);
      node.put("pue", options.pue()).put("pue_facility", pueFacility).put("clock_skew_s", options.clockSkewSeconds());
      if (!options.counterWraps().isEmpty()) { // absent when none, so runs stored before wraps were recorded keep their ids
        ObjectNode wraps = node.putObject("counter_wraps");
        options.counterWraps().forEach((resource, wrap) -> wraps.putObject(resource).put("range_j", wrap.rangeJ())
            .put("max_power_w", wrap.maxPowerW()));
      }
      if (pueSeries != null) {
        ObjectNode series = node.putObject("pue_series");
        pueSeries.forEach((time, pue) -> series.put(time.toString(), pue));
      }
      node.put("provider", provider).put("zone", zone).put("fill_methodology", fillMethodology);
      if (measured != null) measured.forEach(node.putArray("measured")::add); // absent when all, so earlier runs keep their ids
      return node.toString();
    }

    static Setup fromJson(String json) {
      try {
        JsonNode node = JSON.readTree(json);
        Map<String, Double> watts = new TreeMap<>();
        node.get("idle_watts").properties().forEach(e -> watts.put(e.getKey(), e.getValue().doubleValue()));
        AttributionOptions options = AttributionOptions.defaults().withIdlePolicy(IdlePolicy.of(node.get("idle_policy").asText()))
            .withIdleWatts(watts).withPue(node.get("pue").isNull() ? null : node.get("pue").doubleValue())
            .withClockSkew(node.path("clock_skew_s").asDouble(0));
        Map<String, AttributionOptions.CounterWrap> wraps = new TreeMap<>();
        node.path("counter_wraps").properties().forEach(e -> wraps.put(e.getKey(),
            new AttributionOptions.CounterWrap(e.getValue().get("range_j").doubleValue(), e.getValue().get("max_power_w").doubleValue())));
        options = options.withCounterWraps(wraps);
        NavigableMap<Instant, Double> series = null;
        if (node.has("pue_series")) {
          series = new TreeMap<>();
          for (Map.Entry<String, JsonNode> point : node.get("pue_series").properties()) {
            series.put(Instant.parse(point.getKey()), point.getValue().doubleValue());
          }
        }
        Set<String> measured = null;
        if (node.has("measured")) {
          measured = new java.util.TreeSet<>();
          for (JsonNode id : node.get("measured")) measured.add(id.asText());
        }
        return new Setup(options, text(node, "provider"), text(node, "zone"), text(node, "pue_facility"), series,
            text(node, "fill_methodology"), measured);
      } catch (IOException e) {
        throw new UncheckedIOException("stored attribution options are not valid JSON: " + json, e);
      }
    }

    private static String text(JsonNode node, String field) {
      return node.get(field) == null || node.get(field).isNull() ? null : node.get(field).asText();
    }
  }

  /**
   * What one {@link #ingest} did.
   *
   * @param alreadyStored the same inputs were attributed before: nothing was added
   * @param newRecords records made from spans whose ids the ledger did not have
   * @param measured measured figure sets added
   * @param alreadyMeasured spans skipped because an earlier run already measured their record
   * @param unknown spans that got no energy (meters did not cover them and no fill applied)
   */
  public record Result(String runId, boolean alreadyStored, long newRecords, long measured, long alreadyMeasured, long unknown,
      Attribution attribution) {}

  private final Ledger ledger;

  public Measurement(Ledger ledger) {
    this.ledger = ledger;
  }

  /**
   * Ledgers the (measured) spans as records (ids already stored are kept as they are), attributes the samples to the
   * spans and stores the run with its measured figure sets in one transaction. Idempotent: the same inputs add nothing
   * the second time.
   */
  public Result ingest(List<MeterSample> samples, List<RunSpan> spans, Setup setup, int batchSize) {
    List<String> spanLines = spans.stream().map(SpanReader::line).toList();
    String digest = digest(setup.json(), samples, spanLines);
    // Checked before opening a writer, which reads every stored id.
    if (ledger.store().hasAttributionRun(runId(digest))) return new Result(runId(digest), true, 0, 0, 0, 0, null);
    try (Ledger.Writer writer = ledger.writer(setup.fillMethodology(), batchSize)) {
      return ingest(writer, samples, spans, spanLines, digest, setup);
    }
  }

  /**
   * {@link #ingest(List, List, Setup, int)} through an open writer of this ledger, which must figure with the setup's
   * fill methodology (a process that appends records and runs in turn keeps one writer: a second would fork the chain).
   * The writer is flushed first, so a record it was given before is the one a span of the same id is measured on.
   */
  public Result ingest(Ledger.Writer writer, List<MeterSample> samples, List<RunSpan> spans, Setup setup) {
    if (!writer.methodologyVersion().equals(setup.fillMethodology())) {
      throw new IllegalArgumentException("the writer figures with " + writer.methodologyVersion() + ", the run's fill methodology is "
          + setup.fillMethodology());
    }
    List<String> spanLines = spans.stream().map(SpanReader::line).toList();
    return ingest(writer, samples, spans, spanLines, digest(setup.json(), samples, spanLines), setup);
  }

  /** Both entry points, with the spans' lines and the inputs' digest computed once. */
  private Result ingest(Ledger.Writer writer, List<MeterSample> samples, List<RunSpan> spans, List<String> spanLines, String digest,
      Setup setup) {
    Store store = ledger.store();
    String runId = runId(digest);
    if (store.hasAttributionRun(runId)) return new Result(runId, true, 0, 0, 0, 0, null);

    List<InvocationRecord> records = setup.measuredOf(spans).stream().map(span -> record(span, setup)).toList();
    writer.flush();
    long acceptedBefore = writer.accepted();
    for (InvocationRecord record : records) writer.add(record, "attribution:" + runId);
    writer.flush();
    long newRecords = writer.accepted() - acceptedBefore;
    Map<String, Store.Head> positions = positions(store, records);
    Set<Long> measuredSeqs = store.seqsWithFigureSet(METHODOLOGY_VERSION, positions.values().stream().map(Store.Head::seq).toList());
    Set<String> alreadyMeasured = new HashSet<>();
    positions.forEach((id, position) -> {
      if (measuredSeqs.contains(position.seq())) alreadyMeasured.add(id);
    });

    Figured figured = figure(ledger, samples, spans, records, setup, positions);
    ChainHasher hasher = ledger.hasher();
    List<Store.StoredFigureSet> sets = new ArrayList<>();
    figured.sets().forEach((id, set) -> {
      if (alreadyMeasured.contains(id)) return;
      Store.Head position = positions.get(id);
      sets.add(new Store.StoredFigureSet(id, position.seq(), set, runId, hasher.hash(position.hash(), set, runId)));
    });
    store.appendAttributionRun(new Store.AttributionRun(runId, digest, setup.json(), samples.size(), spans.size(), Instant.now()),
        samples, spanLines, sets);
    return new Result(runId, false, newRecords, sets.size(), alreadyMeasured.size(), records.size() - figured.sets().size(),
        figured.attribution());
  }

  /** An attribution and the measured figure set of every span it gave energy, by span id. */
  private record Figured(Attribution attribution, Map<String, FigureSet> sets) {}

  /**
   * The measured figure sets of a stored run, recomputed from its stored inputs.
   *
   * @throws IllegalStateException when the stored inputs no longer match the run's digest
   */
  static Map<String, FigureSet> recompute(Ledger ledger, String runId) {
    Store store = ledger.store();
    Store.AttributionRun run = store.attributionRun(runId)
        .orElseThrow(() -> new IllegalStateException("attribution run " + runId + " is named by a figure set but not stored"));
    List<MeterSample> samples = new ArrayList<>();
    List<String> spanLines = new ArrayList<>();
    store.readAttributionInputs(runId, samples::add, spanLines::add);
    String digest = digest(run.options(), samples, spanLines);
    if (!digest.equals(run.inputsSha256()) || !runId(digest).equals(runId)) {
      throw new IllegalStateException("the stored inputs of attribution run " + runId + " were altered (sha256 " + digest
          + ", sealed " + run.inputsSha256() + ")");
    }
    Setup setup = Setup.fromJson(run.options());
    List<RunSpan> spans = parse(runId, spanLines);
    List<InvocationRecord> records = setup.measuredOf(spans).stream().map(s -> record(s, setup)).toList();
    return figure(ledger, samples, spans, records, setup, positions(store, records)).sets();
  }

  /**
   * Where each record stands in the ledger, by span id (unique within a run): its seq decides which stored series figure
   * it. The stored record of the span's (tenant, id) is the one measured, as the writer kept it.
   */
  private static Map<String, Store.Head> positions(Store store, List<InvocationRecord> records) {
    Map<Store.Candidate, LedgerEntry> stored = store.stored(records.stream().map(Store.Candidate::of).toList());
    Map<String, Store.Head> positions = new HashMap<>();
    for (InvocationRecord r : records) {
      LedgerEntry entry = stored.get(Store.Candidate.of(r));
      if (entry == null) throw new IllegalStateException("span " + r.id() + " has no record in the ledger");
      positions.put(r.id(), new Store.Head(entry.seq(), entry.hash()));
    }
    return positions;
  }

  private static List<RunSpan> parse(String runId, List<String> lines) {
    byte[] text = String.join("\n", lines).getBytes(StandardCharsets.UTF_8);
    try {
      Readings<RunSpan> read = SpanReader.open(new ByteArrayInputStream(text), "attribution run " + runId).readAll();
      if (!read.rejectedLines().isEmpty()) throw new IllegalStateException(String.join("; ", read.rejectedLines()));
      return read.values();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Figured figure(Ledger ledger, List<MeterSample> samples, List<RunSpan> spans, List<InvocationRecord> records,
      Setup setup, Map<String, Store.Head> positions) {
    Map<String, Estimate> modelled = new HashMap<>();
    for (InvocationRecord record : records) {
      Estimator estimator = ledger.estimatorFor(positions.get(record.id()).seq());
      modelled.put(record.id(), estimator.estimate(record, setup.fillMethodology()));
    }
    AttributionOptions options = setup.options().withModelledJoules(span -> {
      Estimate estimate = modelled.get(span.id()); // null for a span that only shares the energy
      return estimate != null && estimate.energy() instanceof Figure.Known known ? known.value() : Double.NaN;
    });
    Attribution attribution = Attributor.attribute(samples, spans, options);
    Map<String, RunSpan> byId = spans.stream().collect(Collectors.toMap(RunSpan::id, Function.identity()));
    Map<String, FigureSet> out = new TreeMap<>();
    for (Attribution.SpanEnergy span : attribution.spans()) {
      if (span.energyJ() == null || !modelled.containsKey(span.id())) continue;
      double pue = pue(setup, byId.get(span.id()).start());
      out.put(span.id(), figureSet(span, modelled.get(span.id()), pue));
    }
    return new Figured(attribution, out);
  }

  /**
   * A span's measured figures: energy (× PUE) with the metered part ±{@value #METER_RELATIVE_ACCURACY} and any filled
   * part within the modelled figure's own relative range; carbon from the intensity the modelled figure resolved.
   * Embodied carbon and water are outside what meters measure: null, with that reason.
   */
  private static FigureSet figureSet(Attribution.SpanEnergy span, Estimate modelled, double pue) {
    double value = span.energyJ();
    double filled = span.filledJ();
    double metered = value - filled;
    double fillLow = 1;
    double fillHigh = 1;
    if (filled > 0 && modelled.energy() instanceof Figure.Known known) {
      fillLow = known.range().low() / known.value();
      fillHigh = known.range().high() / known.value();
    }
    double low = pue * (metered * (1 - METER_RELATIVE_ACCURACY) + filled * fillLow);
    double high = pue * (metered * (1 + METER_RELATIVE_ACCURACY) + filled * fillHigh);
    String tier = span.tier().code();
    String band = (span.tier() == Tier.MEASURED ? AccuracyBand.ACCURATE : AccuracyBand.MEDIUM).code();
    FigureSet.Amount energy = new FigureSet.Amount(low, high, tier, band);

    FigureSet.Amount carbon = null;
    Double intensity = null;
    String intensitySource = null;
    String intensityZone = null;
    List<String> reasons = new ArrayList<>(List.of("embodied=not-metered", "water=not-metered"));
    if (modelled.carbon().isKnown()) {
      intensity = modelled.intensity().gramsPerKwh();
      intensitySource = modelled.intensity().source();
      intensityZone = modelled.intensity().zone();
      String carbonBand = modelled.intensity().band() == AccuracyBand.ACCURATE ? band : AccuracyBand.MEDIUM.code();
      carbon = new FigureSet.Amount(low / Energy.JOULES_PER_KWH * intensity, high / Energy.JOULES_PER_KWH * intensity, tier, carbonBand);
    } else {
      reasons.addFirst("carbon=" + modelled.nullReasons().stream().filter(r -> r.field().equals("carbon"))
          .map(r -> r.reason().code()).findFirst().orElse("no-intensity"));
    }
    var model = modelled.model();
    return new FigureSet(METHODOLOGY_VERSION, model == null ? null : model.spec().name(), model == null ? null : model.source(),
        model == null ? null : model.band().code(), energy, carbon, null, null, intensity, intensitySource, intensityZone,
        String.join(";", reasons));
  }

  private static double pue(Setup setup, Instant at) {
    if (setup.pueFacility() == null) return setup.options().pue() == null ? 1 : setup.options().pue();
    Map.Entry<Instant, Double> point = setup.pueSeries().floorEntry(at);
    if (point == null) {
      throw new IllegalArgumentException("the PUE series of facility " + setup.pueFacility() + " starts at " + setup.pueSeries().firstKey()
          + ", after the span that starts at " + at);
    }
    return point.getValue();
  }

  /** The invocation record a span stands for: its tokens, tenant, team and model, at its start, lasting its duration. */
  private static InvocationRecord record(RunSpan span, Setup setup) {
    if (span.model() == null) throw new IllegalArgumentException("span " + span.id() + ": a span written to the ledger needs a model");
    if (span.outputTokens() == null) {
      throw new IllegalArgumentException("span " + span.id() + ": a span written to the ledger needs output_tokens");
    }
    return InvocationRecord.builder(setup.provider(), span.model(), span.outputTokens()).id(span.id())
        .timestamp(LedgerEntry.storedTimestamp(span.start())).tenant(span.tenant()).team(span.team()).inputTokens(span.inputTokens())
        .latencySeconds(Duration.between(span.start(), span.end()).toNanos() / 1e9).zone(setup.zone()).build();
  }

  /** A run is named by its inputs' digest, and the name is sealed into each measured set's hash. */
  private static String runId(String digest) {
    return digest.substring(0, 16);
  }

  /** SHA-256 over the options, then every sample and span line in input order. */
  private static String digest(String options, List<MeterSample> samples, List<String> spanLines) {
    MessageDigest sha = Sha256.digest();
    sha.update((options + "\n").getBytes(StandardCharsets.UTF_8));
    for (MeterSample s : samples) {
      sha.update((s.resource() + "\t" + s.time() + "\t" + s.kind() + "\t" + (s.isMissing() ? "missing" : Double.toString(s.value())) + "\n")
          .getBytes(StandardCharsets.UTF_8));
    }
    for (String line : spanLines) sha.update((line + "\n").getBytes(StandardCharsets.UTF_8));
    return Sha256.hex(sha.digest());
  }
}
