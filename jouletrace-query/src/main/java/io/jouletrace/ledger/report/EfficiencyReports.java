package io.jouletrace.ledger.report;

import io.jouletrace.catalog.Catalog;
import io.jouletrace.catalog.ModelEquivalence;
import io.jouletrace.core.figure.AccuracyBand;
import io.jouletrace.core.figure.Display;
import io.jouletrace.core.figure.Energy;
import io.jouletrace.core.figure.Figure;
import io.jouletrace.core.figure.NullReason;
import io.jouletrace.core.methodology.Estimate;
import io.jouletrace.core.methodology.Estimator;
import io.jouletrace.core.methodology.aienergyscore.AiEnergyScoreMethodology;
import io.jouletrace.core.methodology.aienergyscore.AiEnergyScoreMethodology.Rating;
import io.jouletrace.core.record.InvocationRecord;
import io.jouletrace.core.record.Operation;
import io.jouletrace.ledger.Ledger;
import io.jouletrace.ledger.store.Store;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Which models do the work with the least energy: a ranking per model, recommendations of an equivalent model that
 * uses less, and a comparison of every team's calls with a baseline model. Same query layer as {@link Reports}; the
 * recommendations and the comparison estimate other models at each team's real token mix with the methodology version
 * the team's calls were figured with. Energy is never turned into money here.
 */
public final class EfficiencyReports {

  private static final double DAYS_PER_YEAR = 365;
  private static final String NOT_MORE_EFFICIENT = "not-more-efficient";
  private static final String INTENSITY_UNKNOWN = "intensity-unknown";

  /**
   * An amount in kWh (or, where named so, grams): central value, the range it may lie in, the band it is shown with.
   * A difference may be negative at its low end.
   */
  public record Amount(double value, double low, double high, AccuracyBand band) {

    static Amount kwh(Aggregate.Amounts joules, double factor) {
      return new Amount(joules.total() * factor / Energy.JOULES_PER_KWH, joules.low() * factor / Energy.JOULES_PER_KWH,
          joules.high() * factor / Energy.JOULES_PER_KWH, joules.band());
    }

    static Amount kwh(Figure.Known joules, double factor) {
      return new Amount(joules.value() * factor / Energy.JOULES_PER_KWH, joules.range().low() * factor / Energy.JOULES_PER_KWH,
          joules.range().high() * factor / Energy.JOULES_PER_KWH, joules.band());
    }

    /** This minus {@code other}; the range pairs each end with the other's opposite end, the widest the two ranges allow. */
    Amount minus(Amount other) {
      return new Amount(value - other.value, low - other.high, high - other.low, band.worse(other.band));
    }

    Amount times(double factor, AccuracyBand atBand) {
      return new Amount(value * factor, low * factor, high * factor, band.worse(atBand));
    }

    /** This times {@code other}, whose range may reach below zero: the range is the widest of the four products of the ends. */
    Amount times(Amount other) {
      double[] ends = {low * other.low, low * other.high, high * other.low, high * other.high};
      return new Amount(value * other.value, Arrays.stream(ends).min().orElseThrow(), Arrays.stream(ends).max().orElseThrow(),
          band.worse(other.band));
    }

    /** This over {@code other} (both positive amounts): the range pairs each end with the other's opposite end. */
    Amount over(Amount other) {
      return new Amount(value / other.value, low / other.high, high / other.low, band.worse(other.band));
    }

    /** One minus this. */
    Amount complement() {
      return new Amount(1 - value, 1 - high, 1 - low, band);
    }

    /** The central value as a whole percentage, e.g. {@code 61%}. */
    String percent() {
      return Math.round(value * 100) + "%";
    }

    /** The central value and range, each rounded to the precision the range supports (Display). */
    public Display.Shown shownWithRange() {
      return Display.of(value, low, high, band);
    }

    /** The central value rounded to the precision its range supports, as text. */
    public String shown() {
      return shownWithRange().value();
    }

    /** The absolute central value rounded alike, for sentences that say "more" or "less". */
    String shownMagnitude() {
      return value >= 0 ? shown() : Display.of(-value, -high, -low, band).value();
    }
  }

  /** A model's efficiency over its rated calls in scope, with its AI Energy Score stars where the leaderboard rates it. */
  public record RankedModel(String provider, String model, String task, List<String> resolved, List<String> methodologyVersions,
      Usage usage, Rating stars) {

    /** kWh per 1,000 output tokens of the rated calls; null when they generated no output tokens (embeddings). */
    public Amount perThousandOutputTokens() {
      return usage.ratedOutputTokens() == 0 ? null : Amount.kwh(usage.figures().energyJoules(), 1000.0 / usage.ratedOutputTokens());
    }

    /** kWh per 1,000 rated calls; null when none is rated. */
    public Amount perThousandRequests() {
      return usage.ratedCalls() == 0 ? null : Amount.kwh(usage.figures().energyJoules(), 1000.0 / usage.ratedCalls());
    }
  }

