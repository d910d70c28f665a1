package io.jouletrace.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jouletrace.core.carbon.Intensity;
import io.jouletrace.core.figure.Figure;
import io.jouletrace.core.figure.Range;
import io.jouletrace.core.methodology.Estimate;
import io.jouletrace.core.methodology.aienergyscore.AiEnergyScoreMethodology.EnergyScore;
import io.jouletrace.core.model.ModelMatch;
import io.jouletrace.core.record.InvocationRecord;
import java.util.List;

/**
 * The eco block: the JSON shape of an {@link Estimate} that the CLI, the REST API and the gateway
 * all print. Its field names are a contract with users' scripts; see docs/methodology.md.
 */
public final class EcoBlock {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  /** The field of a call's AI Energy Score rating, in the block and in its null reasons. */
  public static final String ENERGY_SCORE = "energy_score";

  private EcoBlock() {}

  public static ObjectNode of(InvocationRecord record, Estimate estimate) {
    ObjectNode block = NODES.objectNode();
    block.put("methodology_version", estimate.methodologyVersion());
    block.set("model", model(record, estimate.model()));
    block.set("energy", energy(estimate.energy()));
    block.set("carbon", carbon(estimate.carbon(), estimate.intensity()));
    block.set("embodied_carbon", grams(estimate.embodiedCarbon()));
    block.set("water", litres(estimate.water()));
    EnergyScore score = energyScore(record, estimate.model() == null ? null : estimate.model().spec().name());
    block.set(ENERGY_SCORE, energyScore(score));
    var reasons = block.putArray("null_reasons");
    for (Estimate.FieldReason reason : estimate.nullReasons()) {
      reasons.add(FigureJson.nullReason(reason.field(), reason.reason().code(), reason.reason().message()));
    }
    if (score.missing() != null) reasons.add(energyScoreNullReason(score));
    var warnings = block.putArray("warnings");
    estimate.warnings().forEach(warnings::add);
    return block;
  }

  /**
   * The bundled leaderboard's star rating of a call, whatever methodology figured it: the requested model's, else the
   * rating of the model a methodology resolved it to ({@code resolved}, may be null). It depends on the record's
   * operation and model alone, so a stored record's score is derived when it is read, never stored or hashed.
   */
  public static EnergyScore energyScore(InvocationRecord record, String resolved) {
    return Catalog.leaderboard().energyScore(record.operation(), resolved == null ? List.of(record.model()) : List.of(record.model(), resolved));
  }

  /** The {@code null_reasons} entry of a call that is not rated, or null when it is. */
  public static ObjectNode energyScoreNullReason(EnergyScore score) {
    return score.missing() == null ? null : FigureJson.nullReason(ENERGY_SCORE, score.missing().code(), score.missing().message());
  }

  /** {@code {stars, task, leaderboard_version}}, or null when the call is not rated. */
  public static JsonNode energyScore(EnergyScore score) {
    if (score.rating() == null) return NODES.nullNode();
    return NODES.objectNode().put("stars", score.rating().stars()).put("task", score.rating().task())
        .put("leaderboard_version", score.leaderboardVersion());
  }

  private static ObjectNode model(InvocationRecord record, ModelMatch match) {
    ObjectNode model = NODES.objectNode();
    model.put("provider", match == null ? record.provider() : match.spec().provider());
    // What the client asked for (an alias such as gpt-4o) and what answered (a dated snapshot): the same name when the
    // provider answered the name asked for, or when the record does not say.
    model.put("requested", record.modelRequested() == null ? record.model() : record.modelRequested());
    model.put("served", record.model());
    model.put("resolved", match == null ? null : match.spec().name());
    model.set("active_params_b", match == null ? NODES.nullNode() : params(match.spec().activeParamsB()));
    model.set("total_params_b", match == null ? NODES.nullNode() : params(match.spec().totalParamsB()));
    model.put("source", match == null ? null : match.source());
    model.put("band", match == null ? null : match.band().code());
    return model;
  }

  private static JsonNode params(Range billions) {
    return billions == null ? NODES.nullNode() : NODES.objectNode().put("low", billions.low()).put("high", billions.high());
  }

  private static JsonNode energy(Figure figure) {
    if (!(figure instanceof Figure.Known known)) return NODES.nullNode();
    return FigureJson.energy(known.range().low(), known.range().high(), known.tier().code(), known.band().code(), known.method());
  }

  private static JsonNode carbon(Figure figure, Intensity intensity) {
    if (!(figure instanceof Figure.Known known)) return NODES.nullNode();
    return FigureJson.carbon(known.range().low(), known.range().high(), known.tier().code(), known.band().code(), known.method(),
        intensity.gramsPerKwh(), intensity.source(), intensity.zone());
  }

  private static JsonNode grams(Figure figure) {
    if (!(figure instanceof Figure.Known known)) return NODES.nullNode();
    return FigureJson.grams(known.range().low(), known.range().high(), known.tier().code(), known.band().code(), known.method());
  }

  private static JsonNode litres(Figure figure) {
    if (!(figure instanceof Figure.Known known)) return NODES.nullNode();
    return FigureJson.litres(known.range().low(), known.range().high(), known.tier().code(), known.band().code(), known.method());
  }
}
