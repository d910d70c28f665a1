package io.jouletrace.ledger.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jouletrace.catalog.EcoBlock;
import io.jouletrace.catalog.FigureJson;
import io.jouletrace.core.figure.Figure;
import io.jouletrace.core.methodology.Estimate;
import io.jouletrace.core.methodology.aienergyscore.AiEnergyScoreMethodology.EnergyScore;
import io.jouletrace.core.record.InvocationRecord;
import io.jouletrace.ledger.entry.FigureSet;
import io.jouletrace.ledger.entry.LedgerEntry;
import io.jouletrace.ledger.ingest.RecordFields;
import io.jouletrace.ledger.store.Store;
import java.util.List;
import java.util.function.Function;

/**
 * A stored record as JSON: its inputs, its figures with their provenance, its chain position and its other figure sets.
 * Each amount names its {@code method}: the store keeps none (it follows from the methodology version), so it is taken
 * from the estimate the figures are recomputed as, or for a measured set from its attribution run.
 */
public final class RecordJson {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private RecordJson() {}

  /** {@code refigure} recomputes a stored figure set of this record as it was made (Ledger::refigure), to name its methods. */
  public static ObjectNode of(LedgerEntry entry, List<Store.StoredFigureSet> figureSets, Function<FigureSet, Estimate> refigure) {
    ObjectNode root = NODES.objectNode();
    InvocationRecord r = entry.record();
    root.put("id", r.id());
    root.putObject("chain").put("seq", entry.seq()).put("hash", entry.hash()).put("source_ref", entry.sourceRef());
    ObjectNode record = RecordFields.json(r);
    record.remove(RecordFields.ID);
    root.set("record", record);
    if (entry.price() != null) {
      PriceTable.Price price = entry.price();
      record.putObject("price").put("currency", price.currency()).put("input_per_1m_tokens", price.inputPerMillionTokens())
          .put("output_per_1m_tokens", price.outputPerMillionTokens()).put("source", price.source()).put("as_of", price.asOf());
    }
    putEnergyScore(root, entry);
    root.set("figures", figures(r, entry.figures(), Methods.of(refigure.apply(entry.figures()))));
    var sets = root.putArray("figure_sets");
    for (Store.StoredFigureSet set : figureSets) {
      Methods methods = set.attributionRun() == null ? Methods.of(refigure.apply(set.figures())) : Methods.measured(set.attributionRun());
      sets.add(figures(r, set.figures(), methods).put("attribution_run", set.attributionRun()).put("hash", set.hash()));
    }
    return root;
  }

  /**
   * The record's {@code energy_score}, and {@code energy_score_null_reason} ({@code {code, message}}, null when rated):
   * derived when read from the bundled leaderboard, so the stars are neither stored nor hashed.
   */
  static void putEnergyScore(ObjectNode root, LedgerEntry entry) {
    EnergyScore score = EcoBlock.energyScore(entry.record(), entry.figures().modelResolved());
    root.set(EcoBlock.ENERGY_SCORE, EcoBlock.energyScore(score));
    root.set("energy_score_null_reason", score.missing() == null ? null
        : NODES.objectNode().put("code", score.missing().code()).put("message", score.missing().message()));
  }

  /**
   * A figure set in the eco block's figure shape ({@link FigureJson}): each amount with value, range, tier, band and method;
   * carbon with the intensity and where it came from; {@code null_reasons} as the eco block lists them.
   */
  private static ObjectNode figures(InvocationRecord record, FigureSet f, Methods methods) {
    ObjectNode node = NODES.objectNode();
    node.put("methodology_version", f.methodologyVersion());
    node.putObject("model").put("resolved", f.modelResolved()).put("source", f.modelSource()).put("band", f.modelBand());
    FigureSet.Amount energy = f.energyJoules();
    node.set("energy", energy == null ? null : FigureJson.energy(energy.low(), energy.high(), energy.tier(), energy.band(), methods.energy()));
    FigureSet.Amount carbon = f.carbonGrams();
    node.set("carbon", carbon == null ? null : FigureJson.carbon(carbon.low(), carbon.high(), carbon.tier(), carbon.band(), methods.carbon(),
        f.intensityGramsPerKwh(), f.intensitySource(), f.intensityZone()));
    FigureSet.Amount embodied = f.embodiedCarbonGrams();
    node.set("embodied_carbon", embodied == null ? null : FigureJson.grams(embodied.low(), embodied.high(), embodied.tier(), embodied.band(),
        methods.embodiedCarbon()));
    FigureSet.Amount water = f.waterLitres();
    node.set("water", water == null ? null : FigureJson.litres(water.low(), water.high(), water.tier(), water.band(), methods.water()));
    node.set("null_reasons", nullReasons(record, f, methods.estimate()));
    node.put("datasets", f.datasets());
    return node;
  }

  /**
   * A stored set's null reasons as the eco block lists them: {@code {field, code, message}} per unknown figure, then
   * {@code energy_score}'s when the call is not rated. The store keeps codes only, so a message is that of {@code refigured}
   * (the set recomputed) where it gives the same reason, else null (a measured set's {@code not-metered}).
   */
  static ArrayNode nullReasons(InvocationRecord record, FigureSet f, Estimate refigured) {
    ArrayNode reasons = NODES.arrayNode();
    List<Estimate.FieldReason> recomputed = refigured == null ? List.of() : refigured.nullReasons();
    for (FigureSet.FieldCode stored : f.nullReasonCodes()) {
      String message = recomputed.stream().filter(r -> r.field().equals(stored.field()) && r.reason().code().equals(stored.code()))
          .map(r -> r.reason().message()).findFirst().orElse(null);
      reasons.add(FigureJson.nullReason(stored.field(), stored.code(), message));
    }
    ObjectNode unrated = EcoBlock.energyScoreNullReason(EcoBlock.energyScore(record, f.modelResolved()));
    if (unrated != null) reasons.add(unrated);
    return reasons;
  }

  /** The method each amount follows from (null where none), and the estimate they were named by (null for a measured set). */
  private record Methods(String energy, String carbon, String embodiedCarbon, String water, Estimate estimate) {

    static Methods of(Estimate estimate) {
      return new Methods(method(estimate.energy()), method(estimate.carbon()), method(estimate.embodiedCarbon()), method(estimate.water()), estimate);
    }

    static Methods measured(String attributionRun) {
      String attributed = "metered energy attributed to the call (docs/measured.md), attribution run " + attributionRun;
      return new Methods(attributed, attributed + ", times the grid intensity", null, null, null);
    }

    private static String method(Figure figure) {
      return figure instanceof Figure.Known known ? known.method() : null;
    }
  }
}