  /** Ranked models, most efficient first (text generation first, then other tasks), and the models with no rated call. */
  public record Ranking(Scope scope, List<RankedModel> models, List<RankedModel> unrated) {}

  /** A team's calls of one model for one task, figured with one methodology version: what recommendations and comparisons start from. */
  public record TeamUse(String team, String provider, String model, String task, Operation operation, String methodologyVersion,
      Usage usage, Period period) {

    /** The mean tokens of a rated call, rounded to whole tokens: the request every model is estimated at. */
    public TokenMix mix() {
      Double input = usage.meanInputTokens();
      return new TokenMix(input == null ? null : Math.round(input), Math.round(usage.meanOutputTokens()));
    }

    /** The team, or {@code (none)} for calls that carry none. */
    public String teamName() {
      return team == null ? ReportJson.NONE : team;
    }

    /** kWh per 1,000 of its rated requests, as they were figured. */
    public Amount perThousandRequests() {
      return Amount.kwh(usage.figures().energyJoules(), 1000.0 / usage.ratedCalls());
    }
  }

  /** @param inputTokens null when none of the calls carried input tokens */
  public record TokenMix(Long inputTokens, long outputTokens) {}

  /** One request of a team's token mix, estimated on a model; {@code stars} is null where the leaderboard does not rate it. */
  public record AtMix(String provider, String model, Estimate estimate, Rating stars) {

    /** kWh per 1,000 such requests; null when the estimate has no energy figure. */
    public Amount perThousandRequests() {
      return estimate.energy() instanceof Figure.Known energy ? Amount.kwh(energy, 1000) : null;
    }

    public String name() {
      return provider + "/" + model;
    }
  }

  /**
   * The time a volume is counted over: the whole UTC days from the first to the last of its own calls, clipped to the
   * scope's since/until. Another scope's calls never stretch it (a far-dated call of one tenant used to make another
   * tenant's year a sliver of its period).
   */
  public record Period(Instant from, Instant to) {
    public double days() {
      return Duration.between(from, to).toMillis() / 86_400_000.0;
    }

    /** The days of calls from {@code first} to {@code last}, within {@code scope}'s window; null without calls. */
    static Period ofCalls(Instant first, Instant last, Scope scope) {
      if (first == null || last == null) return null;
      Instant from = first.truncatedTo(ChronoUnit.DAYS);
      Instant to = last.truncatedTo(ChronoUnit.DAYS).plus(1, ChronoUnit.DAYS);
      if (scope.since() != null && scope.since().isAfter(from)) from = scope.since();
      if (scope.until() != null && scope.until().isBefore(to)) to = scope.until();
      return to.isAfter(from) ? new Period(from, to) : null;
    }
  }

  /**
   * A more efficient equivalent for a team's use of a model. Like with like: the two models are figured at the same
   * request (the team's mean tokens), with the same latency policy (none: the team's latencies belong to its current
   * model) and by the same methodology version; their ratio is then applied to the team's own figured use, so the
   * reduction can never exceed what the team used (before, a reduction figured without latency was set against a use figured
   * with it, and could be larger than the use).
   */
  public record Recommendation(TeamUse use, ModelEquivalence equivalence, TokenMix mix, AtMix current, AtMix proposed) {

    /** The share of the current model's energy the proposed one would not use at the same request: 1 − proposed / current. */
    public Amount reductionShare() {
      return proposed.perThousandRequests().over(current.perThousandRequests()).complement();
    }

    /** kWh per 1,000 of the team's requests to the current model, as its calls were figured. */
    public Amount currentUse() {
      return use.perThousandRequests();
    }

    /** kWh per 1,000 requests the proposed model would not use: the reduction share of the team's own use, never more than it. */
    public Amount difference() {
      return currentUse().times(reductionShare());
    }

    /** The team's rated calls of this model over the days it made them ({@link TeamUse#period}), scaled to 365 days. */
    public double requestsPerYear() {
      return use.usage().ratedCalls() / use.period().days() * DAYS_PER_YEAR;
    }

    /** Grams CO2e a year the difference comes to at the team's volume and energy-weighted intensity; null when no call has carbon. */
    public Amount annualCarbonDifference() {
      Double intensity = use.usage().intensityGramsPerKwh();
      if (intensity == null) return null;
      return difference().times(requestsPerYear() / 1000 * intensity, use.usage().figures().carbonGrams().band());
    }

