package io.jouletrace.ledger.report;

import io.jouletrace.catalog.Catalog;
import io.jouletrace.core.figure.Energy;
import io.jouletrace.core.figure.Tier;
import io.jouletrace.core.methodology.aienergyscore.AiEnergyScoreMethodology;
import io.jouletrace.core.record.Operation;
import io.jouletrace.ledger.store.Store;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The ledger as FOCUS 1.2 cost and usage rows (docs/focus.md), written as CSV to any {@link Appendable} so that the
 * CLI and the REST API stream the same bytes. One row per charge period × provider × model × sub-account (team or
 * tenant), split further by team and cost center so that {@code x_Team} and {@code x_CostCenter} hold one value each.
 * The FOCUS columns come first (the mandatory ones in the specification's order), jouletrace's {@code x_} columns
 * after them. Every call in the scope falls in exactly one row, so the rows' energy and carbon add up to
 * {@link Reports#summary} over the same scope.
 */
public final class FocusExport {

  public static final List<Dimension> PERIODS = List.of(Dimension.HOUR, Dimension.DAY, Dimension.MONTH);
  public static final List<Dimension> SUB_ACCOUNTS = List.of(Dimension.TEAM, Dimension.TENANT);
  public static final String DEFAULT_BILLING_ACCOUNT = "unspecified";

  /**
   * How rows are cut and priced.
   *
   * @param period the charge period: hour, day or month (its billing period is the calendar month containing it)
   * @param subAccount what a sub-account is: team or tenant
   * @param billingAccount BillingAccountId and BillingAccountName of every row: the user's account with the
   *     providers, which the ledger does not know
   * @param prices prices the calls whose records carry no stored price (written before prices were kept);
   *     {@link PriceTable#NONE} for none
   */
  public record Options(Dimension period, Dimension subAccount, String billingAccount, PriceTable prices) {
    public Options {
      if (!PERIODS.contains(period)) throw new IllegalArgumentException("the charge period must be hour, day or month, got " + period);
      if (!SUB_ACCOUNTS.contains(subAccount)) throw new IllegalArgumentException("a sub-account must be a team or a tenant, got " + subAccount);
      if (billingAccount == null || billingAccount.isBlank()) throw new IllegalArgumentException("the billing account must not be blank");
      if (prices == null) throw new IllegalArgumentException("prices must not be null (PriceTable.NONE for none)");
    }

    public static Options defaults() {
      return new Options(Dimension.DAY, Dimension.TEAM, DEFAULT_BILLING_ACCOUNT, PriceTable.NONE);
    }
  }

  /** {@code code} as one of {@code allowed}; the error names {@code option} and the choices. */
  public static Dimension choice(String option, String code, List<Dimension> allowed) {
    for (Dimension d : allowed) {
      if (d.code().equalsIgnoreCase(code.strip())) return d;
    }
    throw new IllegalArgumentException(option + ": expected one of " + allowed.stream().map(Dimension::code).collect(Collectors.joining(", "))
        + ", got `" + code + "`");
  }

  /** Distinct sources or versions listed in one field before the rest are counted ("+N more"). */
  private static final int LISTED = 3;
  /** BillingCurrency of a row without a known price, whose costs are 0 (docs/focus.md, "Rows without a price"). */
  static final String UNPRICED_CURRENCY = "USD";

  /**
   * Providers' names as FOCUS's ProviderName, PublisherName and InvoiceIssuerName want them (the display name, not the
   * ledger's id); an id not listed is written as recorded.
   */
  private static final Map<String, String> PROVIDER_NAMES = Map.ofEntries(Map.entry("openai", "OpenAI"), Map.entry("anthropic", "Anthropic"),
      Map.entry("google_genai", "Google"), Map.entry("mistralai", "Mistral AI"), Map.entry("cohere", "Cohere"),
      Map.entry("huggingface_hub", "Hugging Face"), Map.entry("groq", "Groq"));

  /** The price columns of ledger_records (V12) beside report_figures' columns, under report_figures' name for {@link Scope}. */
  private static final String PRICED_FIGURES = " FROM (SELECT f.*, p.price_currency, p.price_input_per_1m, p.price_output_per_1m,"
      + " p.price_source, p.price_as_of FROM report_figures f JOIN ledger_records p ON p.seq = f.seq) report_figures";
  /** A row's stored price, between its model and its sub-account in the grouping keys. */
  private static final List<String> PRICE_KEYS = List.of("price_currency", "price_input_per_1m", "price_output_per_1m", "price_source",
      "price_as_of");
  private static final int PRICE_AT = 3;

  private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

  /** One output column: its name and how a row fills it (null is an empty field). */
  private record Column(String name, Function<Row, String> value) {}

  private static final List<Column> COLUMNS = List.of(
      // FOCUS 1.2 mandatory columns, in the specification's order
      new Column("BilledCost", Row::cost),
      new Column("BillingAccountId", r -> r.options().billingAccount()),
      new Column("BillingAccountName", r -> r.options().billingAccount()),
      new Column("BillingCurrency", r -> r.price() == null ? UNPRICED_CURRENCY : r.price().currency()),
      new Column("BillingPeriodStart", r -> dateTime(r.billingStart())),
      new Column("BillingPeriodEnd", r -> dateTime(r.billingEnd())),
      new Column("ChargeCategory", r -> "Usage"),
      new Column("ChargeClass", r -> null),
      new Column("ChargeDescription", Row::description),
      new Column("ChargePeriodStart", r -> dateTime(r.chargeStart())),
      new Column("ChargePeriodEnd", r -> dateTime(r.chargeEnd())),
      new Column("ContractedCost", Row::cost),
      new Column("EffectiveCost", Row::cost),
      new Column("InvoiceIssuerName", Row::providerName),
      new Column("ListCost", Row::cost),
      new Column("PricingQuantity", r -> focusDecimal(BigDecimal.valueOf(r.tokens()))),
      new Column("PricingUnit", r -> "Tokens"),
      new Column("ProviderName", Row::providerName),
      new Column("PublisherName", Row::providerName),
      new Column("ServiceCategory", r -> "AI and Machine Learning"),
      new Column("ServiceName", r -> r.providerName() + " API"),
      // FOCUS recommended and conditional columns that the ledger can fill
      new Column("ChargeFrequency", r -> "Usage-Based"),
      new Column("InvoiceId", r -> null),
      new Column("ServiceSubcategory", r -> "Generative AI"),
      new Column("ConsumedQuantity", r -> focusDecimal(BigDecimal.valueOf(r.tokens()))),
      new Column("ConsumedUnit", r -> "Tokens"),
      new Column("ResourceId", Row::model),
      new Column("ResourceName", Row::model),
      new Column("ResourceType", r -> "Model"),
      new Column("SubAccountId", Row::subAccount),
      new Column("SubAccountName", Row::subAccount),
      new Column("SubAccountType", Row::subAccountType),
      // jouletrace's columns
      new Column("x_ModelName", Row::model),
      new Column("x_ProviderId", Row::provider),
      new Column("x_ListPriceInputPerMillionTokens", r -> r.price() == null ? null : focusDecimal(r.price().inputPerMillionTokens())),
      new Column("x_ListPriceOutputPerMillionTokens", r -> r.price() == null ? null : focusDecimal(r.price().outputPerMillionTokens())),
      new Column("x_ListPriceSource", r -> r.price() == null ? null : r.price().source()),
      new Column("x_ListPriceAsOf", r -> r.price() == null ? null : r.price().asOf()),
      new Column("x_InputTokens", r -> r.callsWithInputTokens() == 0 ? null : String.valueOf(r.figures().inputTokens())),
      new Column("x_OutputTokens", r -> String.valueOf(r.figures().outputTokens())),
      new Column("x_EnergyWattHours", r -> decimal(ReportJson.wh(r.figures().energyJoules().total()))),
      new Column("x_EnergyWattHoursLow", r -> r.energyRated() ? decimal(r.figures().energyJoules().low() / Energy.JOULES_PER_WH) : null),
      new Column("x_EnergyWattHoursHigh", r -> r.energyRated() ? decimal(r.figures().energyJoules().high() / Energy.JOULES_PER_WH) : null),
      new Column("x_ProvenanceTier", Row::tier),
      new Column("x_CarbonEmissionsGramsCarbonDioxideEquivalent", r -> decimal(r.figures().carbonGrams().total())),
      new Column("x_CarbonIntensityGramsPerKilowattHour", Row::intensity),
      new Column("x_EmissionFactorSource", r -> listed(r.facets().sources())),
      new Column("x_EnergyScoreStars", r -> r.stars() == null ? null : String.valueOf(r.stars())),
      new Column("x_MethodologyVersion", r -> listed(r.facets().versions())),
      new Column("x_Team", Row::team),
      new Column("x_CostCenter", Row::costCenter));

  private final Store store;
  private final AiEnergyScoreMethodology energyScores = Catalog.leaderboard();

  public FocusExport(Store store) {
    this.store = store;
  }

  /** The column names, in the order every row has them. */
  public static List<String> header() {
    return COLUMNS.stream().map(Column::name).toList();
  }

  /** Writes the header and one row per charge period × provider × model × sub-account (× team × cost center). */
  public void write(Scope scope, Options options, Appendable out) throws IOException {
    List<String> keys = new ArrayList<>(List.of(options.period().sql(), Dimension.PROVIDER.sql(), Dimension.MODEL.sql()));
    keys.addAll(PRICE_KEYS);
    keys.add(options.subAccount().sql());
    if (options.subAccount() != Dimension.TEAM) keys.add(Dimension.TEAM.sql());
    keys.add(Dimension.COST_CENTER.sql());
    List<Object> parameters = new ArrayList<>();
    String where = scope.where(parameters);
    // Both queries read the ledger up to its head when the export starts: a record ingested in between cannot make a row without facets.
    where += (where.isEmpty() ? " WHERE " : " AND ") + "seq <= ?";
    parameters.add(store.head().seq());
    Map<List<Object>, Facets> facets = facets(keys, where, parameters);

    line(out, header());
    int extra = keys.size() + 1 + Aggregate.COLUMNS;
    String groups = positions(keys.size());
    try {
      String bothKnown = "CASE WHEN carbon_g_low IS NOT NULL AND energy_j_low IS NOT NULL THEN ";
      store.select("export FOCUS rows", "SELECT " + String.join(", ", keys) + ", " + Aggregate.SELECT + ", CAST(count(input_tokens) AS BIGINT), "
          + "coalesce(sum(" + bothKnown + "(energy_j_low + energy_j_high) / 2 END), 0), "
          + "coalesce(sum(" + bothKnown + "(carbon_g_low + carbon_g_high) / 2 END), 0)"
          + PRICED_FIGURES + where + " GROUP BY " + groups + " ORDER BY " + groups, parameters, rs -> {
            List<Object> key = key(rs, keys.size());
            Row row = row(scope, options, key, Aggregate.read(rs, keys.size() + 1), rs.getLong(extra), rs.getDouble(extra + 1),
                rs.getDouble(extra + 2), facets.get(key));
            try {
              line(out, COLUMNS.stream().map(c -> c.value().apply(row)).toList());
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  /** What may differ among a row's calls: methodology versions, emission factor sources (of calls with carbon), operations. */
  private record Facets(SortedSet<String> versions, SortedSet<String> sources, Set<String> operations) {}

  private Map<List<Object>, Facets> facets(List<String> keys, String where, List<Object> parameters) {
    Map<List<Object>, Facets> out = new HashMap<>();
    int n = keys.size();
    store.select("list what varies within FOCUS rows", "SELECT " + String.join(", ", keys)
        + ", methodology_version, CASE WHEN carbon_g_low IS NULL THEN NULL ELSE intensity_source END, operation" + PRICED_FIGURES
        + where + " GROUP BY " + positions(n + 3), parameters, rs -> {
          Facets f = out.computeIfAbsent(key(rs, n), k -> new Facets(new TreeSet<>(), new TreeSet<>(), new HashSet<>()));
          f.versions().add(rs.getString(n + 1));
          String source = rs.getString(n + 2);
          if (source != null) f.sources().add(source);
          f.operations().add(rs.getString(n + 3));
        });
    return out;
  }

  /** The charge period's bucket (as stored, UTC) and the grouping values, comparable across the two queries. */
  private static List<Object> key(ResultSet rs, int size) throws SQLException {
    Object[] key = new Object[size];
    key[0] = rs.getObject(1, LocalDateTime.class);
    for (int i = 1; i < size; i++) key[i] = rs.getString(i + 1);
    return Arrays.asList(key);
  }

  private static String positions(int count) {
    List<String> out = new ArrayList<>();
    for (int i = 1; i <= count; i++) out.add(String.valueOf(i));
    return String.join(", ", out);
  }

  private Row row(Scope scope, Options options, List<Object> key, Aggregate figures, long callsWithInputTokens, double jointEnergyJoules,
      double jointCarbonGrams, Facets facets) {
    LocalDateTime bucket = (LocalDateTime) key.getFirst();
    LocalDateTime next = switch (options.period()) {
      case HOUR -> bucket.plusHours(1);
      case DAY -> bucket.plusDays(1);
      default -> bucket.plusMonths(1);
    };
    // A scope that starts or ends inside a period charges only its part of it: the rows of two adjacent exports never overlap.
    Instant start = floorSecond(later(Reports.instant(bucket), scope.since()));
    Instant end = ceilSecond(earlier(Reports.instant(next), scope.until()));
    LocalDateTime month = bucket.withDayOfMonth(1).truncatedTo(ChronoUnit.DAYS);
    String provider = (String) key.get(1);
    String model = (String) key.get(2);
    PriceTable.Price stored = storedPrice(key);
    return new Row(options, start, end, Reports.instant(month), Reports.instant(month.plusMonths(1)), provider, model,
        (String) key.get(PRICE_AT + PRICE_KEYS.size()), (String) key.get(key.size() - 2), (String) key.getLast(), figures, callsWithInputTokens,
        jointEnergyJoules, jointCarbonGrams, facets, stars(model, facets.operations()), stored != null ? stored : options.prices().find(provider, model));
  }

  /** The price stored on the row's records (they share it: it is a grouping key); null for records written without one. */
  private static PriceTable.Price storedPrice(List<Object> key) {
    String currency = (String) key.get(PRICE_AT);
    return currency == null ? null : new PriceTable.Price(new BigDecimal((String) key.get(PRICE_AT + 1)),
        new BigDecimal((String) key.get(PRICE_AT + 2)), currency, (String) key.get(PRICE_AT + 3), (String) key.get(PRICE_AT + 4));
  }

  /**
   * The AI Energy Score star rating of {@code model} for the task its calls fall under; null when the model is not
   * rated for it, or the row's calls fall under tasks with different ratings.
   */
  private Integer stars(String model, Set<String> operations) {
    Set<Integer> stars = new HashSet<>();
    for (String operation : operations) {
      AiEnergyScoreMethodology.Rating rating = energyScores.energyScore(Operation.of(operation), List.of(model)).rating();
      if (rating == null) return null;
      stars.add(rating.stars());
    }
    return stars.size() == 1 ? stars.iterator().next() : null;
  }

  /**
   * One output row.
   *
   * @param callsWithInputTokens calls that report their input tokens (a call's cost needs them)
   * @param jointEnergyJoules energy of the calls that have both an energy and a carbon figure
   * @param jointCarbonGrams carbon of the same calls
   * @param price the row's price: the one stored on its records, else the export's table's; null when neither has one
   */
  private record Row(Options options, Instant chargeStart, Instant chargeEnd, Instant billingStart, Instant billingEnd, String provider,
      String model, String subAccount, String team, String costCenter, Aggregate figures, long callsWithInputTokens, double jointEnergyJoules,
      double jointCarbonGrams, Facets facets, Integer stars, PriceTable.Price price) {

    /**
     * The list cost of the row's tokens; 0 without a price (FOCUS allows no null cost: docs/focus.md). A call that did
     * not report its input tokens is priced on its output tokens alone, as the description says.
     */
    String cost() {
      return focusDecimal(price == null ? BigDecimal.ZERO : price.cost(figures.inputTokens(), figures.outputTokens()));
    }

    String providerName() {
      return PROVIDER_NAMES.getOrDefault(provider, provider);
    }

    long tokens() {
      return figures.inputTokens() + figures.outputTokens();
    }

    String description() {
      long unrated = figures.energyJoules().unratedCalls();
      long withoutInputTokens = figures.calls() - callsWithInputTokens;
      return figures.calls() + (figures.calls() == 1 ? " call to " : " calls to ") + model + " on " + providerName()
          + (unrated == 0 ? "" : " (" + unrated + " without an energy figure)")
          + (price == null ? "; no list price known: costs are 0" : "")
          + (price == null || withoutInputTokens == 0 ? "" : "; " + withoutInputTokens + " without input tokens, priced on output tokens");
    }

    String subAccountType() {
      return subAccount == null ? null : options.subAccount() == Dimension.TEAM ? "Team" : "Tenant";
    }

    boolean energyRated() {
      return figures.energyJoules().ratedCalls() > 0;
    }

    /** The energy figures' tier when they share one, else each tier's share of the energy ({@code measured:0.25;modelled:0.75}). */
    String tier() {
      Aggregate.Amounts energy = figures.energyJoules();
      List<Tier> present = Arrays.stream(Tier.values()).filter(t -> energy.callsOf(t) > 0).toList();
      if (present.size() <= 1) return present.isEmpty() ? null : present.getFirst().code();
      double total = energy.total();
      // Figures of zero energy cannot weigh their tiers; their calls do.
      return present.stream().map(t -> t.code() + ":" + plain(BigDecimal.valueOf(
              total > 0 ? energy.of(t) / total : (double) energy.callsOf(t) / energy.ratedCalls()).setScale(4, RoundingMode.HALF_EVEN)))
          .collect(Collectors.joining(";"));
    }

    /** Carbon over energy of the calls that have both: the intensity the row's carbon was figured with. */
    String intensity() {
      return jointEnergyJoules > 0 ? decimal(jointCarbonGrams / (jointEnergyJoules / Energy.JOULES_PER_KWH)) : null;
    }
  }

  /** Distinct values joined with {@code ; }, the first few named and the rest counted; null when none. */
  private static String listed(SortedSet<String> values) {
    if (values.isEmpty()) return null;
    List<String> named = values.stream().limit(LISTED).toList();
    return String.join("; ", named) + (values.size() > LISTED ? "; +" + (values.size() - LISTED) + " more" : "");
  }

  private static void line(Appendable out, List<String> fields) throws IOException {
    out.append(fields.stream().map(Csv::field).collect(Collectors.joining(","))).append('\n');
  }

  /** FOCUS numbers: plain decimals, no exponent, no grouping; null stays null. */
  private static String decimal(Double value) {
    return value == null ? null : plain(BigDecimal.valueOf(value));
  }

  /**
   * A FOCUS Decimal column's value: plain, with a decimal point even when whole ({@code 2850.0}), so that CSV readers
   * type the column DECIMAL/DOUBLE as FOCUS's Decimal data type asks (focus_validator's PricingQuantity-C-001-M).
   */
  static String focusDecimal(BigDecimal value) {
    String plain = plain(value);
    return plain.contains(".") ? plain : plain + ".0";
  }

  private static String plain(BigDecimal value) {
    return value.stripTrailingZeros().toPlainString();
  }

  private static String dateTime(Instant time) {
    return DATE_TIME.format(time);
  }

  private static Instant later(Instant time, Instant bound) {
    return bound != null && bound.isAfter(time) ? bound : time;
  }

  private static Instant earlier(Instant time, Instant bound) {
    return bound != null && bound.isBefore(time) ? bound : time;
  }

  private static Instant floorSecond(Instant time) {
    return time.truncatedTo(ChronoUnit.SECONDS);
  }

  private static Instant ceilSecond(Instant time) {
    Instant floor = floorSecond(time);
    return floor.equals(time) ? time : floor.plusSeconds(1);
  }
}
