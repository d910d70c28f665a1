package io.jouletrace.ledger.telemetry;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Electricity Maps and WattTime JSON responses, read with a streaming parser: one array element per
 * step, so a long history is never held as a tree. A point whose zone or unit is only given later in
 * its document (a WattTime {@code meta} after {@code data}) waits, as a small parsed point, until the
 * document ends.
 */
final class IntensityJsonReader extends TelemetryReader<IntensityPoint> {

  /** WattTime unit name → factor to gCO2/kWh. 1 lb/MWh = 453.59237 g / 1000 kWh. */
  private static final Map<String, BigDecimal> WATTTIME_UNITS = Map.of(
      "lbs_co2_per_mwh", new BigDecimal("0.45359237"),
      "lb_co2_per_mwh", new BigDecimal("0.45359237"),
      "lbs_co2e_per_mwh", new BigDecimal("0.45359237"),
      "g_co2_per_kwh", BigDecimal.ONE,
      "g_co2e_per_kwh", BigDecimal.ONE,
      "kg_co2_per_mwh", BigDecimal.ONE,
      "kg_co2e_per_mwh", BigDecimal.ONE);
  private static final List<String> SERIES = List.of("history", "forecast", "data");

  /** A point read before its document said its zone (Electricity Maps) or its region and unit (WattTime). */
  private record Waiting(long line, Instant time, BigDecimal value, boolean wattTime) {}

  /** What one top-level document has said so far. */
  private static final class Document {
    final long line;
    final boolean array;
    String zone;
    String countryCode;
    JsonNode carbonIntensity;
    JsonNode datetime;
    boolean hasPoints;
    long metaLine;
    String region;
    BigDecimal factor;
    Bad metaProblem;
    int skipped;
    final List<Waiting> waiting = new ArrayList<>();

    Document(long line, boolean array) {
      this.line = line;
      this.array = array;
    }

    String zone() {
      return zone != null ? zone : countryCode;
    }
  }

  private final JsonParser parser;
  private Document document;
  private boolean inSeries;

  IntensityJsonReader(InputStream in, String name) throws IOException {
    super(name, "JSON");
    this.parser = Values.JSON.createParser(new InputStreamReader(in, StandardCharsets.UTF_8));
  }

  @Override
  boolean advance() throws IOException {
    if (document == null) return startDocument();
    if (inSeries) {
      seriesElement();
    } else {
      documentField();
    }
    return true;
  }

  private boolean startDocument() throws IOException {
    JsonToken token = parser.nextToken();
    if (token == null) return false;
    long line = line();
    if (token == JsonToken.START_OBJECT) {
      document = new Document(line, false);
    } else if (token == JsonToken.START_ARRAY) {
      document = new Document(line, true);
      inSeries = true;
    } else {
      reject(line, "", "expected an Electricity Maps or WattTime JSON object, got " + parser.getText());
    }
    return true;
  }

  private void documentField() throws IOException {
    JsonToken token = parser.nextToken();
    if (token == JsonToken.END_OBJECT) {
      finishDocument();
      return;
    }
    String field = parser.currentName();
    token = parser.nextToken();
    long line = line();
    switch (field) {
      case "history", "forecast", "data" -> {
        if (token == JsonToken.START_ARRAY) {
          inSeries = true;
          document.hasPoints = true;
        } else if (token == JsonToken.START_OBJECT && field.equals("data")) {
          document.hasPoints = true;
          point(parser.readValueAsTree(), line); // CO2 Signal: one point in an object
        } else {
          parser.skipChildren();
          if (token != JsonToken.VALUE_NULL) reject(line, field, "must be a list of points, got " + token.asString());
        }
      }
      case "zone" -> document.zone = scalar(field, token);
      case "countryCode" -> document.countryCode = scalar(field, token);
      case "carbonIntensity" -> document.carbonIntensity = parser.readValueAsTree();
      case "datetime" -> document.datetime = parser.readValueAsTree();
      case "meta" -> meta(parser.readValueAsTree(), line);
      default -> parser.skipChildren();
    }
    if (!document.waiting.isEmpty() && (document.zone() != null || document.factor != null || document.metaProblem != null)) {
      release(false);
    }
  }

  private void seriesElement() throws IOException {
    JsonToken token = parser.nextToken();
    if (token == JsonToken.END_ARRAY) {
      inSeries = false;
      if (document.array) finishDocument();
      return;
    }
    long line = line();
    if (token != JsonToken.START_OBJECT) {
      parser.skipChildren();
      reject(line, "", "each point must be a JSON object, got " + (token == null ? "the end of the input" : token.asString()));
      return;
    }
    point(parser.readValueAsTree(), line);
  }

  /** Reads one point; emits it when its document has said enough, else keeps it waiting. */
  private void point(JsonNode node, long line) {
    try {
      if (node.has("point_time")) {
        Instant time = Values.time("point_time", node.get("point_time"));
        BigDecimal value = value("value", node.get("value"));
        wait(new Waiting(line, time, value, true));
      } else {
        Instant time = Values.time("datetime", node.get("datetime"));
        BigDecimal value = value("carbonIntensity", node.get("carbonIntensity"));
        String zone = Values.text("zone", node.get("zone"));
        if (zone != null) {
          emit(new IntensityPoint(zone, time, Values.times("carbonIntensity", value, BigDecimal.ONE)));
        } else {
          wait(new Waiting(line, time, value, false));
        }
      }
    } catch (Bad bad) {
      reject(line, bad);
    }
  }