    public NullReason annualCarbonMissing() {
      return annualCarbonDifference() != null ? null : new NullReason(INTENSITY_UNKNOWN,
          "No call of team " + use.teamName() + " to " + use.model() + " has a carbon figure, so its grid intensity is unknown.");
    }

    /** "X uses P% less energy than Y at team T's token mix: N kWh less per 1,000 requests of the U it uses". */
    public String statement() {
      return proposed.name() + " uses " + reductionShare().percent() + " less energy than " + current.name() + " at team " + use.teamName()
          + "'s token mix: " + difference().shown() + " kWh less per 1,000 requests of the " + currentUse().shown() + " kWh it uses";
    }

    /** What the comparison assumed, in words a reader can check. */
    public List<String> assumptions() {
      return likeWithLike(use, mix, current, proposed);
    }
  }

  /** An equivalent that is not recommended, and why: it uses no less energy, or one of the two has no energy figure. */
  public record NotRecommended(TeamUse use, ModelEquivalence equivalence, NullReason reason) {}

  public record Recommendations(Scope scope, Period period, List<Recommendation> recommended, List<NotRecommended> notRecommended,
      List<TeamUse> withoutEquivalent) {}

  /**
   * A team's rated calls of a model against the same calls on the baseline model: both models figured at the team's mean
   * request alike (no latency, one methodology version), their ratio applied to what the calls used as figured.
   */
  public record BaselineLine(TeamUse use, TokenMix mix, AtMix current, AtMix baseline) {

    /** kWh the calls used, as figured. */
    public Amount actual() {
      return Amount.kwh(use.usage().figures().energyJoules(), 1);
    }

    /** kWh the same requests would use on the baseline; null when either model has no energy figure at the mix. */
    public Amount onBaseline() {
      if (unknownEnergy(current, baseline) != null) return null;
      return actual().times(baseline.perThousandRequests().over(current.perThousandRequests()));
    }

    /** What the comparison assumed, in words a reader can check. */
    public List<String> assumptions() {
      return likeWithLike(use, mix, current, baseline);
    }

    public String statement() {
      Amount baselineKwh = onBaseline();
      if (baselineKwh == null) return "no energy figure for " + baseline.name();
      Amount difference = actual().minus(baselineKwh);
      if (difference.value() == 0) return "used as much energy as " + baseline.name() + " would have at the same token mix";
      return "used " + difference.shownMagnitude() + " kWh " + (difference.value() > 0 ? "more" : "less") + " than " + baseline.name()
          + " would have at the same token mix";
    }
  }

  /** Every team's use of each model against {@code baseline}; uses with no rated call are listed apart. */
  public record BaselineComparison(Scope scope, String baselineProvider, String baselineModel, List<BaselineLine> lines,
      List<TeamUse> unrated) {

    /** What the report compares with: the baseline model, and its provider when one was given. */
    public String comparedWith() {
      return baselineProvider == null ? baselineModel + " (on each team's own provider)" : baselineProvider + "/" + baselineModel;
    }
  }

  /** One SQL group: calls of one team, provider, model and operation under one effective and one modelled methodology version. */
  private record Row(String team, String provider, String model, Operation operation, String version, String modelledVersion,
      String resolved, Instant first, Instant last, Usage usage) {
    /** The leaderboard task the operation maps to, else the operation itself: calls of one task are ranked together. */
    String task() {
      return AiEnergyScoreMethodology.task(operation).orElse(operation.code());
    }
  }

  private final Store store;
  private final Estimator estimator;
  private final AiEnergyScoreMethodology leaderboard;

  public EfficiencyReports(Store store, Estimator estimator, AiEnergyScoreMethodology leaderboard) {
    this.store = store;
    this.estimator = estimator;
    this.leaderboard = leaderboard;
  }

  /** Over {@code ledger}'s store, with its estimator and the bundled leaderboard. */
  public EfficiencyReports(Ledger ledger) {
    this(ledger.store(), ledger.estimator(), Catalog.aiEnergyScore());
  }

