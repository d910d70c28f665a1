package io.jouletrace.ledger.telemetry;

import io.jouletrace.core.attribution.MeterSample;
import io.jouletrace.core.attribution.RunSpan;
import io.jouletrace.core.figure.Energy;
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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * CodeCarbon {@code emissions.csv}, with or without the {@code water_consumed}, {@code pue} and
 * {@code wue} columns of CodeCarbon 3 (columns are found by name). Each row becomes one
 * {@link CodeCarbonRun}. CodeCarbon writes {@code timestamp} as local wall-clock time without a zone
 * ({@code 2026-08-01T12:00:00}); it is read in the zone given (UTC unless told). A time with an offset
 * keeps its offset.
 *
 * <p>As a meter ({@link MeterReaders} reads it so for {@code attribute --meters}), each run is an energy counter that
 * reads 0 J at the run's start ({@code timestamp − duration}) and each row's IT energy at the row's {@code timestamp}
 * (CodeCarbon's rows for one run are cumulative since its start). The counter's resource is
 * {@code codecarbon:<project_name>} ({@code codecarbon:<run_id>} without a project name), with one resource per
 * component when the header names component columns: {@code …/gpu}, {@code …/cpu}, {@code …/ram} from
 * {@code gpu_energy}, {@code cpu_energy}, {@code ram_energy} (a blank component is a missing reading); without them
 * the one resource reads {@code energy_consumed}. Successive runs of one project are one meter: the drop to 0 J at a
 * new run reads as a counter reset, so the time between two runs is unknown, never zero; runs of one project must not
 * overlap.
 *
 * <p>Read as CodeCarbon writes it (3.3 checked, docs/measured.md): the rows it appends to an existing file leave out
 * the cells of {@code region}, {@code longitude} and {@code latitude} when those are unknown, so they are 3 cells
 * short of the header; such a row is read with those 3 cells blank. CodeCarbon's {@code timestamp} has whole seconds
 * but its {@code duration} has microseconds, and {@code flush()} then {@code stop()} often write two rows of one run in
 * the same second: so a run's start is taken from its first row ({@code timestamp − duration}) and each later row of
 * the run ends at that start plus its own {@code duration}.
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
      return new Runs(in, file.toString(), zone);
    } catch (IOException | RuntimeException e) {
      in.close();
      throw e;
    }
  }

  /** A streaming reader of {@code in} (plain or gzip), which it closes; {@code name} starts every origin. */
  public static TelemetryReader<CodeCarbonRun> open(InputStream in, String name, ZoneId zone) throws IOException {
    return new Runs(Inputs.prepare(in), name, zone);
  }

  /** The rows of {@code in} as energy-counter readings (see the class comment); {@link MeterReaders} opens it. */
  static TelemetryReader<MeterSample> openMeters(InputStream in, String name, ZoneId zone) throws IOException {
    return new Meters(in, name, zone);
  }

  /** Each row as one {@link CodeCarbonRun}. */
  private static final class Runs extends Csv<CodeCarbonRun> {
    Runs(InputStream in, String name, ZoneId zone) throws IOException {
      super(in, name, zone);
    }

    @Override
    void take(CodeCarbonRun run) {
      emit(run);
    }
  }

  /** Each row as counter readings on its project's resources. */
  private static final class Meters extends Csv<MeterSample> {

    private static final List<String> COMPONENTS = List.of("gpu", "cpu", "ram");

    /** The run a meter resource is reading now, and its last row's time. */
    private record Current(String runId, Instant end) {}

    private final Map<String, Current> current = new HashMap<>();

    Meters(InputStream in, String name, ZoneId zone) throws IOException {
      super(in, name, zone);
    }

    @Override
    void take(CodeCarbonRun run) throws Bad {
      String meter = "codecarbon:" + (run.project() != null ? run.project() : run.runId());
      Instant start = run.span().start();
      Instant end = run.span().end();
      Current before = current.get(meter);
      boolean newRun = before == null || !before.runId().equals(run.runId());
      if (newRun && before != null && start.isBefore(before.end())) {
        throw new Bad("run_id", "run " + run.runId() + " starts at " + start + ", before run " + before.runId() + " of the same meter "
            + meter + " ends at " + before.end() + "; the runs of one project are read as one meter, so they must not overlap");
      }
      if (!newRun && !end.isAfter(before.end())) {
        throw new Bad("timestamp", end + " is not after the previous row of run " + run.runId() + " at " + before.end());
      }
      if (newRun && !end.isAfter(start)) throw new Bad("duration", "must be > 0 to give a meter interval, got 0");
      current.put(meter, new Current(run.runId(), end));
      for (Map.Entry<String, Double> reading : readings(meter, run).entrySet()) {
        if (newRun) emit(new MeterSample(reading.getKey(), start, MeterSample.Kind.ENERGY, 0));
        double joules = reading.getValue();
        emit(Double.isNaN(joules) ? MeterSample.missing(reading.getKey(), end, MeterSample.Kind.ENERGY)
            : new MeterSample(reading.getKey(), end, MeterSample.Kind.ENERGY, joules));
      }
    }

    /** Resource → cumulative IT joules (NaN: missing): per component column the header names, else the whole. */
    private Map<String, Double> readings(String meter, CodeCarbonRun run) {
      double[] byComponent = {run.gpuJoules(), run.cpuJoules(), run.ramJoules()};
      Map<String, Double> readings = new LinkedHashMap<>();
      for (int i = 0; i < COMPONENTS.size(); i++) {
        if (columns.containsKey(COMPONENTS.get(i) + "_energy")) readings.put(meter + "/" + COMPONENTS.get(i), byComponent[i]);
      }
      if (readings.isEmpty()) readings.put(meter, run.itJoules());
      return readings;
    }
  }

  /** The CSV itself: each row read into a {@link CodeCarbonRun} and handed to {@link #take}. */
  private abstract static class Csv<T> extends CsvTelemetryReader<T> {

    private static final List<String> REQUIRED = List.of("timestamp", "run_id", "duration", "energy_consumed");
    /** The columns whose cells CodeCarbon leaves out of an appended row when their value is unknown, in header order. */
    private static final List<String> LEFT_OUT_WHEN_UNKNOWN = List.of("region", "longitude", "latitude");
    private static final BigDecimal JOULES_PER_KWH = BigDecimal.valueOf(Energy.JOULES_PER_KWH);

    private final ZoneId zone;
    Map<String, Integer> columns;
    /** Each run's start, from its first row: later rows end at it plus their duration. */
    private final Map<String, Instant> runStarts = new HashMap<>();

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
    List<String> widened(List<String> row, List<String> header) {
      if (row.size() != header.size() - LEFT_OUT_WHEN_UNKNOWN.size() || !columns.keySet().containsAll(LEFT_OUT_WHEN_UNKNOWN)) return row;
      List<String> full = new java.util.ArrayList<>(row);
      LEFT_OUT_WHEN_UNKNOWN.stream().map(columns::get).sorted().forEach(column -> full.add(column, ""));
      return full;
    }

    /** Emits what {@code run} gives; throws when the row cannot be used as this reader reads it. */
    abstract void take(CodeCarbonRun run) throws Bad;

    @Override
    final void row(List<String> cells, long line) throws Bad {
      String runId = cell(cells, columns.get("run_id"));
      if (runId.isEmpty()) throw new Bad("run_id", "is required");
      Instant stamped = Values.time("timestamp", cell(cells, columns.get("timestamp")), zone);
      String durationText = cell(cells, columns.get("duration"));
      if (Values.isMissing(durationText)) throw new Bad("duration", "is required");
      BigDecimal seconds = Values.nonNegative("duration", durationText);
      Instant start;
      Instant end;
      try {
        BigDecimal whole = seconds.setScale(0, RoundingMode.FLOOR);
        long nanos = seconds.subtract(whole).movePointRight(9).setScale(0, RoundingMode.HALF_EVEN).longValue();
        Duration duration = Duration.ofSeconds(whole.longValueExact(), nanos);
        start = runStarts.computeIfAbsent(runId, id -> stamped.minus(duration));
        end = start.plus(duration);
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
      take(new CodeCarbonRun(runId, span, it, gpu, cpu, ram, pue.doubleValue(), blankToNull(cell(cells, columns.get("country_iso_code"))),
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
