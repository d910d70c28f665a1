package io.jouletrace.ledger.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.jouletrace.catalog.Catalog;
import io.jouletrace.catalog.ModelEquivalence;
import io.jouletrace.core.figure.AccuracyBand;
import io.jouletrace.core.figure.Figure;
import io.jouletrace.core.figure.NullReason;
import io.jouletrace.core.figure.Tier;
import io.jouletrace.core.methodology.Estimate;
import io.jouletrace.core.methodology.Estimator;
import io.jouletrace.core.record.InvocationRecord;
import io.jouletrace.core.record.Operation;
import io.jouletrace.ledger.Ledger;
import io.jouletrace.ledger.LedgerContractTest;
import io.jouletrace.ledger.store.DuckDbStore;
import io.jouletrace.ledger.store.PostgresServer;
import io.jouletrace.ledger.store.PostgresStore;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Ranking, recommendations and the baseline comparison on DuckDB and PostgreSQL, each figure checked against sums
 * and estimates the test computes itself from {@link Estimator#estimate} of the ingested records.
 */
class EfficiencyReportsTest {

  @RegisterExtension
  static final PostgresServer POSTGRES = new PostgresServer();

  private static final Estimator ESTIMATOR = LedgerContractTest.ESTIMATOR;
  private static final Instant SINCE = Instant.parse("2026-11-01T00:00:00Z");
  private static final Instant UNTIL = Instant.parse("2026-11-11T00:00:00Z");
  private static final double DAYS = 10;
  private static final double J_PER_KWH = 3.6e6;
  private static final String TEXT = "text_generation";
  private static final String EMBEDDING = "sentence_similarity";

  /** team, provider, model as the caller names it, operation. */
  private static final String[][] USES = {
      {"search", "openai", "gpt-4o", "chat"},
      {"search", "azure", "gpt-4o-2024-08-06", "chat"},
      {"search", "openai", "gpt-4o-mini", "chat"},
      {"research", "huggingface_hub", "meta-llama/Meta-Llama-3-70B", "text_completion"},
      {"research", "huggingface_hub", "BAAI/bge-base-en-v1.5", "embeddings"},
      {"support", "anthropic", "claude-opus-4-1-20250805", "chat"},
      {"support", "acme", "mystery", "chat"},
      {null, "mistralai", "mistral-large-2411", "chat"}};

  @TempDir
  Path dir;

  /** A call as ingested and what the estimator says of it: the independent source of every expected figure. */
  private record Call(InvocationRecord record, Estimate estimate) {
    boolean rated() {
      return estimate.energy().isKnown();
    }

    Figure.Known energy() {
      return (Figure.Known) estimate.energy();
    }

    String task() {
      return record.operation().equals(Operation.EMBEDDINGS) ? EMBEDDING : TEXT;
    }
  }

  private static List<InvocationRecord> records() {
    Random random = new Random(7);
    List<InvocationRecord> out = new ArrayList<>();
    for (int i = 0; i < 480; i++) {
      String[] use = USES[i % USES.length];
      boolean embedding = use[3].equals("embeddings");
      var builder = InvocationRecord.builder(use[1], use[2], embedding ? 0 : 50 + random.nextInt(900)).id("call-" + i)
          .timestamp(SINCE.plusSeconds(random.nextLong((long) DAYS * 86_400))).team(use[0]).operation(Operation.of(use[3]))
          .inputTokens(random.nextInt(5) == 0 ? null : 100L + random.nextInt(3000))
          .latencySeconds(random.nextBoolean() ? null : 0.5 + random.nextDouble() * 20);
      if (use[1].equals("anthropic")) builder.intensityGramsPerKwh(250.0);
      else if (random.nextBoolean()) builder.zone(random.nextBoolean() ? "FRA" : "USA");
      out.add(builder.build());
    }
    return out;
  }

  private List<Call> calls() {
    return records().stream().map(r -> new Call(r, ESTIMATOR.estimate(r))).toList();
  }

  private Ledger ledger(String store) {
    Ledger ledger = Ledger.open(store.equals("duckdb") ? DuckDbStore.open(dir) : PostgresStore.open(POSTGRES.newDatabase()), null);
    LedgerContractTest.ingest(ledger, records(), 100);
    return ledger;
  }

  private static EfficiencyReports reports(Ledger ledger) {
    return new EfficiencyReports(ledger);
  }

  @ParameterizedTest
  @ValueSource(strings = {"duckdb", "postgresql"})
  void ranking_rates_each_model_over_its_rated_calls_most_efficient_first_and_lists_unrated_models_apart(String store) throws IOException {
    List<Call> calls = calls();
    EfficiencyReports.Ranking ranking;
    try (Ledger ledger = ledger(store)) {
      ranking = reports(ledger).ranking(Scope.all());
    }
    assertThat(ranking.models()).hasSize(7);
    for (EfficiencyReports.RankedModel m : ranking.models()) {
      List<Call> mine = calls.stream().filter(c -> c.record().provider().equals(m.provider()) && c.record().model().equals(m.model())).toList();
      List<Call> rated = mine.stream().filter(Call::rated).toList();
      double joules = rated.stream().mapToDouble(c -> c.energy().value()).sum();
      double low = rated.stream().mapToDouble(c -> c.energy().range().low()).sum();
      double high = rated.stream().mapToDouble(c -> c.energy().range().high()).sum();
      long outputTokens = rated.stream().mapToLong(c -> c.record().outputTokens()).sum();
      assertThat(m.task()).isEqualTo(mine.getFirst().task());
      assertThat(m.usage().figures().calls()).isEqualTo(mine.size());
      assertThat(m.usage().ratedCalls()).isEqualTo(rated.size()).isPositive();
      close(m.perThousandRequests(), 1000 * joules / rated.size() / J_PER_KWH, 1000 * low / rated.size() / J_PER_KWH,
          1000 * high / rated.size() / J_PER_KWH);
      if (outputTokens == 0) {
        assertThat(m.perThousandOutputTokens()).as("embeddings generate no tokens: null, never 0").isNull();
      } else {
        close(m.perThousandOutputTokens(), 1000 * joules / outputTokens / J_PER_KWH, 1000 * low / outputTokens / J_PER_KWH,
            1000 * high / outputTokens / J_PER_KWH);
      }
      for (Tier tier : Tier.values()) {
        assertThat(m.usage().figures().energyJoules().callsOf(tier)).isEqualTo(rated.stream().filter(c -> c.energy().tier() == tier).count());
      }
      AccuracyBand weakest = rated.stream().map(c -> c.energy().band()).max(Comparator.naturalOrder()).orElseThrow();
      assertThat(m.perThousandRequests().band()).isEqualTo(weakest);
    }
    List<EfficiencyReports.RankedModel> text = ranking.models().stream().filter(m -> m.task().equals(TEXT)).toList();
    assertThat(ranking.models().subList(0, text.size())).as("text generation first").isEqualTo(text);
    assertThat(text).extracting(m -> m.perThousandOutputTokens().value()).isSorted();

    assertThat(ranking.unrated()).singleElement().satisfies(m -> {
      List<Call> mystery = calls.stream().filter(c -> c.record().model().equals("mystery")).toList();
      assertThat(m.model()).isEqualTo("mystery");
      assertThat(m.usage().figures().calls()).isEqualTo(mystery.size());
      assertThat(m.usage().figures().energyJoules().unratedTokens()).isEqualTo(mystery.stream().mapToLong(c -> c.record().totalTokens()).sum());
    });

    assertStarsAreTheLeaderboards(ranked(ranking, "meta-llama/Meta-Llama-3-70B"), TEXT);
    assertStarsAreTheLeaderboards(ranked(ranking, "BAAI/bge-base-en-v1.5"), EMBEDDING);
    assertThat(ranked(ranking, "gpt-4o").stars()).isNull();

    JsonNode json = EfficiencyJson.ranking(ranking);
    JsonNode gpt4o = line(json.get("models"), "model", "gpt-4o");
    assertThat(gpt4o.get("stars").isNull()).isTrue();
    assertThat(gpt4o.get("null_reasons").get(0).get("code").asText()).isEqualTo(EfficiencyJson.NOT_ON_LEADERBOARD);
    JsonNode bge = line(json.get("models"), "model", "BAAI/bge-base-en-v1.5");
    assertThat(bge.get("kwh_per_1k_output_tokens").isNull()).isTrue();
    assertThat(bge.get("kwh_per_1k_requests").asDouble()).isEqualTo(ranked(ranking, "BAAI/bge-base-en-v1.5").perThousandRequests().value());
    assertThat(json.get("unrated").get(0).get("calls").asLong()).isEqualTo(ranking.unrated().getFirst().usage().figures().calls());
  }

  private static EfficiencyReports.RankedModel ranked(EfficiencyReports.Ranking ranking, String model) {
    return ranking.models().stream().filter(m -> m.model().equals(model)).findFirst().orElseThrow();
  }

  /** The stars and energy of the vendored leaderboard row of that model, read from the file itself. */
  private static void assertStarsAreTheLeaderboards(EfficiencyReports.RankedModel model, String task) throws IOException {
    String path = "/io/jouletrace/catalog/aienergyscore/" + task + ".csv";
    try (var in = new BufferedReader(new InputStreamReader(Objects.requireNonNull(Catalog.class.getResourceAsStream(path)), StandardCharsets.UTF_8))) {
      String[] row = in.lines().map(l -> l.split(",")).filter(f -> f[0].equals(model.model())).findFirst().orElseThrow();
      assertThat(model.stars().stars()).isEqualTo(Integer.parseInt(row[2]));
      assertThat(model.stars().kwhPer1000Queries()).isEqualTo(Double.parseDouble(row[1]));
      assertThat(model.stars().task()).isEqualTo(task);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"duckdb", "postgresql"})
  void recommends_an_equivalent_that_uses_less_energy_at_the_teams_mix_with_the_yearly_carbon_of_its_volume(String store) {
    List<Call> calls = calls();
    EfficiencyReports.Recommendations recommendations;
    try (Ledger ledger = ledger(store)) {
      recommendations = reports(ledger).recommendations(new Scope(SINCE, UNTIL, Map.of()), Catalog.modelEquivalences());
    }
    assertThat(recommendations.period().days()).isEqualTo(DAYS);
    assertThat(recommendations.notRecommended()).isEmpty();
    assertThat(recommendations.recommended()).extracting(r -> r.use().teamName() + ":" + r.use().model() + "->" + r.proposed().model())
        .containsExactlyInAnyOrder("search:gpt-4o->gpt-4o-mini", "search:gpt-4o-2024-08-06->gpt-4o-mini",
            "research:meta-llama/Meta-Llama-3-70B->meta-llama/Meta-Llama-3-8B", "support:claude-opus-4-1-20250805->claude-sonnet-4-20250514",
            "(none):mistral-large-2411->mistral-medium-latest",
            "(none):mistral-large-2411->mistral-small-latest");
    assertThat(recommendations.withoutEquivalent()).extracting(EfficiencyReports.TeamUse::model)
        .containsExactlyInAnyOrder("gpt-4o-mini", "BAAI/bge-base-en-v1.5");

    for (EfficiencyReports.Recommendation r : recommendations.recommended()) {
      List<Call> group = calls.stream().filter(Call::rated)
          .filter(c -> Objects.equals(c.record().team(), r.use().team()) && c.record().model().equals(r.use().model())).toList();
      double meanOutput = group.stream().mapToLong(c -> c.record().outputTokens()).average().orElseThrow();
      double meanInput = group.stream().map(c -> c.record().inputTokens()).filter(Objects::nonNull).mapToLong(Long::longValue).average().orElseThrow();
      Figure.Known current = atMix(r.use().provider(), r.use().model(), Math.round(meanOutput), Math.round(meanInput));
      Figure.Known proposed = atMix(r.equivalence().proposedProvider(), r.proposed().model(), Math.round(meanOutput), Math.round(meanInput));
      assertThat(r.mix()).isEqualTo(new EfficiencyReports.TokenMix(Math.round(meanInput), Math.round(meanOutput)));
      assertThat(r.use().usage().ratedCalls()).isEqualTo(group.size());
      close(r.current().perThousandRequests(), 1000 * current.value() / J_PER_KWH, 1000 * current.range().low() / J_PER_KWH,
          1000 * current.range().high() / J_PER_KWH);
      close(r.proposed().perThousandRequests(), 1000 * proposed.value() / J_PER_KWH, 1000 * proposed.range().low() / J_PER_KWH,
          1000 * proposed.range().high() / J_PER_KWH);
      assertThat(proposed.value()).as("only a model that uses less is recommended").isLessThan(current.value());
      // Like with like: the saving share of both models at the same request, applied to the team's own figured use.
      double use = group.stream().mapToDouble(c -> c.energy().value()).sum() / group.size() * 1000 / J_PER_KWH;
      double share = 1 - proposed.value() / current.value();
      double difference = use * share;
      assertThat(r.reductionShare().value()).isCloseTo(share, within(1e-12));
      assertThat(r.reductionShare().low()).isCloseTo(1 - proposed.range().high() / current.range().low(), within(1e-12));
      assertThat(r.reductionShare().high()).isCloseTo(1 - proposed.range().low() / current.range().high(), within(1e-12));
      assertThat(r.currentUse().value()).isCloseTo(use, within(1e-12 * use));
      assertThat(r.difference().value()).isCloseTo(difference, within(1e-12 * use));
      assertThat(r.difference().value()).as("never a saving larger than the use").isLessThan(r.currentUse().value());
      assertThat(r.difference().high()).isLessThanOrEqualTo(r.currentUse().high());
      assertThat(r.difference().low()).isLessThanOrEqualTo(r.difference().value());

      List<Call> withCarbon = group.stream().filter(c -> c.estimate().carbon().isKnown()).toList();
      double intensity = withCarbon.stream().mapToDouble(c -> c.energy().value() * c.estimate().intensity().gramsPerKwh()).sum()
          / withCarbon.stream().mapToDouble(c -> c.energy().value()).sum();
      // The volume is counted over the whole UTC days of the group's own calls (all calls of the use, rated or not).
      List<Instant> times = calls.stream().filter(c -> Objects.equals(c.record().team(), r.use().team())
          && c.record().model().equals(r.use().model())).map(c -> c.record().timestamp()).sorted().toList();
      double days = Duration.between(times.getFirst().truncatedTo(ChronoUnit.DAYS),
          times.getLast().truncatedTo(ChronoUnit.DAYS).plus(1, ChronoUnit.DAYS)).toDays();
      assertThat(r.use().period().days()).isEqualTo(days);
      double requestsPerYear = group.size() / days * 365;
      assertThat(r.requestsPerYear()).isCloseTo(requestsPerYear, within(1e-9));
      assertThat(r.use().usage().intensityGramsPerKwh()).isCloseTo(intensity, within(1e-9 * intensity));
      assertThat(r.annualCarbonDifference().value()).isCloseTo(difference / 1000 * requestsPerYear * intensity,
          within(1e-9 * difference * requestsPerYear * intensity));
      assertThat(r.statement()).isEqualTo(r.proposed().name() + " uses " + Math.round(share * 100) + "% less energy than "
          + r.current().name() + " at team " + r.use().teamName() + "'s token mix: " + r.difference().shown()
          + " kWh less per 1,000 requests of the " + r.currentUse().shown() + " kWh it uses");
      assertThat(r.assumptions()).anySatisfy(a -> assertThat(a).contains(r.mix().outputTokens() + " output tokens"))
          .anySatisfy(a -> assertThat(a).startsWith("no latency for either model"));
    }
    EfficiencyReports.Recommendation opus = recommendations.recommended().stream()
        .filter(r -> r.use().provider().equals("anthropic")).findFirst().orElseThrow();
    assertThat(opus.use().usage().intensityGramsPerKwh()).as("the calls' explicit intensity").isCloseTo(250, within(1e-9));

    JsonNode json = EfficiencyJson.recommendations(recommendations);
    JsonNode first = json.get("recommendations").get(0);
    EfficiencyReports.Recommendation top = recommendations.recommended().getFirst();
    assertThat(first.get("kwh_per_1k_requests_difference").asDouble()).isEqualTo(top.difference().value());
    assertThat(first.get("annual").get("co2_grams_difference").asDouble()).isEqualTo(top.annualCarbonDifference().value());
    assertThat(first.get("current").get("tier").asText()).isEqualTo("modelled");
    assertThat(first.get("equivalence").asText()).isEqualTo(top.equivalence().origin());
    assertThat(json.get("period").get("days").asDouble()).isEqualTo(DAYS);
    assertThat(recommendations.recommended()).extracting(r -> r.annualCarbonDifference().value())
        .as("largest yearly effect first").isSortedAccordingTo(Comparator.reverseOrder());
  }

  /**
   * A period comes from the scope's own calls: another tenant's call dated 9999 must not stretch tenant acme's year (it
   * made acme's yearly volume about nothing), and a team that started using a model two days ago is counted over two days.
   */
  @Test
  void a_recommendations_volume_is_counted_over_its_own_calls_days_never_another_tenants() {
    Instant day = Instant.parse("2026-11-20T10:00:00Z");
    List<InvocationRecord> records = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      records.add(InvocationRecord.builder("openai", "gpt-4o", 400).id("acme-" + i).tenant("acme").team("search").inputTokens(1000L)
          .timestamp(day.plusSeconds(i * 8_000L)).build()); // 2026-11-20 10:00 to 2026-11-22 04:13: three UTC days
    }
    records.add(InvocationRecord.builder("openai", "gpt-4o", 400).id("far").tenant("globex").team("search")
        .timestamp(Instant.parse("9999-12-31T00:00:00Z")).build());
    EfficiencyReports.Recommendations acme;
    EfficiencyReports.Recommendations windowed;
    try (Ledger ledger = Ledger.open(DuckDbStore.open(dir), null)) {
      LedgerContractTest.ingest(ledger, records, 100);
      acme = reports(ledger).recommendations(new Scope(null, null, Map.of(Dimension.TENANT, "acme")), Catalog.modelEquivalences());
      windowed = reports(ledger).recommendations(new Scope(Instant.parse("2026-11-21T00:00:00Z"), Instant.parse("2026-12-01T00:00:00Z"),
          Map.of(Dimension.TENANT, "acme")), Catalog.modelEquivalences());
    }
    assertThat(acme.period().days()).isEqualTo(3);
    EfficiencyReports.Recommendation acmeOwn = acme.recommended().getFirst();
    assertThat(acmeOwn.use().period().days()).isEqualTo(3);
    assertThat(acmeOwn.requestsPerYear()).isCloseTo(20 / 3.0 * 365, within(1e-9));
    assertThat(windowed.recommended().getFirst().use().period())
        .as("clipped to the query window: from its since to the end of the last call's day")
        .isEqualTo(new EfficiencyReports.Period(Instant.parse("2026-11-21T00:00:00Z"), Instant.parse("2026-11-23T00:00:00Z")));
    assertThat(windowed.period()).isEqualTo(windowed.recommended().getFirst().use().period());
  }

  private static Figure.Known atMix(String provider, String model, long outputTokens, long inputTokens) {
    return (Figure.Known) ESTIMATOR.estimate(InvocationRecord.builder(provider, model, outputTokens).inputTokens(inputTokens).build(),
        Catalog.DEFAULT_METHODOLOGY).energy();
  }

  @ParameterizedTest
  @ValueSource(strings = {"duckdb", "postgresql"})
  void an_equivalent_that_uses_no_less_or_has_no_figure_is_not_recommended_and_says_why(String store) throws IOException {
    Path table = Files.writeString(dir.resolve("mine.csv"), String.join("\n", "task,provider,model,proposed_provider,proposed_model",
        "text_generation,openai,gpt-4o-mini,openai,gpt-4o", "text_generation,openai,gpt-4o-mini,acme,no-such-model") + "\n");
    List<ModelEquivalence> mine = Catalog.modelEquivalences(table);
    EfficiencyReports.Recommendations recommendations;
    try (Ledger ledger = ledger(store)) {
      recommendations = reports(ledger).recommendations(Scope.all(), mine);
    }
    assertThat(recommendations.recommended()).isEmpty();
    assertThat(recommendations.notRecommended()).extracting(n -> n.equivalence().proposedModel() + ":" + n.reason().code())
        .containsExactlyInAnyOrder("gpt-4o:not-more-efficient", "no-such-model:" + NullReason.MODEL_NOT_REGISTERED);
    assertThat(recommendations.withoutEquivalent()).extracting(EfficiencyReports.TeamUse::model).doesNotContain("gpt-4o-mini").contains("gpt-4o");
    JsonNode json = EfficiencyJson.recommendations(recommendations);
    assertThat(json.get("recommendations")).isEmpty();
    assertThat(json.get("not_recommended").get(0).get("equivalence").asText()).endsWith("mine.csv:2");
  }

  @ParameterizedTest
  @ValueSource(strings = {"duckdb", "postgresql"})
  void a_baseline_comparison_sets_each_teams_calls_against_the_same_requests_on_the_baseline(String store) {
    List<Call> calls = calls();
    EfficiencyReports.BaselineComparison comparison;
    try (Ledger ledger = ledger(store)) {
      comparison = reports(ledger).compare(Scope.all(), "openai", "gpt-4o-mini");
    }
    assertThat(comparison.comparedWith()).isEqualTo("openai/gpt-4o-mini");
    assertThat(comparison.lines()).hasSize(7);
    assertThat(comparison.unrated()).singleElement().satisfies(u -> assertThat(u.model()).isEqualTo("mystery"));
    for (EfficiencyReports.BaselineLine line : comparison.lines()) {
      Predicate<Call> mine = c -> Objects.equals(c.record().team(), line.use().team()) && c.record().model().equals(line.use().model());
      List<Call> group = calls.stream().filter(Call::rated).filter(mine).toList();
      double joules = group.stream().mapToDouble(c -> c.energy().value()).sum();
      assertThat(line.actual().value()).isCloseTo(joules / J_PER_KWH, within(1e-9 * joules / J_PER_KWH));
      InvocationRecord atMix = InvocationRecord.builder("openai", "gpt-4o-mini", line.mix().outputTokens()).inputTokens(line.mix().inputTokens())
          .operation(group.getFirst().record().operation()).build();
      Figure baseline = ESTIMATOR.estimate(atMix, group.getFirst().estimate().methodologyVersion()).energy();
      InvocationRecord currentAtMix = InvocationRecord.builder(line.use().provider(), line.use().model(), line.mix().outputTokens())
          .inputTokens(line.mix().inputTokens()).operation(group.getFirst().record().operation()).build();
      Figure current = ESTIMATOR.estimate(currentAtMix, group.getFirst().estimate().methodologyVersion()).energy();
      if (baseline instanceof Figure.Known known) {
        // Like with like: both models at the team's mean request, their ratio applied to what the calls used.
        double expected = joules / J_PER_KWH * known.value() / ((Figure.Known) current).value();
        assertThat(line.onBaseline().value()).isCloseTo(expected, within(1e-9 * expected));
        assertThat(line.statement()).endsWith(line.use().model().equals("gpt-4o-mini")
            ? "used as much energy as openai/gpt-4o-mini would have at the same token mix" // like with like: no phantom difference
            : "than openai/gpt-4o-mini would have at the same token mix");
      } else {
        assertThat(line.use().task()).as("AI Energy Score does not rate gpt-4o-mini for embeddings").isEqualTo(EMBEDDING);
        assertThat(line.onBaseline()).isNull();
      }
    }
    JsonNode json = EfficiencyJson.comparison(comparison);
    assertThat(json.get("compared_with").asText()).isEqualTo("openai/gpt-4o-mini");
    JsonNode embeddings = line(json.get("lines"), "task", EMBEDDING);
    assertThat(embeddings.get("baseline").get("kwh").isNull()).isTrue();
    assertThat(embeddings.get("kwh_difference").isNull()).isTrue();
    assertThat(embeddings.get("null_reasons").get(0).get("field").asText()).isEqualTo("baseline.kwh_per_1k_requests");
  }

  @Test
  void no_report_speaks_of_money() {
    try (Ledger ledger = ledger("duckdb")) {
      EfficiencyReports reports = reports(ledger);
      String all = (EfficiencyJson.ranking(reports.ranking(Scope.all())).toString()
          + EfficiencyJson.recommendations(reports.recommendations(Scope.all(), Catalog.modelEquivalences()))
          + EfficiencyJson.comparison(reports.compare(Scope.all(), null, "gpt-4o-mini"))).toLowerCase(Locale.ROOT);
      assertThat(all).contains("kwh").doesNotContain("cost", "saving", "price", "cheap", "spend", "$", "€", "usd");
    }
  }

  private static JsonNode line(JsonNode lines, String field, String value) {
    for (JsonNode line : lines) {
      if (line.get(field).asText().equals(value)) return line;
    }
    throw new AssertionError("no line with " + field + " = " + value);
  }

  private static void close(EfficiencyReports.Amount actual, double value, double low, double high) {
    assertThat(actual.value()).isCloseTo(value, within(1e-9 * Math.abs(value)));
    assertThat(actual.low()).isCloseTo(low, within(1e-9 * Math.abs(low)));
    assertThat(actual.high()).isCloseTo(high, within(1e-9 * Math.abs(high)));
  }
}
