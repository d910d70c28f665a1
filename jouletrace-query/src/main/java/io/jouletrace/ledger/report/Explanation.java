package io.jouletrace.ledger.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jouletrace.catalog.EcoBlock;
import io.jouletrace.core.figure.Energy;
import io.jouletrace.core.methodology.Derivation;
import io.jouletrace.core.methodology.Estimate;
import io.jouletrace.core.record.InvocationRecord;
import io.jouletrace.ledger.entry.FigureSet;
import io.jouletrace.ledger.Ledger;
import io.jouletrace.ledger.entry.LedgerEntry;
import io.jouletrace.ledger.store.Store;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code explain}: how each stored figure set of a record follows from its inputs, step by step with every intermediate
 * value, enough to redo it with a calculator. The steps are written by the methodology while it refigures the record
 * (the computation {@code verify} runs), and the refigured set is compared with the stored one.
 */
public final class Explanation {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private Explanation() {}

  /** The record's inputs, its energy score, and the derivation of its own figure set and of each set beside it. */
  public static ObjectNode of(Ledger ledger, LedgerEntry entry, List<Store.StoredFigureSet> figureSets) {
    InvocationRecord r = entry.record();
    ObjectNode root = NODES.objectNode();
    root.put("id", r.id());
    root.putObject("chain").put("seq", entry.seq()).put("hash", entry.hash());
    root.putObject("record").put("timestamp", r.timestamp().toString()).put("provider", r.provider()).put("model", r.model())
        .put("operation", r.operation().code()).put("input_tokens", r.inputTokens()).put("output_tokens", r.outputTokens())
        .put("latency_s", r.latencySeconds()).put("zone", r.zone()).put("region", r.region())
        .put("intensity_g_per_kwh", r.intensityGramsPerKwh());
    RecordJson.putEnergyScore(root, entry);
    ArrayNode sets = root.putArray("figure_sets");
    sets.add(modelled(ledger, entry, entry.figures(), "own"));
    for (Store.StoredFigureSet set : figureSets) {
      sets.add(set.attributionRun() == null ? modelled(ledger, entry, set.figures(), "backfilled") : measured(ledger, r, set));
    }
    return root;
  }

  /** A methodology's set: the steps of refiguring it, the stored result, and whether the two agree. */
  private static ObjectNode modelled(Ledger ledger, LedgerEntry entry, FigureSet stored, String kind) {
    Derivation.Recorder recorder = Derivation.recorder();
    Estimate estimate = ledger.refigure(entry, stored, recorder);
    ObjectNode node = head(stored, kind, RecordJson.nullReasons(entry.record(), stored, estimate));
    ArrayNode steps = node.putArray("steps");
    for (Derivation.Step step : recorder.steps()) {
      ObjectNode s = steps.addObject().put("name", step.name());
      if (step.isNote()) {
        s.put("note", step.formula());
      } else {
        s.put("value", step.value()).put("unit", step.unit()).put("formula", step.formula());
      }
    }
    node.set("result", result(stored));
    List<String> differences = stored.differences(FigureSet.of(estimate));
    node.put("recomputed_matches_stored", differences.isEmpty());
    differences.forEach(node.putArray("differences")::add);
    return node;
  }

  /** A measured set: no formula makes it; it names the attribution run whose stored inputs reproduce it. */
  private static ObjectNode measured(Ledger ledger, InvocationRecord record, Store.StoredFigureSet set) {
    ObjectNode node = head(set.figures(), "measured", RecordJson.nullReasons(record, set.figures(), null));
    node.put("attribution_run", set.attributionRun());
    String note = "measured: metered energy split among the calls that used it by attribution run " + set.attributionRun()
        + " (docs/measured.md); `jouletrace verify` re-runs the attribution from the run's stored inputs";
    ledger.store().attributionRun(set.attributionRun()).ifPresent(run -> node.putObject("run").put("inputs_sha256", run.inputsSha256())
        .put("options", run.options()).put("samples", run.samples()).put("spans", run.spans()).put("created_at", run.createdAt().toString()));
    node.put("note", note);
    node.set("result", result(set.figures()));
    return node;
  }

