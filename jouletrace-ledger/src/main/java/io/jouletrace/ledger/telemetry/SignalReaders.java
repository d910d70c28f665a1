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
      return new PueCsv(in, file.toString());
    } catch (IOException | RuntimeException e) {
      in.close();
      throw e;
    }
  }

  /** A streaming reader of PUE CSV in {@code in}, which it closes. */
  public static TelemetryReader<PuePoint> openPue(InputStream in, String name) throws IOException {
    return new PueCsv(Inputs.prepare(in), name);
  }

  private static TelemetryReader<IntensityPoint> intensity(BufferedInputStream in, String name) throws IOException {
    String first = Inputs.firstLine(Inputs.head(in));
    return first.startsWith("{") || first.startsWith("[") ? new IntensityJsonReader(in, name) : new IntensityCsv(in, name);
  }

  private static final class IntensityCsv extends CsvTelemetryReader<IntensityPoint> {
    private static final List<String> COLUMNS = List.of("zone", "timestamp", "g_per_kwh");
    private Map<String, Integer> columns;

    IntensityCsv(InputStream in, String name) throws IOException {
      super(in, name, "CSV", null);
    }

    @Override
    String header(List<String> cells) {
      try {
        columns = index(cells, c -> c.toLowerCase(Locale.ROOT));
      } catch (Bad bad) {
        return bad.reason;
      }
      return lacking(columns, COLUMNS, String.join(",", COLUMNS));
    }

    @Override
    void row(List<String> cells, long line) throws Bad {
      String zone = cell(cells, columns.get("zone"));
      if (zone.isEmpty()) throw new Bad("zone", "is required");
      Instant time = Values.time("timestamp", cell(cells, columns.get("timestamp")), null);
      String text = cell(cells, columns.get("g_per_kwh"));
      if (Values.isMissing(text)) throw new Bad("g_per_kwh", "has no value (" + (text.isEmpty() ? "blank" : text) + ")");
      BigDecimal value = Values.nonNegative("g_per_kwh", text);
      emit(new IntensityPoint(zone, time, Values.times("g_per_kwh", value, BigDecimal.ONE)));
    }
  }

  private static final class PueCsv extends CsvTelemetryReader<PuePoint> {
    private static final List<String> COLUMNS = List.of("facility", "timestamp", "pue");
    private Map<String, Integer> columns;

    PueCsv(InputStream in, String name) throws IOException {
      super(in, name, "CSV", null);
    }

    @Override
    String header(List<String> cells) {
      try {
        columns = index(cells, c -> c.toLowerCase(Locale.ROOT));
      } catch (Bad bad) {
        return bad.reason;
      }
      return lacking(columns, COLUMNS, String.join(",", COLUMNS));
    }

    @Override
    void row(List<String> cells, long line) throws Bad {
      String facility = cell(cells, columns.get("facility"));
      if (facility.isEmpty()) throw new Bad("facility", "is required");
      Instant time = Values.time("timestamp", cell(cells, columns.get("timestamp")), null);
      String text = cell(cells, columns.get("pue"));
      if (Values.isMissing(text)) throw new Bad("pue", "has no value (" + (text.isEmpty() ? "blank" : text) + ")");
      BigDecimal pue = Values.nonNegative("pue", text);
      if (pue.compareTo(BigDecimal.ONE) < 0) throw new Bad("pue", "must be >= 1, got " + text);
      emit(new PuePoint(facility, time, Values.times("pue", pue, BigDecimal.ONE)));
    }
  }
}
