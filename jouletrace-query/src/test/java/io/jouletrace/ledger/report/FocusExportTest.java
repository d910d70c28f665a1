package io.jouletrace.ledger.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.jouletrace.catalog.Catalog;
import io.jouletrace.core.attribution.AttributionOptions;
import io.jouletrace.core.attribution.MeterSample;
import io.jouletrace.core.attribution.RunSpan;
import io.jouletrace.core.record.InvocationRecord;
import io.jouletrace.core.record.Operation;
import io.jouletrace.ledger.Ledger;
import io.jouletrace.ledger.LedgerContractTest;
import io.jouletrace.ledger.Measurement;
import io.jouletrace.ledger.ingest.CsvRows;
import io.jouletrace.ledger.store.DuckDbStore;
import io.jouletrace.ledger.store.PostgresServer;
import io.jouletrace.ledger.store.PostgresStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link FocusExport} on DuckDB and PostgreSQL: the rows follow FOCUS 1.2's column rules ({@link FocusRules}), their
 * energy and carbon add up to the summary of the same scope, prices fill the cost columns only where every call is
 * priced, and awkward values survive CSV quoting.
 */
class FocusExportTest {

  @RegisterExtension
  static final PostgresServer POSTGRES = new PostgresServer();

  enum StoreKind { DUCKDB, POSTGRESQL }

  @TempDir
  Path dir;

  private static final Instant NOVEMBER = Instant.parse("2026-11-01T00:00:00Z");
  private static final Instant DECEMBER = Instant.parse("2026-12-01T00:00:00Z");
  private static final Scope EVERYTHING = new Scope(NOVEMBER, Instant.parse("2027-01-01T00:00:00Z"), Map.of());
  private static final Instant MEASURED_AT = Instant.parse("2026-11-10T14:00:00Z");
  private static final String SELF_HOSTED_MODEL = "meta-llama/Llama-3.1-8B-Instruct";
  private static final String AWKWARD_TEAM = "search, \"core\"";
  private static final Set<String> NUMERIC_CUSTOM = Set.of("x_InputTokens", "x_OutputTokens", "x_EnergyWattHours", "x_EnergyWattHoursLow",
      "x_EnergyWattHoursHigh", "x_CarbonEmissionsGramsCarbonDioxideEquivalent", "x_CarbonIntensityGramsPerKilowattHour", "x_EnergyScoreStars");
  private static final List<String> COSTS = List.of("BilledCost", "ContractedCost", "EffectiveCost", "ListCost");

  /**
   * A ledger with the contract test's mix (known, ranged and uncatalogued models), a team name that needs quoting, a
   * model the AI Energy Score rates, a call without input tokens (in December), a team whose calls ran in five grid
   * zones, and two measured calls sharing a row with an estimated one (a self-hosted model).
   */
  private Ledger ledger(StoreKind kind) {
    return ledger(kind, PriceTable.NONE);
  }