  public Ranking ranking(Scope scope) {
    List<RankedModel> rated = new ArrayList<>();
    List<RankedModel> unrated = new ArrayList<>();
    for (List<Row> rows : groups(rows(scope), r -> Stream.of(r.provider(), r.model(), r.task()).toList())) {
      Row first = rows.getFirst();
      List<String> resolved = distinct(rows, Row::resolved);
      Rating stars = stars(first.operation(), Stream.concat(Stream.of(first.model()), resolved.stream()));
      var model = new RankedModel(first.provider(), first.model(), first.task(), resolved, distinct(rows, Row::version), total(rows), stars);
      (model.usage().ratedCalls() == 0 ? unrated : rated).add(model);
    }
    rated.sort(Comparator.comparing((RankedModel m) -> !m.task().equals(AiEnergyScoreMethodology.TEXT_GENERATION))
        .thenComparing(RankedModel::task)
        .thenComparing(RankedModel::perThousandOutputTokens, Comparator.nullsLast(Comparator.comparingDouble(Amount::value)))
        .thenComparing(m -> m.perThousandRequests().value()));
    unrated.sort(Comparator.comparingLong((RankedModel m) -> -m.usage().figures().calls()).thenComparing(RankedModel::model));
    return new Ranking(scope, rated, unrated);
  }

  /** For each team's use of a model that has equivalents in {@code equivalences}: those that use less energy at the team's mix. */
  public Recommendations recommendations(Scope scope, List<ModelEquivalence> equivalences) {
    Period period = period(scope);
    List<Recommendation> recommended = new ArrayList<>();
    List<NotRecommended> notRecommended = new ArrayList<>();
    List<TeamUse> withoutEquivalent = new ArrayList<>();
    for (TeamUse use : teamUses(scope)) {
      if (use.usage().ratedCalls() == 0) continue;
      List<ModelEquivalence> candidates = equivalences.stream()
          .filter(e -> e.task().equals(use.task()) && e.matches(use.provider(), use.model())).toList();
      if (candidates.isEmpty()) withoutEquivalent.add(use);
      TokenMix mix = use.mix();
      AtMix current = atMix(use, mix, use.provider(), use.model());
      for (ModelEquivalence equivalence : candidates) {
        AtMix proposed = atMix(use, mix, equivalence.proposedProvider(), equivalence.proposedModel());
        NullReason unknown = unknownEnergy(current, proposed);
        if (unknown != null) {
          notRecommended.add(new NotRecommended(use, equivalence, unknown));
        } else if (proposed.perThousandRequests().value() < current.perThousandRequests().value()) {
          recommended.add(new Recommendation(use, equivalence, mix, current, proposed));
        } else {
          notRecommended.add(new NotRecommended(use, equivalence, new NullReason(NOT_MORE_EFFICIENT, proposed.name() + " uses "
              + proposed.perThousandRequests().shown() + " kWh per 1,000 requests at this mix, " + current.name() + " "
              + current.perThousandRequests().shown() + ".")));
        }
      }
    }
    // Largest yearly effect first; where intensity is unknown, the largest difference per request.
    recommended.sort(Comparator.comparing((Recommendation r) -> r.annualCarbonDifference() == null)
        .thenComparing(r -> r.annualCarbonDifference() == null ? 0 : -r.annualCarbonDifference().value())
        .thenComparing(r -> -r.difference().value()));
    return new Recommendations(scope, period, recommended, notRecommended, withoutEquivalent);
  }

  /** Each team's use of each model against {@code baselineModel} (on {@code baselineProvider}, or on the use's own provider when null). */
  public BaselineComparison compare(Scope scope, String baselineProvider, String baselineModel) {
    List<BaselineLine> lines = new ArrayList<>();
    List<TeamUse> unrated = new ArrayList<>();
    for (TeamUse use : teamUses(scope)) {
      if (use.usage().ratedCalls() == 0) {
        unrated.add(use);
        continue;
      }
      TokenMix mix = use.mix();
      lines.add(new BaselineLine(use, mix, atMix(use, mix, use.provider(), use.model()),
          atMix(use, mix, baselineProvider == null ? use.provider() : baselineProvider, baselineModel)));
    }
    return new BaselineComparison(scope, baselineProvider, baselineModel, lines, unrated);
  }

  /** The assumptions under which {@code current} and {@code other} were set side by side for {@code use}. */
  private static List<String> likeWithLike(TeamUse use, TokenMix mix, AtMix current, AtMix other) {
    return List.of(
        "both models figured at team " + use.teamName() + "'s mean request: " + (mix.inputTokens() == null ? "no" : mix.inputTokens())
            + " input and " + mix.outputTokens() + " output tokens",
        "no latency for either model: the calls' latencies belong to " + current.name() + " and say nothing of " + other.name(),
        "both figured with " + use.methodologyVersion() + ", the version the calls were figured with",
        "the ratio of the two applied to the energy the calls were figured with, so the difference never exceeds it",
        "carbon at the calls' own grid intensity, weighted by their energy");
  }

