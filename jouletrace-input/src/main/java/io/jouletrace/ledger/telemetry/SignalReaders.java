package io.jouletrace.ledger.telemetry;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Time series that turn energy into carbon: grid carbon intensity per zone and PUE per facility. Each
 * input may be plain or gzip; bad entries are reported as {@code file:line: field: reason}.
 *
 * <p>Grid intensity comes as CSV ({@code zone,timestamp,g_per_kwh}) or as the JSON an intensity API
 * returns, told apart by the first character:
 *
 * <ul>
 *   <li>Electricity Maps v3 {@code carbon-intensity/latest} ({@code {"zone","carbonIntensity","datetime",…}}),
 *       {@code /history} ({@code {"zone","history":[{carbonIntensity,datetime,…}]}}), {@code /forecast}
 *       ({@code "forecast":[…]}), {@code /past-range} ({@code {"data":[…]}}), the legacy CO2 Signal
 *       {@code {"countryCode","data":{carbonIntensity,datetime}}}, in gCO2eq/kWh;
 *   <li>WattTime v3 ({@code {"data":[{"point_time","value",…}],"meta":{"region","units",…}}}), in
 *       {@code lbs_co2_per_mwh} (× 0.45359237 to g/kWh, exactly) or {@code g_co2_per_kwh};
 *   <li>several such documents one after another (e.g. polled {@code latest} responses, one per line).
 * </ul>
 *
 * A point without a value ({@code null}, blank, {@code N/A}) is rejected, never read as zero.
 */
public final class SignalReaders {

  private SignalReaders() {}

  public static Readings<IntensityPoint> readIntensity(Path file) throws IOException {
    try (TelemetryReader<IntensityPoint> reader = openIntensity(file)) {
      return reader.readAll();
    }
  }

  /** A streaming reader of grid intensity CSV or JSON in {@code file}. */
  public static TelemetryReader<IntensityPoint> openIntensity(Path file) throws IOException {
    BufferedInputStream in = Inputs.open(file);
    try {
      return intensity(in, file.toString());
    } catch (IOException | RuntimeException e) {
      in.close();
      throw e;
    }
  }

  /** A streaming reader of grid intensity CSV or JSON in {@code in}, which it closes. */
  public static TelemetryReader<IntensityPoint> openIntensity(InputStream in, String name) throws IOException {
    return intensity(Inputs.prepare(in), name);
  }

  public static Readings<PuePoint> readPue(Path file) throws IOException {
    try (TelemetryReader<PuePoint> reader = openPue(file)) {
      return reader.readAll();
    }
  }

  /** A streaming reader of PUE CSV ({@code facility,timestamp,pue}) in {@code file}. */
  public static TelemetryReader<PuePoint> openPue(Path file) throws IOException {
    BufferedInputStream in = Inputs.open(file);
    try {
      return pueCsv(in, file.toString());
    } catch (IOException | RuntimeException e) {
      in.close();
      throw e;
    }
  }

  /** A streaming reader of PUE CSV in {@code in}, which it closes. */
  public static TelemetryReader<PuePoint> openPue(InputStream in, String name) throws IOException {
    return pueCsv(Inputs.prepare(in), name);
  }

  private static TelemetryReader<IntensityPoint> intensity(BufferedInputStream in, String name) throws IOException {
    String first = Inputs.firstLine(Inputs.head(in));
    return first.startsWith("{") || first.startsWith("[") ? new IntensityJsonReader(in, name) : intensityCsv(in, name);
  }

  /** A grid-intensity series: {@code zone,timestamp,g_per_kwh}. */
  private static SeriesCsv<IntensityPoint> intensityCsv(InputStream in, String name) throws IOException {
    return new SeriesCsv<>(in, name, "zone", "g_per_kwh", (zone, time, value, text) ->
        new IntensityPoint(zone, time, Values.times("g_per_kwh", value, BigDecimal.ONE)));
  }

  /** A PUE series: {@code facility,timestamp,pue}, every value at least 1. */
  private static SeriesCsv<PuePoint> pueCsv(InputStream in, String name) throws IOException {
    return new SeriesCsv<>(in, name, "facility", "pue", (facility, time, pue, text) -> {
      if (pue.compareTo(BigDecimal.ONE) < 0) throw new Bad("pue", "must be >= 1, got " + text);
      if (pue.compareTo(BigDecimal.valueOf(PuePoint.MAX)) > 0) throw new Bad("pue", "must be at most " + PuePoint.MAX + ", got " + text);
      return new PuePoint(facility, time, Values.times("pue", pue, BigDecimal.ONE));
    });
  }

  /** One point of a {@link SeriesCsv}, made from its key, time and value (and the value's text, for messages). */
  private interface PointMaker<T> {
    T make(String key, Instant time, BigDecimal value, String text) throws Bad;
  }

  /** A CSV time series {@code <key>,timestamp,<value>}: a required key, a time, a non-negative value. */
  private static final class SeriesCsv<T> extends CsvTelemetryReader<T> {
    private final String keyColumn;
    private final String valueColumn;
    private final PointMaker<T> maker;
    private Map<String, Integer> columns;

    SeriesCsv(InputStream in, String name, String keyColumn, String valueColumn, PointMaker<T> maker) throws IOException {
      super(in, name, "CSV", null);
      this.keyColumn = keyColumn;
      this.valueColumn = valueColumn;
      this.maker = maker;
    }

    @Override
    String header(List<String> cells) {
      try {
        columns = index(cells, c -> c.toLowerCase(Locale.ROOT));
      } catch (Bad bad) {
        return bad.reason;
      }
      List<String> required = List.of(keyColumn, "timestamp", valueColumn);
      return lacking(columns, required, String.join(",", required));
    }

    @Override
    void row(List<String> cells, long line) throws Bad {
      String key = cell(cells, columns.get(keyColumn));
      if (key.isEmpty()) throw new Bad(keyColumn, "is required");
      Instant time = Values.time("timestamp", cell(cells, columns.get("timestamp")), null);
      String text = cell(cells, columns.get(valueColumn));
      if (Values.isMissing(text)) throw new Bad(valueColumn, "has no value (" + (text.isEmpty() ? "blank" : text) + ")");
      emit(maker.make(key, time, Values.nonNegative(valueColumn, text), text));
    }
  }
}
