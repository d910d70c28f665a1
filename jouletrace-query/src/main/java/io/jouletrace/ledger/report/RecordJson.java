package io.jouletrace.ledger.report;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jouletrace.catalog.EcoBlock;
import io.jouletrace.core.figure.Energy;
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
    ObjectNode own = figures(entry.figures());
    nameMethods(own, refigure.apply(entry.figures()));
    root.set("figures", own);
    var sets = root.putArray("figure_sets");
    for (Store.StoredFigureSet set : figureSets) {
      ObjectNode node = figures(set.figures());
      if (set.attributionRun() == null) {
        nameMethods(node, refigure.apply(set.figures()));
      } else {
        String attributed = "metered energy attributed to the call (docs/measured.md), attribution run " + set.attributionRun();
        if (node.get("energy") instanceof ObjectNode energy) energy.put("method", attributed);
        if (node.get("carbon") instanceof ObjectNode carbon) carbon.put("method", attributed + ", times the grid intensity");
      }
      node.put("attribution_run", set.attributionRun()).put("hash", set.hash());
      sets.add(node);
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

  /** A figure set: each amount with value, range, tier and band; carbon with the intensity and where it came from. */
  public static ObjectNode figures(FigureSet f) {
    ObjectNode node = NODES.objectNode();
    node.put("methodology_version", f.methodologyVersion());
    node.putObject("model").put("resolved", f.modelResolved()).put("source", f.modelSource()).put("band", f.modelBand());
    node.set("energy", amount(f.energyJoules(), Energy.WH_PER_JOULE, "wh"));
    ObjectNode carbon = amount(f.carbonGrams(), 1, "g");
    if (carbon != null) {
      carbon.put("intensity_g_per_kwh", f.intensityGramsPerKwh()).put("intensity_source", f.intensitySource()).put("zone", f.intensityZone());
    }
    node.set("carbon", carbon);
    node.set("embodied_carbon", amount(f.embodiedCarbonGrams(), 1, "g"));
    node.set("water", amount(f.waterLitres(), 1, "l"));
    node.put("null_reasons", f.nullReasons());
    node.put("datasets", f.datasets());
    return node;
  }

  private static void nameMethods(ObjectNode figures, Estimate estimate) {
    nameMethod(figures, "energy", estimate.energy());
    nameMethod(figures, "carbon", estimate.carbon());
    nameMethod(figures, "embodied_carbon", estimate.embodiedCarbon());
    nameMethod(figures, "water", estimate.water());
  }

  private static void nameMethod(ObjectNode figures, String field, Figure figure) {
    if (figures.get(field) instanceof ObjectNode amount && figure instanceof Figure.Known known) amount.put("method", known.method());
  }

  private static ObjectNode amount(FigureSet.Amount amount, double scale, String unit) {
    if (amount == null) return null;
    return NODES.objectNode().put(unit, amount.value() * scale).put(unit + "_low", amount.low() * scale).put(unit + "_high", amount.high() * scale)
        .put("tier", amount.tier()).put("band", amount.band());
  }
}
