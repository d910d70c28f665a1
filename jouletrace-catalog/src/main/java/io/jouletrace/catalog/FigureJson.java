package io.jouletrace.catalog;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jouletrace.core.figure.Energy;

/**
 * The one writer of figure JSON: the amounts and null reasons that the eco block ({@code estimate}, the REST estimate, the
 * gateway), the record view ({@code GET /api/invocations/{id}}) and the explanation all show, so that one call shows the
 * same figures on every route (docs/server.md). An unknown amount is JSON null with a null reason, never 0.
 */
public final class FigureJson {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private FigureJson() {}

  /** {@code {wh, wh_low, wh_high, tier, band, method}} from bounds in joules; {@code wh} is the midpoint of the Wh bounds. */
  public static ObjectNode energy(double lowJoules, double highJoules, String tier, String band, String method) {
    return amount("wh", new Energy(lowJoules).wh(), new Energy(highJoules).wh(), tier, band, method);
  }

  /** {@code {g, g_low, g_high, tier, band, method, intensity_g_per_kwh, intensity_source, zone}}. */
  public static ObjectNode carbon(double low, double high, String tier, String band, String method, Double intensityGramsPerKwh,
      String intensitySource, String zone) {
    return grams(low, high, tier, band, method).put("intensity_g_per_kwh", intensityGramsPerKwh).put("intensity_source", intensitySource)
        .put("zone", zone);
  }

  /** {@code {g, g_low, g_high, tier, band, method}}: embodied carbon. */
  public static ObjectNode grams(double low, double high, String tier, String band, String method) {
    return amount("g", low, high, tier, band, method);
  }

  /** {@code {l, l_low, l_high, tier, band, method}}: water. */
  public static ObjectNode litres(double low, double high, String tier, String band, String method) {
    return amount("l", low, high, tier, band, method);
  }

  /** An entry of {@code null_reasons}: {@code {field, code, message}}. */
  public static ObjectNode nullReason(String field, String code, String message) {
    return NODES.objectNode().put("field", field).put("code", code).put("message", message);
  }

  /** The value is the midpoint of the bounds; {@code method} is left out where none is known. */
  private static ObjectNode amount(String unit, double low, double high, String tier, String band, String method) {
    ObjectNode amount = NODES.objectNode().put(unit, (low + high) / 2).put(unit + "_low", low).put(unit + "_high", high)
        .put("tier", tier).put("band", band);
    if (method != null) amount.put("method", method);
    return amount;
  }
}