  /** Emits {@code point} if its document has said enough, else keeps it for {@link #release}. */
  private void wait(Waiting point) throws Bad {
    Document d = document;
    if (point.wattTime && d.metaProblem != null) {
      d.skipped++;
    } else if (point.wattTime && d.factor != null) {
      emit(new IntensityPoint(d.region, point.time, Values.times("value", point.value, d.factor)));
    } else if (!point.wattTime && d.zone() != null) {
      emit(new IntensityPoint(d.zone(), point.time, Values.times("carbonIntensity", point.value, BigDecimal.ONE)));
    } else {
      d.waiting.add(point);
    }
  }

  /** Emits the waiting points whose context is known; at the document's end, rejects the rest. */
  private void release(boolean end) {
    if (document.waiting.isEmpty()) return;
    List<Waiting> still = new ArrayList<>();
    for (Waiting w : document.waiting) {
      try {
        if (w.wattTime) {
          if (document.metaProblem != null) {
            document.skipped++;
          } else if (document.factor != null && document.region != null) {
            emit(new IntensityPoint(document.region, w.time, Values.times("value", w.value, document.factor)));
          } else if (end) {
            document.skipped++;
          } else {
            still.add(w);
          }
        } else if (document.zone() != null) {
          emit(new IntensityPoint(document.zone(), w.time, Values.times("carbonIntensity", w.value, BigDecimal.ONE)));
        } else if (end) {
          reject(w.line, "zone", "is required (neither the point nor its document names a zone)");
        } else {
          still.add(w);
        }
      } catch (Bad bad) {
        reject(w.line, bad);
      }
    }
    document.waiting.clear();
    document.waiting.addAll(still);
  }

  private void meta(JsonNode meta, long line) {
    document.metaLine = line;
    try {
      if (!meta.isObject()) throw new Bad("meta", "must be an object, got " + Values.describe(meta));
      String units = Values.text("meta.units", meta.get("units"));
      if (units == null) throw new Bad("meta.units", "is required");
      BigDecimal factor = WATTTIME_UNITS.get(units.toLowerCase(Locale.ROOT));
      if (factor == null) {
        throw new Bad("meta.units", "unknown unit \"" + units + "\" (expected lbs_co2_per_mwh or g_co2_per_kwh)");
      }
      String region = Values.text("meta.region", meta.get("region"));
      if (region == null) throw new Bad("meta.region", "is required");
      document.factor = factor;
      document.region = region;
    } catch (Bad bad) {
      document.metaProblem = bad;
    }
  }

  private void finishDocument() {
    Document d = document;
    try {
      if (d.carbonIntensity != null || d.datetime != null) {
        d.hasPoints = true;
        try {
          Instant time = Values.time("datetime", d.datetime);
          BigDecimal value = value("carbonIntensity", d.carbonIntensity);
          if (d.zone() == null) throw new Bad("zone", "is required");
          emit(new IntensityPoint(d.zone(), time, Values.times("carbonIntensity", value, BigDecimal.ONE)));
        } catch (Bad bad) {
          reject(d.line, bad);
        }
      }
      release(true);
      if (d.metaProblem != null) {
        reject(d.metaLine, d.metaProblem.field, d.metaProblem.reason + skipped(d.skipped));
      } else if (d.skipped > 0) {
        reject(d.line, "meta", "WattTime data needs meta.region and meta.units" + skipped(d.skipped));
      }
      if (!d.hasPoints && !d.array) {
        reject(d.line, "", "not an Electricity Maps or WattTime response: no carbonIntensity, history, forecast or data");
      }
    } finally {
      document = null;
      inSeries = false;
    }
  }

  private static String skipped(int n) {
    return n == 0 ? "" : "; " + n + (n == 1 ? " point" : " points") + " skipped";
  }

  private static BigDecimal value(String field, JsonNode node) throws Bad {
    if (node == null || node.isNull() || node.isMissingNode()) throw new Bad(field, "has no value (null)");
    if (node.isTextual() && Values.isMissing(node.textValue())) throw new Bad(field, "has no value (" + node.textValue() + ")");
    BigDecimal value = Values.decimal(node);
    if (value == null || !node.isNumber() && !node.isTextual()) throw new Bad(field, "must be a number, got " + Values.describe(node));
    if (value.signum() < 0) throw new Bad(field, "must be >= 0, got " + value);
    return value;
  }

  private String scalar(String field, JsonToken token) throws IOException {
    if (token.isScalarValue() && token != JsonToken.VALUE_NULL) {
      String text = parser.getText().strip();
      return text.isEmpty() ? null : text;
    }
    parser.skipChildren();
    return null;
  }

  private long line() {
    return parser.currentTokenLocation().getLineNr();
  }

  @Override
  long currentLine() {
    return parser.currentLocation().getLineNr();
  }

  @Override
  public void close() throws IOException {
    parser.close();
  }
}
