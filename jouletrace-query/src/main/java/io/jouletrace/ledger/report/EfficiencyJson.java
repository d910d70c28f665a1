package io.jouletrace.ledger.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jouletrace.catalog.ModelEquivalence;
import io.jouletrace.core.figure.Energy;
import io.jouletrace.core.figure.Figure;
import io.jouletrace.core.figure.NullReason;
import io.jouletrace.core.figure.Tier;
import io.jouletrace.core.methodology.Estimate;
import io.jouletrace.core.methodology.aienergyscore.AiEnergyScoreMethodology.Rating;
import io.jouletrace.ledger.report.EfficiencyReports.Amount;
import io.jouletrace.ledger.report.EfficiencyReports.AtMix;
import io.jouletrace.ledger.report.EfficiencyReports.TeamUse;

/**
 * The JSON of the efficiency reports (ranking, recommendations, baseline comparison), shared by the CLI and the REST
 * API. Energy in kWh, carbon in grams; an unknown amount is null with a line in {@code null_reasons}, never 0.
 */
public final class EfficiencyJson {

  private static final ObjectMapper JSON = new ObjectMapper();
  static final String NOT_ON_LEADERBOARD = "not-on-leaderboard";
  static final String NO_OUTPUT_TOKENS = "no-output-tokens";

  private EfficiencyJson() {}

  /** {@code models}: most efficient first, per 1,000 output tokens and per 1,000 requests over rated calls; {@code unrated} apart. */
  public static ObjectNode ranking(EfficiencyReports.Ranking ranking) {
    ObjectNode root = ReportJson.scoped(ranking.scope());
    ArrayNode models = root.putArray("models");
    for (EfficiencyReports.RankedModel m : ranking.models()) {
      ObjectNode line = models.addObject().put("provider", m.provider()).put("model", m.model()).put("task", m.task());
      m.resolved().forEach(line.putArray("resolved")::add);
      m.methodologyVersions().forEach(line.putArray("methodology_versions")::add);
      Aggregate.Amounts energy = m.usage().figures().energyJoules();
      line.put("calls", m.usage().figures().calls()).put("rated_calls", energy.ratedCalls()).put("unrated_calls", energy.unratedCalls())
          .put("rated_output_tokens", m.usage().ratedOutputTokens());
      ArrayNode reasons = JSON.createArrayNode();
      putAmount(line, "kwh_per_1k_output_tokens", m.perThousandOutputTokens());
      if (m.perThousandOutputTokens() == null) {
        reason(reasons, "kwh_per_1k_output_tokens", new NullReason(NO_OUTPUT_TOKENS, "The rated calls generated no output tokens."));
      }
      putAmount(line, "kwh_per_1k_requests", m.perThousandRequests());
      ObjectNode tiers = line.putObject("tiers");
      for (Tier tier : Tier.values()) {
        tiers.putObject(tier.code()).put("calls", energy.callsOf(tier)).put("kwh", energy.of(tier) / Energy.JOULES_PER_KWH);
      }
      line.put("band", energy.band().code());
      stars(line, reasons, "stars", m.stars(), m.model(), m.task());
      line.set("null_reasons", reasons);
    }
    ArrayNode unrated = root.putArray("unrated");
    for (EfficiencyReports.RankedModel m : ranking.unrated()) {
      unrated.addObject().put("provider", m.provider()).put("model", m.model()).put("task", m.task()).put("calls", m.usage().figures().calls())
          .put("tokens", m.usage().figures().energyJoules().unratedTokens());
    }
    return root;
  }

  /**
   * {@code period} the volume is counted over, {@code recommendations} (largest yearly effect first),
   * {@code not_recommended} with the reason, and {@code without_equivalent}: team uses no table row matches.
   */
  public static ObjectNode recommendations(EfficiencyReports.Recommendations recommendations) {
    ObjectNode root = ReportJson.scoped(recommendations.scope());
    putPeriod(root, recommendations.period());
    ArrayNode recommended = root.putArray("recommendations");
    for (EfficiencyReports.Recommendation r : recommendations.recommended()) {
      ObjectNode line = use(recommended.addObject(), r.use());
      ArrayNode reasons = JSON.createArrayNode();
      mix(line, r.mix());
      line.set("current", atMix(r.current(), reasons, "current", r.use().task()));
      line.set("proposed", atMix(r.proposed(), reasons, "proposed", r.use().task()));
      putAmount(line, "kwh_per_1k_requests_difference", r.difference());
      putAmount(line, "current_use_kwh_per_1k_requests", r.currentUse());
      putAmount(line, "reduction_share", r.reductionShare());
      r.assumptions().forEach(line.putArray("assumptions")::add);
      line.put("band", r.difference().band().code());
      ObjectNode annual = line.putObject("annual").put("requests_per_year", r.requestsPerYear());
      putPeriod(annual, r.use().period());
      ReportJson.putNumber(annual, "intensity_g_per_kwh", r.use().usage().intensityGramsPerKwh());
      Amount carbon = r.annualCarbonDifference();
      putAmount(annual, "co2_grams_difference", carbon);
      if (carbon == null) {
        annual.putNull("band");
        reason(reasons, "annual.co2_grams_difference", r.annualCarbonMissing());
      } else {
        annual.put("band", carbon.band().code());
      }
      line.put("statement", r.statement()).put("equivalence", r.equivalence().origin());
      line.set("null_reasons", reasons);
    }
    ArrayNode notRecommended = root.putArray("not_recommended");
    for (EfficiencyReports.NotRecommended n : recommendations.notRecommended()) {
      ObjectNode line = use(notRecommended.addObject(), n.use());
      equivalence(line, n.equivalence());
      line.putObject("reason").put("code", n.reason().code()).put("message", n.reason().message());
    }
    ArrayNode without = root.putArray("without_equivalent");
    for (TeamUse u : recommendations.withoutEquivalent()) use(without.addObject(), u);
    return root;
  }