  /** The ledger above, its records written under {@code prices} ({@link PriceTable#NONE}: as a ledger from before prices were kept). */
  private Ledger ledger(StoreKind kind, PriceTable prices) {
    Ledger ledger = Ledger.open(kind == StoreKind.DUCKDB ? DuckDbStore.open(dir) : PostgresStore.open(POSTGRES.newDatabase()), null)
        .usePrices(prices);
    List<InvocationRecord> records = new ArrayList<>(LedgerContractTest.records(800, 5));
    records.add(InvocationRecord.builder("openai", "gpt-4o", 300).id("awkward").timestamp(Instant.parse("2026-11-03T10:00:00Z"))
        .team(AWKWARD_TEAM).costCenter("CC-1").tenant("acme").inputTokens(1000L).zone("FRA").build());
    records.add(InvocationRecord.builder("huggingface_hub", "HuggingFaceTB/SmolLM2-1.7B-Instruct", 120).id("rated")
        .timestamp(Instant.parse("2026-11-04T09:00:00Z")).team("lab").inputTokens(80L).operation(Operation.CHAT).build());
    records.add(InvocationRecord.builder("self-hosted", SELF_HOSTED_MODEL, 200).id("estimated-beside-measured").timestamp(MEASURED_AT.plusSeconds(60))
        .team("search").inputTokens(500L).zone("FRA").build());
    records.add(InvocationRecord.builder("openai", "gpt-4o-mini", 50).id("no-input-tokens").timestamp(Instant.parse("2026-12-03T08:00:00Z"))
        .team("team-1").build());
    List<String> zones = List.of("FRA", "DEU", "USA", "GBR", "IRL");
    for (int i = 0; i < zones.size(); i++) {
      records.add(InvocationRecord.builder("openai", "gpt-4o", 100).id("zone-" + i).timestamp(Instant.parse("2026-11-05T10:00:00Z").plusSeconds(i))
          .team("everywhere").inputTokens(100L).zone(zones.get(i)).build());
    }
    LedgerContractTest.ingest(ledger, records, 400);

    List<MeterSample> power = new ArrayList<>();
    for (int s = 0; s <= 12; s++) power.add(new MeterSample("gpu0", MEASURED_AT.plusSeconds(s), MeterSample.Kind.POWER, s < 10 ? 350 : 100));
    List<RunSpan> spans = List.of(
        new RunSpan("measured-1", List.of("gpu0"), MEASURED_AT, MEASURED_AT.plusSeconds(6), "acme", "search", SELF_HOSTED_MODEL, 900L, 250L,
            Map.of()),
        new RunSpan("measured-2", List.of("gpu0"), MEASURED_AT.plusSeconds(3), MEASURED_AT.plusSeconds(10), "acme", "search", SELF_HOSTED_MODEL,
            400L, 600L, Map.of()));
    var setup = new Measurement.Setup(AttributionOptions.defaults().withIdleWatts(Map.of("gpu0", 100.0)), "self-hosted", "FRA",
        Catalog.DEFAULT_METHODOLOGY);
    assertThat(new Measurement(ledger).ingest(power, spans, setup, 100).measured()).isEqualTo(2);
    return ledger;
  }

  static String export(Ledger ledger, Scope scope, FocusExport.Options options) throws IOException {
    StringWriter out = new StringWriter();
    new FocusExport(ledger.store()).write(scope, options, out);
    return out.toString();
  }