  private static NullReason unknownEnergy(AtMix current, AtMix proposed) {
    for (AtMix side : List.of(current, proposed)) {
      if (side.estimate().energy() instanceof Figure.Unknown unknown) return unknown.reason();
    }
    return null;
  }

  /** One request of the team's mix on {@code provider}/{@code model}, figured with the version the team's calls were figured with. */
  private AtMix atMix(TeamUse use, TokenMix mix, String provider, String model) {
    // No latency: the team's recorded latencies belong to its current model and say nothing of another's.
    InvocationRecord request = InvocationRecord.builder(provider, model, mix.outputTokens()).operation(use.operation())
        .inputTokens(mix.inputTokens()).build();
    Estimate estimate = estimator.estimate(request, use.methodologyVersion());
    String resolved = estimate.model() == null ? null : estimate.model().spec().name();
    return new AtMix(provider, model, estimate, stars(use.operation(), Stream.of(model, resolved)));
  }

  /** The leaderboard's rating of the first of {@code names} it rates for the operation's task: a call's energy score. */
  private Rating stars(Operation operation, Stream<String> names) {
    return leaderboard.energyScore(operation, names.toList()).rating();
  }

  private List<TeamUse> teamUses(Scope scope) {
    List<TeamUse> uses = new ArrayList<>();
    // The modelled version, not the effective one: a measured call's own methodology is what can estimate another model.
    for (List<Row> rows : groups(rows(scope), r -> Stream.of(r.team(), r.provider(), r.model(), r.task(), r.modelledVersion()).toList())) {
      Row first = rows.getFirst();
      // Any operation of the task estimates alike (methodologies tell operations apart only by task).
      Instant from = rows.stream().map(Row::first).min(Comparator.naturalOrder()).orElseThrow();
      Instant to = rows.stream().map(Row::last).max(Comparator.naturalOrder()).orElseThrow();
      uses.add(new TeamUse(first.team(), first.provider(), first.model(), first.task(), first.operation(), first.modelledVersion(), total(rows),
          Period.ofCalls(from, to, scope)));
    }
    uses.sort(Comparator.comparing(TeamUse::teamName).thenComparing(TeamUse::provider).thenComparing(TeamUse::model)
        .thenComparing(TeamUse::task).thenComparing(TeamUse::methodologyVersion));
    return uses;
  }

  private List<Row> rows(Scope scope) {
    List<Object> parameters = new ArrayList<>();
    String where = scope.where(parameters);
    List<Row> rows = new ArrayList<>();
    store.select("sum up calls per team and model", "SELECT team, provider, model, operation, methodology_version, modelled_methodology_version, "
        + "model_resolved, min(ts), max(ts), " + Usage.SELECT + " FROM report_figures" + where
        + " GROUP BY 1, 2, 3, 4, 5, 6, 7 ORDER BY 2, 3, 4, 5, 6, 7, 1",
        parameters, rs -> rows.add(new Row(rs.getString(1), rs.getString(2), rs.getString(3), Operation.of(rs.getString(4)),
            rs.getString(5), rs.getString(6), rs.getString(7), Reports.instant(rs.getObject(8, LocalDateTime.class)),
            Reports.instant(rs.getObject(9, LocalDateTime.class)), Usage.read(rs, 10))));
    return rows;
  }

  /** The days of the scope's own calls (every filter applies), clipped to its window; null when it has none. */
  private Period period(Scope scope) {
    List<Object> parameters = new ArrayList<>();
    String where = scope.where(parameters);
    Instant[] bounds = new Instant[2];
    store.select("find the first and last call", "SELECT min(ts), max(ts) FROM report_figures" + where, parameters, rs -> {
      LocalDateTime first = rs.getObject(1, LocalDateTime.class);
      if (first != null) {
        bounds[0] = Reports.instant(first);
        bounds[1] = Reports.instant(rs.getObject(2, LocalDateTime.class));
      }
    });
    return Period.ofCalls(bounds[0], bounds[1], scope);
  }

  private static List<List<Row>> groups(List<Row> rows, Function<Row, List<String>> key) {
    Map<List<String>, List<Row>> groups = new LinkedHashMap<>();
    for (Row row : rows) groups.computeIfAbsent(key.apply(row), k -> new ArrayList<>()).add(row);
    return List.copyOf(groups.values());
  }

  private static Usage total(List<Row> rows) {
    return rows.stream().map(Row::usage).reduce(Usage::plus).orElseThrow();
  }

  private static List<String> distinct(List<Row> rows, Function<Row, String> field) {
    return List.copyOf(rows.stream().map(field).filter(Objects::nonNull).collect(Collectors.toCollection(TreeSet::new)));
  }
}
