package io.jouletrace.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jouletrace.core.carbon.Intensity;
import io.jouletrace.core.figure.Figure;
import io.jouletrace.core.figure.Range;
import io.jouletrace.core.methodology.Estimate;
import io.jouletrace.core.model.ModelMatch;
import io.jouletrace.core.record.InvocationRecord;

/**
 * The eco block: the JSON shape of an {@link Estimate} that the CLI, the REST API and the gateway
 * all print. Its field names are a contract with users' scripts; see docs/methodology.md.
 */
public final class EcoBlock {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private EcoBlock() {}

  public static ObjectNode of(InvocationRecord record, Estimate estimate) {
    ObjectNode block = NODES.objectNode();
    block.put("methodology_version", estimate.methodologyVersion());
    block.set("model", model(record, estimate.model()));
    block.set("energy", energy(estimate.energy()));
    block.set("carbon", carbon(estimate.carbon(), estimate.intensity()));
    block.set("embodied_carbon", grams(estimate.embodiedCarbon()));
    block.set("water", litres(estimate.water()));
    var reasons = block.putArray("null_reasons");
    for (Estimate.FieldReason reason : estimate.nullReasons()) {
      reasons.addObject().put("field", reason.field()).put("code", reason.reason().code()).put("message", reason.reason().message());
    }
    var warnings = block.putArray("warnings");
    estimate.warnings().forEach(warnings::add);
    return block;
  }

  private static ObjectNode model(InvocationRecord record, ModelMatch match) {
    ObjectNode model = NODES.objectNode();
    model.put("provider", match == null ? record.provider() : match.spec().provider());
    model.put("requested", record.model());
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
    double low = known.range().low() / 3600;
    double high = known.range().high() / 3600;
    return NODES.objectNode().put("wh", (low + high) / 2).put("wh_low", low).put("wh_high", high)
        .put("tier", known.tier().code()).put("band", known.band().code()).put("method", known.method());
  }

  private static JsonNode carbon(Figure figure, Intensity intensity) {
    if (!(grams(figure) instanceof ObjectNode carbon)) return NODES.nullNode();
    return carbon.put("intensity_g_per_kwh", intensity.gramsPerKwh()).put("intensity_source", intensity.source())
        .put("zone", intensity.zone());
  }

  private static JsonNode grams(Figure figure) {
    return amount(figure, "g");
  }

  private static JsonNode litres(Figure figure) {
    return amount(figure, "l");
  }

  private static JsonNode amount(Figure figure, String unit) {
    if (!(figure instanceof Figure.Known known)) return NODES.nullNode();
    double low = known.range().low();
    double high = known.range().high();
    return NODES.objectNode().put(unit, (low + high) / 2).put(unit + "_low", low).put(unit + "_high", high)
        .put("tier", known.tier().code()).put("band", known.band().code());
  }
}