  /** The data rows, column name → value (null for an empty field). */
  static List<Map<String, String>> rows(String csv) throws IOException {
    List<Map<String, String>> out = new ArrayList<>();
    try (CsvRows rows = new CsvRows(new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)))) {
      List<String> header = rows.next();
      for (List<String> cells; (cells = rows.next()) != null; ) {
        Map<String, String> row = new HashMap<>();
        for (int i = 0; i < header.size(); i++) row.put(header.get(i), cells.get(i).isEmpty() ? null : cells.get(i));
        out.add(row);
      }
    }
    return out;
  }

  private static double sum(List<Map<String, String>> rows, String column) {
    return rows.stream().map(r -> r.get(column)).filter(v -> v != null).mapToDouble(Double::parseDouble).sum();
  }

  private static Map<String, String> only(List<Map<String, String>> rows, String column, String value) {
    List<Map<String, String>> matching = rows.stream().filter(r -> value.equals(r.get(column))).toList();
    assertThat(matching).as(column + " = " + value).hasSize(1);
    return matching.getFirst();
  }

  private static void assertAddsUpToTheSummary(Ledger ledger, Scope scope, List<Map<String, String>> rows) {
    Aggregate total = new Reports(ledger.store()).summary(scope, List.of()).total();
    assertThat(sum(rows, "x_EnergyWattHours") * 3600).isCloseTo(total.energyJoules().total(), within(1e-9 * total.energyJoules().total()));
    assertThat(sum(rows, "x_EnergyWattHoursLow") * 3600).isCloseTo(total.energyJoules().low(), within(1e-9 * total.energyJoules().low()));
    assertThat(sum(rows, "x_EnergyWattHoursHigh") * 3600).isCloseTo(total.energyJoules().high(), within(1e-9 * total.energyJoules().high()));
    double carbon = total.carbonGrams().total();
    assertThat(sum(rows, "x_CarbonEmissionsGramsCarbonDioxideEquivalent")).isCloseTo(carbon, within(1e-9 * carbon));
    assertThat(sum(rows, "x_InputTokens") + sum(rows, "x_OutputTokens")).isEqualTo(total.inputTokens() + total.outputTokens());
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void rows_follow_the_focus_rules_and_add_up_to_the_summary(StoreKind kind) throws IOException {
    try (Ledger ledger = ledger(kind)) {
      String csv = export(ledger, EVERYTHING, FocusExport.Options.defaults());
      assertThat(FocusRules.violations(csv, NUMERIC_CUSTOM)).isEmpty();
      List<Map<String, String>> rows = rows(csv);
      assertAddsUpToTheSummary(ledger, EVERYTHING, rows);

      // One row per day × provider × model × team (× cost center), every call in exactly one.
      Set<List<String>> calls = new HashSet<>();
      ledger.store().scan(e -> calls.add(Arrays.asList(e.record().timestamp().truncatedTo(ChronoUnit.DAYS).toString(),
          e.record().provider(), e.record().model(), e.record().team(), e.record().costCenter())));
      assertThat(rows).extracting(r -> Arrays.asList(r.get("ChargePeriodStart"), r.get("x_ProviderId"), r.get("ResourceId"), r.get("SubAccountId"),
          r.get("x_CostCenter"))).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(calls);

      List<Map<String, String>> unrated = rows.stream().filter(r -> "mystery-model".equals(r.get("ResourceId"))).toList();
      assertThat(unrated).isNotEmpty().allSatisfy(r -> {
        for (String column : List.of("x_EnergyWattHours", "x_EnergyWattHoursLow", "x_EnergyWattHoursHigh", "x_ProvenanceTier",
            "x_CarbonEmissionsGramsCarbonDioxideEquivalent", "x_CarbonIntensityGramsPerKilowattHour", "x_EmissionFactorSource")) {
          assertThat(r.get(column)).as(column + " of an unrated row").isNull();
        }
        assertThat(r.get("ChargeDescription")).contains("without an energy figure)");
      });
      assertThat(rows).allSatisfy(r -> assertUnpriced(r));

      Map<String, String> mixed = only(rows, "ResourceId", SELF_HOSTED_MODEL);
      assertThat(mixed.get("x_ProvenanceTier")).matches("measured:0\\.\\d+;estimated:0\\.\\d+");
      double shares = Arrays.stream(mixed.get("x_ProvenanceTier").split(";")).mapToDouble(s -> Double.parseDouble(s.split(":")[1])).sum();
      assertThat(shares).isCloseTo(1, within(1e-4));
      assertThat(mixed.get("x_MethodologyVersion")).isEqualTo(Catalog.DEFAULT_METHODOLOGY + "; " + Measurement.METHODOLOGY_VERSION);

      Map<String, String> awkward = only(rows, "x_Team", AWKWARD_TEAM);
      assertThat(csv).contains(",\"search, \"\"core\"\"\",");
      assertThat(awkward.get("SubAccountId")).isEqualTo(AWKWARD_TEAM);
      assertThat(awkward.get("x_ProvenanceTier")).isIn("modelled", "estimated");
      double kwh = Double.parseDouble(awkward.get("x_EnergyWattHours")) / 1000;
      assertThat(Double.parseDouble(awkward.get("x_CarbonIntensityGramsPerKilowattHour")))
          .isCloseTo(Double.parseDouble(awkward.get("x_CarbonEmissionsGramsCarbonDioxideEquivalent")) / kwh, within(1e-9));
      assertThat(awkward.get("x_EmissionFactorSource")).isNotBlank();

      assertThat(only(rows, "x_Team", "everywhere").get("x_EmissionFactorSource")).matches("[^;]+; [^;]+; [^;]+; \\+2 more");

      assertThat(only(rows, "ResourceId", "HuggingFaceTB/SmolLM2-1.7B-Instruct").get("x_EnergyScoreStars")).isEqualTo("4");
      assertThat(rows).filteredOn(r -> "gpt-4o".equals(r.get("ResourceId"))).allSatisfy(r -> assertThat(r.get("x_EnergyScoreStars")).isNull());
    }
  }

  /** A row's tokens at these rates per million input and output tokens, computed apart from the export. */
  private static BigDecimal listCost(Map<String, String> row, String inputRate, String outputRate) {
    return new BigDecimal(row.get("x_InputTokens")).multiply(new BigDecimal(inputRate))
        .add(new BigDecimal(row.get("x_OutputTokens")).multiply(new BigDecimal(outputRate))).movePointLeft(6);
  }

  /** A row without a known price: costs 0 in USD (FOCUS allows no null there), its tokens as the pricing quantity, and it says so. */
  private static void assertUnpriced(Map<String, String> row) {
    for (String cost : COSTS) assertThat(row.get(cost)).as(cost + " without a price").isEqualTo("0.0");
    assertThat(row.get("BillingCurrency")).isEqualTo(FocusExport.UNPRICED_CURRENCY);
    assertThat(row.get("PricingQuantity")).isEqualTo(row.get("ConsumedQuantity")).endsWith(".0");
    assertThat(row.get("PricingUnit")).isEqualTo("Tokens");
    assertThat(row.get("ChargeDescription")).contains("no list price known: costs are 0");
    for (String price : List.of("x_ListPriceInputPerMillionTokens", "x_ListPriceOutputPerMillionTokens", "x_ListPriceSource", "x_ListPriceAsOf")) {
      assertThat(row.get(price)).as(price).isNull();
    }
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void prices_fill_the_cost_columns_only_where_every_call_is_priced(StoreKind kind) throws IOException {
    try (Ledger ledger = ledger(kind)) {
      PriceTable prices = PriceTable.parse("prices.csv", bytes("""
          provider,model,input_per_1m_tokens,output_per_1m_tokens,currency
          OpenAI,GPT-4o,2.50,10,USD
          openai,gpt-4o-mini,0.15,0.60,USD
          mistralai,open-mistral-7b,0.25,0.25,EUR
          """));
      var options = new FocusExport.Options(Dimension.DAY, Dimension.TEAM, "acme-billing", prices);
      String csv = export(ledger, EVERYTHING, options);
      assertThat(FocusRules.violations(csv, NUMERIC_CUSTOM)).isEmpty();
      List<Map<String, String>> rows = rows(csv);

      List<Map<String, String>> gpt4o = rows.stream().filter(r -> "gpt-4o".equals(r.get("ResourceId"))).toList();
      assertThat(gpt4o).isNotEmpty().allSatisfy(r -> {
        BigDecimal expected = listCost(r, "2.50", "10");
        for (String cost : List.of("BilledCost", "ListCost", "EffectiveCost", "ContractedCost")) {
          assertThat(new BigDecimal(r.get(cost))).as(cost).isEqualByComparingTo(expected);
        }
        assertThat(r.get("BillingCurrency")).isEqualTo("USD");
        assertThat(r.get("PricingQuantity")).isEqualTo(r.get("ConsumedQuantity"));
        assertThat(r.get("x_ListPriceSource")).isEqualTo("prices.csv");
        assertThat(r.get("PricingUnit")).isEqualTo("Tokens");
        assertThat(r.get("BillingAccountId")).isEqualTo("acme-billing");
      });
      assertThat(rows).filteredOn(r -> "open-mistral-7b".equals(r.get("ResourceId"))).isNotEmpty()
          .allSatisfy(r -> assertThat(r.get("BillingCurrency")).isEqualTo("EUR"));
      Map<String, String> noInputTokens = only(rows, "ResourceId", "gpt-4o-mini");
      assertThat(noInputTokens.get("BilledCost")).as("priced on its output tokens: its input tokens are unknown").isEqualTo("0.00003");
      assertThat(noInputTokens.get("ChargeDescription")).endsWith("; 1 without input tokens, priced on output tokens");
      assertThat(noInputTokens.get("x_InputTokens")).isNull();
      assertThat(rows).filteredOn(r -> "claude-opus-4-1".equals(r.get("ResourceId"))).isNotEmpty().allSatisfy(FocusExportTest::assertUnpriced);

      // A table that prices every model of November: every cost column is filled and valid, FOCUS's rules unrelaxed.
      Set<String> priced = new LinkedHashSet<>();
      priced.add(String.join(",", PriceTable.COLUMNS));
      ledger.store().scan(e -> priced.add(Csv.field(e.record().provider()) + "," + Csv.field(e.record().model()) + ",1.25,3,USD"));
      Scope november = new Scope(NOVEMBER, DECEMBER, Map.of());
      String complete = export(ledger, november, new FocusExport.Options(Dimension.DAY, Dimension.TEAM, "acme-billing",
          PriceTable.parse("all.csv", bytes(String.join("\n", priced)))));
      assertThat(FocusRules.violations(complete, NUMERIC_CUSTOM)).isEmpty();
    }
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void prices_stored_at_ingest_bill_the_rows_and_the_ledger_verifies(StoreKind kind) throws IOException {
    PriceTable writtenUnder = PriceTable.parse("written-under.csv", bytes("""
        provider,model,input_per_1m_tokens,output_per_1m_tokens,currency,source,as_of
        openai,gpt-4o,2.50,10,USD,https://platform.openai.com/docs/pricing,2026-03-01
        """));
    try (Ledger ledger = ledger(kind, writtenUnder)) {
      assertThat(ledger.verify().ok()).isTrue();
      String csv = export(ledger, EVERYTHING, FocusExport.Options.defaults());
      assertThat(FocusRules.violations(csv, NUMERIC_CUSTOM)).isEmpty();
      List<Map<String, String>> gpt4o = rows(csv).stream().filter(r -> "gpt-4o".equals(r.get("ResourceId"))).toList();
      assertThat(gpt4o).isNotEmpty().allSatisfy(r -> {
        assertThat(new BigDecimal(r.get("BilledCost"))).isEqualByComparingTo(listCost(r, "2.50", "10"));
        assertThat(r.get("x_ListPriceInputPerMillionTokens")).isEqualTo("2.5");
        assertThat(r.get("x_ListPriceOutputPerMillionTokens")).isEqualTo("10.0");
        assertThat(r.get("x_ListPriceSource")).isEqualTo("https://platform.openai.com/docs/pricing");
        assertThat(r.get("x_ListPriceAsOf")).isEqualTo("2026-03-01");
        assertThat(r.get("ProviderName")).isEqualTo("OpenAI");
        assertThat(r.get("ServiceName")).isEqualTo("OpenAI API");
      });
      assertThat(rows(csv)).filteredOn(r -> "mistralai".equals(r.get("x_ProviderId"))).isNotEmpty()
          .allSatisfy(r -> assertThat(r.get("PublisherName")).isEqualTo("Mistral AI"));
    }
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void hour_and_month_periods_and_tenant_sub_accounts_keep_the_rules_and_the_totals(StoreKind kind) throws IOException {
    try (Ledger ledger = ledger(kind)) {
      Scope fromMidMonth = new Scope(Instant.parse("2026-11-15T12:00:00.5Z"), DECEMBER, Map.of(Dimension.TENANT, "tenant-1"));
      String monthly = export(ledger, fromMidMonth, new FocusExport.Options(Dimension.MONTH, Dimension.TENANT, "b", PriceTable.NONE));
      assertThat(FocusRules.violations(monthly, NUMERIC_CUSTOM)).isEmpty();
      List<Map<String, String>> months = rows(monthly);
      assertAddsUpToTheSummary(ledger, fromMidMonth, months);
      assertThat(months).isNotEmpty().allSatisfy(r -> {
        assertThat(r.get("ChargePeriodStart")).as("a scope starting inside the month charges its part").isEqualTo("2026-11-15T12:00:00Z");
        assertThat(r.get("ChargePeriodEnd")).isEqualTo("2026-12-01T00:00:00Z");
        assertThat(r.get("BillingPeriodStart")).isEqualTo("2026-11-01T00:00:00Z");
        assertThat(r.get("BillingPeriodEnd")).isEqualTo("2026-12-01T00:00:00Z");
        assertThat(r.get("SubAccountId")).isEqualTo("tenant-1");
        assertThat(r.get("SubAccountType")).isEqualTo("Tenant");
      });
      assertThat(months).extracting(r -> r.get("x_Team")).as("rows split by team under a tenant").contains("team-0", "team-1");

      String hourly = export(ledger, EVERYTHING, new FocusExport.Options(Dimension.HOUR, Dimension.TEAM, "b", PriceTable.NONE));
      assertThat(FocusRules.violations(hourly, NUMERIC_CUSTOM)).isEmpty();
      List<Map<String, String>> hours = rows(hourly);
      assertAddsUpToTheSummary(ledger, EVERYTHING, hours);
      assertThat(hours).allSatisfy(r -> assertThat(
          Duration.between(Instant.parse(r.get("ChargePeriodStart")), Instant.parse(r.get("ChargePeriodEnd")))).isEqualTo(Duration.ofHours(1)));
    }
  }

  @Test
  void calls_of_every_leaderboard_task_carry_their_stars_as_the_eco_block_does() throws IOException {
    var summary = InvocationRecord.builder("huggingface_hub", "facebook/bart-large-cnn", 100).id("summary")
        .timestamp(Instant.parse("2026-11-04T09:00:00Z")).operation(Operation.SUMMARIZATION).build();
    try (Ledger ledger = Ledger.open(DuckDbStore.open(dir), null)) {
      LedgerContractTest.ingest(ledger, List.of(summary), 10);
      String stars = only(rows(export(ledger, EVERYTHING, FocusExport.Options.defaults())), "ResourceId", "facebook/bart-large-cnn")
          .get("x_EnergyScoreStars");
      assertThat(stars).isEqualTo(io.jouletrace.catalog.EcoBlock.energyScore(summary, null).rating().stars() + "").isEqualTo("5");
    }
  }

  @Test
  void the_validator_names_what_breaks_the_rules() throws IOException {
    try (Ledger ledger = ledger(StoreKind.DUCKDB)) {
      String csv = export(ledger, EVERYTHING, FocusExport.Options.defaults());
      Map<String, String> row = rows(csv).getFirst();
      // Each broken value, and the FOCUS 1.2 requirement the rules name for it.
      Map<String, String> expected = new HashMap<>(Map.ofEntries(
          Map.entry("ChargePeriodStart", "ChargePeriodStart is not YYYY-MM-DDTHH:mm:ssZ"),
          Map.entry("x_OutputTokens", "x_OutputTokens is not a FOCUS decimal"),
          Map.entry("ChargeCategory", "ChargeCategory `Fee` is not allowed"),
          Map.entry("ServiceCategory", "ServiceCategory `AI` is not allowed"),
          Map.entry("ServiceSubcategory", "ServiceSubcategory `Databases` is not an allowed value under ServiceCategory `AI and Machine Learning`"),
          Map.entry("ChargeFrequency", "ChargeFrequency `Daily` is not allowed"),
          Map.entry("PricingQuantity", "PricingQuantity MUST be of type Decimal: `2850` reads as an integer"),
          Map.entry("ChargePeriodEnd", "ChargePeriodStart must be before ChargePeriodEnd")));
      Map<String, String> replacements = new HashMap<>(Map.of("ChargePeriodStart", "2026-11-01 00:00:00", "x_OutputTokens", "1,000",
          "ChargeCategory", "Fee", "ServiceCategory", "AI", "ServiceSubcategory", "Databases", "ChargeFrequency", "Daily",
          "PricingQuantity", "2850", "ChargePeriodEnd", row.get("ChargePeriodStart")));
      // BilledCost-C-003-M and its kin: the columns FOCUS allows no null in.
      for (String notNull : List.of("BilledCost", "BillingCurrency", "ContractedCost", "EffectiveCost", "ListCost", "BillingAccountId",
          "ChargeFrequency", "ServiceSubcategory")) {
        expected.put(notNull, notNull + " MUST NOT be null");
        replacements.put(notNull, null);
      }
      expected.put("PricingUnit", "PricingUnit must be null exactly when PricingQuantity is");
      replacements.put("PricingUnit", null);
      assertThat(FocusRules.violations(csv(row), NUMERIC_CUSTOM)).isEmpty();
      expected.forEach((column, violation) -> {
        Map<String, String> broken = new HashMap<>(row);
        broken.put(column, replacements.get(column));
        assertThat(FocusRules.violations(csv(broken), NUMERIC_CUSTOM)).as(column)
            .anySatisfy(v -> assertThat(v).contains(violation));
      });
      Map<String, String> usageWithoutQuantity = new HashMap<>(row);
      usageWithoutQuantity.put("PricingQuantity", null);
      usageWithoutQuantity.put("PricingUnit", null);
      assertThat(FocusRules.violations(csv(usageWithoutQuantity), NUMERIC_CUSTOM))
          .containsExactly("line 2: PricingQuantity MUST NOT be null when ChargeCategory is Usage or Purchase");

      String header = String.join(",", FocusExport.header());
      assertThat(FocusRules.violations(header.replace("BilledCost,BillingAccountId", "BillingAccountId,BilledCost"),
          Set.of())).anySatisfy(v -> assertThat(v).startsWith("header: the mandatory columns must come first"));
      assertThat(FocusRules.violations(header + ",x_energy_wh", Set.of()))
          .containsExactly("header: custom column `x_energy_wh` is not x_ + PascalCase");
      assertThat(FocusRules.violations(header.replace(",ConsumedQuantity", "") + ",ConsumedQuantity", Set.of()))
          .containsExactly("header: FOCUS column `ConsumedQuantity` after a custom column");
      assertThat(FocusRules.violations(header.replace(",InvoiceId", ""), Set.of()))
          .containsExactly("header: InvoiceId is RECOMMENDED to be present in a FOCUS dataset");
    }
  }

  /** The export's header and one row with these values. */
  private static String csv(Map<String, String> row) {
    List<String> header = FocusExport.header();
    return String.join(",", header) + "\n" + String.join(",", header.stream().map(c -> Csv.field(row.get(c))).toList()) + "\n";
  }

  @Test
  void a_malformed_price_table_is_named_by_file_line_and_field() {
    String header = "provider,model,input_per_1m_tokens,output_per_1m_tokens,currency\n";
    assertThatThrownBy(() -> PriceTable.parse("p.csv", bytes(header + "openai,gpt-4o,2.5,10,USD\nopenai,gpt-4o,abc,10,USD\n")))
        .hasMessage("p.csv:3: field 'input_per_1m_tokens': not a number: `abc`");
    assertThatThrownBy(() -> PriceTable.parse("p.csv", bytes(header + "openai,gpt-4o,2.5,-1,USD\n")))
        .hasMessage("p.csv:2: field 'output_per_1m_tokens': must be >= 0, got -1");
    assertThatThrownBy(() -> PriceTable.parse("p.csv", bytes(header + "openai,gpt-4o,2.5,10,dollars\n")))
        .hasMessage("p.csv:2: field 'currency': expected an ISO 4217 code such as USD or EUR, got `dollars`");
    assertThatThrownBy(() -> PriceTable.parse("p.csv", bytes(header + "openai,gpt-4o,2.5,10,USD\nOpenAI,GPT-4o,3,10,USD\n")))
        .hasMessage("p.csv:3: field 'model': `OpenAI` `GPT-4o` is priced twice");
    assertThatThrownBy(() -> PriceTable.parse("p.csv", bytes(header + "openai,,2.5,10,USD\n"))).hasMessage("p.csv:2: field 'model': empty");
    assertThatThrownBy(() -> PriceTable.parse("p.csv", bytes(header + "openai,gpt-4o,2.5,USD\n")))
        .hasMessage("p.csv:2: expected 5 fields, found 4");
    assertThatThrownBy(() -> PriceTable.parse("p.csv", bytes("provider,model,input,output,currency\n")))
        .hasMessageStartingWith("p.csv:1: no column `input_per_1m_tokens`");
    assertThatThrownBy(() -> PriceTable.parse("p.csv", bytes(""))).hasMessageStartingWith("p.csv: empty");
  }

  @Test
  void a_price_table_reads_quoted_names_and_columns_in_any_order() throws IOException {
    PriceTable prices = PriceTable.parse("p.csv", bytes("currency,model,provider,output_per_1m_tokens,input_per_1m_tokens\n"
        + "EUR,\"acme, \"\"large\"\"\",acme,4,1e0\n"));
    PriceTable.Price price = prices.find("ACME", "acme, \"large\"");
    assertThat(price.currency()).isEqualTo("EUR");
    assertThat(price.cost(2_000_000, 500_000)).isEqualByComparingTo("4");
    assertThat(prices.find("acme", "small")).isNull();
  }

  private static ByteArrayInputStream bytes(String text) {
    return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
  }
}