  /** {@code compared_with} names the baseline; each line: the calls' {@code actual} energy, the same on the {@code baseline}, the difference. */
  public static ObjectNode comparison(EfficiencyReports.BaselineComparison comparison) {
    ObjectNode root = ReportJson.scoped(comparison.scope());
    root.put("compared_with", comparison.comparedWith());
    root.putObject("baseline").put("provider", comparison.baselineProvider()).put("model", comparison.baselineModel());
    ArrayNode lines = root.putArray("lines");
    for (EfficiencyReports.BaselineLine l : comparison.lines()) {
      ObjectNode line = use(lines.addObject(), l.use());
      ArrayNode reasons = JSON.createArrayNode();
      mix(line, l.mix());
      Amount actual = l.actual();
      ObjectNode actualNode = line.putObject("actual");
      putAmount(actualNode, "kwh", actual);
      actualNode.put("band", actual.band().code());
      line.set("current", atMix(l.current(), reasons, "current", l.use().task()));
      ObjectNode baseline = atMix(l.baseline(), reasons, "baseline", l.use().task());
      putAmount(baseline, "kwh", l.onBaseline());
      line.set("baseline", baseline);
      putAmount(line, "kwh_difference", l.onBaseline() == null ? null : actual.minus(l.onBaseline()));
      l.assumptions().forEach(line.putArray("assumptions")::add);
      line.put("statement", l.statement());
      line.set("null_reasons", reasons);
    }
    ArrayNode unrated = root.putArray("unrated");
    for (TeamUse u : comparison.unrated()) {
      use(unrated.addObject(), u).put("calls", u.usage().figures().calls()).put("tokens", u.usage().figures().energyJoules().unratedTokens());
    }
    return root;
  }

  private static ObjectNode use(ObjectNode node, TeamUse use) {
    node.put("team", use.team()).put("provider", use.provider()).put("model", use.model()).put("task", use.task())
        .put("methodology_version", use.methodologyVersion()).put("requests", use.usage().ratedCalls());
    return node;
  }

  private static void mix(ObjectNode line, EfficiencyReports.TokenMix mix) {
    line.putObject("token_mix").put("input_tokens", mix.inputTokens()).put("output_tokens", mix.outputTokens());
  }

  private static void equivalence(ObjectNode line, ModelEquivalence e) {
    line.put("proposed_provider", e.proposedProvider()).put("proposed_model", e.proposedModel()).put("equivalence", e.origin());
  }

  /** One request of the mix on a model: its resolution, energy per 1,000 requests with range, tier and band, and its stars. */
  private static ObjectNode atMix(AtMix at, ArrayNode reasons, String side, String task) {
    ObjectNode node = JSON.createObjectNode().put("provider", at.provider()).put("model", at.model());
    Estimate estimate = at.estimate();
    node.put("resolved", estimate.model() == null ? null : estimate.model().spec().name())
        .put("model_source", estimate.model() == null ? null : estimate.model().source());
    putAmount(node, "kwh_per_1k_requests", at.perThousandRequests());
    if (estimate.energy() instanceof Figure.Known energy) {
      node.put("tier", energy.tier().code()).put("band", energy.band().code());
    } else {
      node.putNull("tier").putNull("band");
      reason(reasons, side + ".kwh_per_1k_requests", ((Figure.Unknown) estimate.energy()).reason());
    }
    stars(node, reasons, side + ".stars", at.stars(), at.model(), task);
    return node;
  }

  private static void stars(ObjectNode node, ArrayNode reasons, String field, Rating rating, String model, String task) {
    if (rating == null) {
      node.putNull("stars");
      reason(reasons, field, new NullReason(NOT_ON_LEADERBOARD, "`" + model + "` is not on the AI Energy Score leaderboard for " + task + "."));
    } else {
      node.putObject("stars").put("stars", rating.stars()).put("task", rating.task()).put("leaderboard_model", rating.model())
          .put("kwh_per_1k_queries", rating.kwhPer1000Queries());
    }
  }

  private static void putAmount(ObjectNode node, String name, Amount amount) {
    ReportJson.putNumber(node, name, amount == null ? null : amount.value());
    ReportJson.putNumber(node, name + "_low", amount == null ? null : amount.low());
    ReportJson.putNumber(node, name + "_high", amount == null ? null : amount.high());
  }

  private static void reason(ArrayNode reasons, String field, NullReason reason) {
    reasons.addObject().put("field", field).put("code", reason.code()).put("message", reason.message());
  }

  /** {@code period}: from, to and days, or null when there were no calls. */
  private static void putPeriod(ObjectNode node, EfficiencyReports.Period period) {
    if (period == null) node.putNull("period");
    else node.putObject("period").put("from", period.from().toString()).put("to", period.to().toString()).put("days", period.days());
  }
}