  /** {@code nullReasons} in the record view's shape ({@link RecordJson#nullReasons}). */
  private static ObjectNode head(FigureSet figures, String kind, ArrayNode nullReasons) {
    ObjectNode head = NODES.objectNode().put("methodology_version", figures.methodologyVersion()).put("kind", kind);
    head.set("null_reasons", nullReasons);
    return head;
  }

  /** The stored bounds the steps end in (null where the figure is unknown). */
  private static JsonNode result(FigureSet f) {
    ObjectNode node = NODES.objectNode();
    node.put("energy_wh_low", f.energyJoules() == null ? null : new Energy(f.energyJoules().low()).wh())
        .put("energy_wh_high", f.energyJoules() == null ? null : new Energy(f.energyJoules().high()).wh())
        .put("carbon_g_low", f.carbonGrams() == null ? null : f.carbonGrams().low())
        .put("carbon_g_high", f.carbonGrams() == null ? null : f.carbonGrams().high())
        .put("intensity_g_per_kwh", f.intensityGramsPerKwh()).put("intensity_source", f.intensitySource());
    return node;
  }

  /** The explanation as text: one line per step, values at full precision. */
  public static String text(JsonNode explanation) {
    StringBuilder out = new StringBuilder();
    JsonNode r = explanation.get("record");
    out.append("record ").append(explanation.get("id").asText()).append(" (seq ").append(explanation.get("chain").get("seq").asLong())
        .append("): ").append(r.get("provider").asText()).append('/').append(r.get("model").asText()).append(", ")
        .append(r.get("operation").asText()).append(", ").append(r.get("output_tokens").asLong()).append(" output tokens\n");
    JsonNode score = explanation.get(EcoBlock.ENERGY_SCORE);
    out.append("energy score: ").append(score.isNull() ? "not rated (" + explanation.get("energy_score_null_reason").get("message").asText() + ")"
        : score.get("stars").asInt() + " of 5 stars (" + score.get("task").asText() + ", " + score.get("leaderboard_version").asText() + ")")
        .append('\n');
    for (JsonNode set : explanation.get("figure_sets")) {
      out.append('\n').append(set.get("methodology_version").asText()).append(" (").append(set.get("kind").asText()).append(")\n");
      if (set.has("note")) out.append("  ").append(set.get("note").asText()).append('\n');
      for (JsonNode step : set.path("steps")) {
        out.append("  ").append(step.get("name").asText());
        if (step.has("note")) {
          out.append(": ").append(step.get("note").asText());
        } else {
          out.append(" = ").append(number(step.get("value").asDouble())).append(step.get("unit").asText().isEmpty() ? "" : " " + step.get("unit").asText())
              .append("   [").append(step.get("formula").asText()).append(']');
        }
        out.append('\n');
      }
      JsonNode result = set.get("result");
      out.append("  stored: energy ").append(bounds(result, "energy_wh", "Wh")).append(", carbon ").append(bounds(result, "carbon_g", "gCO2e"));
      List<String> unknown = new ArrayList<>();
      // The stored figures' reasons; the energy score's is on its own line above.
      set.get("null_reasons").forEach(reason -> {
        if (!reason.get("field").asText().equals(EcoBlock.ENERGY_SCORE)) unknown.add(reason.get("field").asText() + "=" + reason.get("code").asText());
      });
      if (!unknown.isEmpty()) out.append(" (null: ").append(String.join(";", unknown)).append(')');
      out.append('\n');
      if (set.has("recomputed_matches_stored")) {
        out.append(set.get("recomputed_matches_stored").asBoolean() ? "  recomputed: matches the stored figures\n"
            : "  recomputed: DIFFERS from the stored figures: " + set.get("differences") + "\n");
      }
    }
    return out.toString();
  }

  /** A count as a whole number (300, not 300.0); anything else at full precision. */
  private static String number(double value) {
    return value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString((long) value) : Double.toString(value);
  }

  private static String bounds(JsonNode result, String field, String unit) {
    JsonNode low = result.get(field + "_low");
    return low.isNull() ? "null" : low.asDouble() + " – " + result.get(field + "_high").asDouble() + " " + unit;
  }
}
