package io.jouletrace.ledger.telemetry;

import io.jouletrace.core.attribution.MeterSample;
import io.jouletrace.core.attribution.MeterSample.Kind;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Plain meter CSV, the fixed contract: header {@code resource,timestamp,kind,value,unit} (any order,
 * other columns ignored). {@code kind} is {@code power} (a gauge, W, mW, kW, uW) or {@code energy} (a
 * cumulative counter, J, mJ, kJ, uJ, Wh, kWh); values are converted to W and J. Times are RFC 3339 or
 * epoch seconds. A blank value, {@code NaN}, {@code N/A} or {@code [N/A]} is a missing reading, never a
 * zero; its unit may then be left blank.
 */
final class MeterCsvReader extends CsvTelemetryReader<MeterSample> {

  static final List<String> COLUMNS = List.of("resource", "timestamp", "kind", "value", "unit");

  private Integer resource;
  private Integer timestamp;
  private Integer kind;
  private Integer value;
  private Integer unit;

  MeterCsvReader(InputStream in, String name) throws IOException {
    super(in, name, "CSV", null);
  }

  @Override
  String header(List<String> cells) {
    Map<String, Integer> columns;
    try {
      columns = index(cells, c -> c.toLowerCase(Locale.ROOT));
    } catch (Bad bad) {
      return bad.reason;
    }
    String lacking = lacking(columns, COLUMNS, String.join(",", COLUMNS));
    if (lacking != null) return lacking;
    resource = columns.get("resource");
    timestamp = columns.get("timestamp");
    kind = columns.get("kind");
    value = columns.get("value");
    unit = columns.get("unit");
    return null;
  }

  @Override
  void row(List<String> cells, long line) throws Bad {
    String id = cell(cells, resource);
    if (id.isEmpty()) throw new Bad("resource", "is required");
    Instant time = Values.time("timestamp", cell(cells, timestamp), null);
    Kind k = switch (cell(cells, kind).toLowerCase(Locale.ROOT)) {
      case "power" -> Kind.POWER;
      case "energy" -> Kind.ENERGY;
      case "" -> throw new Bad("kind", "is required (power or energy)");
      default -> throw new Bad("kind", "must be power or energy, got \"" + cell(cells, kind) + "\"");
    };
    String text = cell(cells, value);
    String symbol = cell(cells, unit);
    Units u = symbol.isEmpty() ? null : Units.forKind("unit", symbol, k);
    if (Values.isMissing(text)) {
      emit(MeterSample.missing(id, time, k));
      return;
    }
    if (u == null) {
      throw new Bad("unit", "is required with a value (" + (k == Kind.POWER ? "W, mW, kW or uW" : "J, mJ, kJ, uJ, Wh or kWh") + ")");
    }
    BigDecimal amount = Values.nonNegative("value", text);
    emit(new MeterSample(id, time, k, Values.times("value", amount, u.factor)));
  }
}
