package io.jouletrace.ledger.telemetry;

import io.jouletrace.core.attribution.RunSpan;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * CodeCarbon {@code emissions.csv}, with or without the {@code water_consumed}, {@code pue} and
 * {@code wue} columns of CodeCarbon 3 (columns are found by name). Each row becomes one
 * {@link CodeCarbonRun}. CodeCarbon writes {@code timestamp} as local wall-clock time without a zone
 * ({@code 2026-08-01T12:00:00}); it is read in the zone given (UTC unless told). A time with an offset
 * keeps its offset.
 */
public final class CodeCarbonReader {

  private CodeCarbonReader() {}

  public static Readings<CodeCarbonRun> read(Path file) throws IOException {
    return read(file, ZoneOffset.UTC);
  }

  public static Readings<CodeCarbonRun> read(Path file, ZoneId zone) throws IOException {
    try (TelemetryReader<CodeCarbonRun> reader = open(file, zone)) {
      return reader.readAll();
    }
  }

  /** A streaming reader of {@code file} (plain or gzip). */
  public static TelemetryReader<CodeCarbonRun> open(Path file, ZoneId zone) throws IOException {
    BufferedInputStream in = Inputs.open(file);
    try {
      return new Csv(in, file.toString(), zone);
    } catch (IOException | RuntimeException e) {
      in.close();
      throw e;
    }
  }

  /** A streaming reader of {@code in} (plain or gzip), which it closes; {@code name} starts every origin. */
  public static TelemetryReader<CodeCarbonRun> open(InputStream in, String name, ZoneId zone) throws IOException {
    return new Csv(Inputs.prepare(in), name, zone);
  }

  private static final class Csv extends CsvTelemetryReader<CodeCarbonRun> {

    private static final List<String> REQUIRED = List.of("timestamp", "run_id", "duration", "energy_consumed");
    private static final BigDecimal JOULES_PER_KWH = new BigDecimal("3600000");

    private final ZoneId zone;
    private Map<String, Integer> columns;

    Csv(InputStream in, String name, ZoneId zone) throws IOException {
      super(in, name, "CSV", null);
      this.zone = zone;
    }

    @Override
    String header(List<String> cells) {
      try {
        columns = index(cells, c -> c.toLowerCase(Locale.ROOT));
      } catch (Bad bad) {
        return bad.reason;
      }
      return lacking(columns, REQUIRED, "timestamp,project_name,run_id,experiment_id,duration,…,energy_consumed,…");
    }

    @Override
    void row(List<String> cells, long line) throws Bad {
      String runId = cell(cells, columns.get("run_id"));
      if (runId.isEmpty()) throw new Bad("run_id", "is required");
      Instant end = Values.time("timestamp", cell(cells, columns.get("timestamp")), zone);
      String durationText = cell(cells, columns.get("duration"));
      if (Values.isMissing(durationText)) throw new Bad("duration", "is required");
      BigDecimal seconds = Values.nonNegative("duration", durationText);
      Instant start;
      try {
        BigDecimal whole = seconds.setScale(0, RoundingMode.FLOOR);
        long nanos = seconds.subtract(whole).movePointRight(9).setScale(0, RoundingMode.HALF_EVEN).longValue();
        start = end.minus(Duration.ofSeconds(whole.longValueExact(), nanos));
      } catch (ArithmeticException | java.time.DateTimeException e) {
        throw new Bad("duration", "is out of range, got " + durationText);
      }
      BigDecimal pue = BigDecimal.ONE;
      String pueText = cell(cells, columns.get("pue"));
      if (pueText != null && !Values.isMissing(pueText)) {
        pue = Values.nonNegative("pue", pueText);
        if (pue.compareTo(BigDecimal.ONE) < 0) throw new Bad("pue", "must be >= 1, got " + pueText);
      }
      String energyText = cell(cells, columns.get("energy_consumed"));
      if (Values.isMissing(energyText)) throw new Bad("energy_consumed", "is required");
      double it = itJoules("energy_consumed", energyText, pue);
      double gpu = itJoules("gpu_energy", cell(cells, columns.get("gpu_energy")), pue);
      double cpu = itJoules("cpu_energy", cell(cells, columns.get("cpu_energy")), pue);
      double ram = itJoules("ram_energy", cell(cells, columns.get("ram_energy")), pue);
      RunSpan span = new RunSpan(runId + "@" + end, List.of("codecarbon:" + runId), start, end, null, null, null, null, null,
          Map.of());
      emit(new CodeCarbonRun(span, it, gpu, cpu, ram, pue.doubleValue(), blankToNull(cell(cells, columns.get("country_iso_code"))),
          blankToNull(cell(cells, columns.get("project_name")))));
    }

    /** kWh including PUE → J of IT energy; NaN when there is no value. */
    private static double itJoules(String field, String kwh, BigDecimal pue) throws Bad {
      if (Values.isMissing(kwh)) return Double.NaN;
      return Values.timesOver(field, Values.nonNegative(field, kwh), JOULES_PER_KWH, pue);
    }

    private static String blankToNull(String text) {
      return text == null || text.isBlank() ? null : text;
    }
  }
}
