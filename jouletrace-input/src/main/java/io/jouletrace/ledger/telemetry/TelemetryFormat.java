package io.jouletrace.ledger.telemetry;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** The telemetry inputs we read, and how to tell them apart by their first line. */
public enum TelemetryFormat {
  /** Plain meter CSV: {@code resource,timestamp,kind,value,unit}. */
  METER_CSV,
  /** {@code nvidia-smi --query-gpu=timestamp,index,uuid,power.draw,… --format=csv[,nounits]}. */
  NVIDIA_SMI_CSV,
  /** Prometheus text exposition 0.0.4 or OpenMetrics text (dcgm-exporter, Kepler, Scaphandre…). */
  PROMETHEUS_TEXT,
  /** CodeCarbon {@code emissions.csv}. */
  CODECARBON_CSV,
  /** Run-span JSONL, one span per line. */
  SPAN_JSONL,
  /** Grid intensity CSV: {@code zone,timestamp,g_per_kwh}. */
  INTENSITY_CSV,
  /** Electricity Maps or WattTime JSON responses. */
  INTENSITY_JSON,
  /** PUE series CSV: {@code facility,timestamp,pue}. */
  PUE_CSV;

  private static final Pattern PROMETHEUS_SAMPLE =
      Pattern.compile("(?:[a-zA-Z_:][a-zA-Z0-9_:]*(?:\\{.*})?|\\{.*})[ \\t]+[-+]?(?:[0-9.]|nan|inf)[^,]*", Pattern.CASE_INSENSITIVE);
  /** A metric name and a label set: no CSV header or JSON starts like this, even when the rest is broken. */
  private static final Pattern PROMETHEUS_START = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*\\{.*");
  private static final Pattern NVIDIA_SMI_TIME = Pattern.compile("\\d{4}/\\d{2}/\\d{2} \\d{2}:\\d{2}:\\d{2}.*");
  private static final Set<String> SPAN_KEYS =
      Set.of("resources", "phases", "arrival_time", "first_scheduled_time", "first_token_time", "last_token_time", "request_id",
          "input_tokens", "output_tokens");
  private static final Set<String> INTENSITY_KEYS =
      Set.of("zone", "carbonIntensity", "history", "forecast", "data", "meta", "countryCode");

  /** Whether {@link MeterReaders} reads this format. */
  public boolean isMeter() {
    return this == METER_CSV || this == NVIDIA_SMI_CSV || this == PROMETHEUS_TEXT || this == CODECARBON_CSV;
  }

  /**
   * The format of {@code file} (gzip or not) judged by its first line; empty when it is none of these,
   * or when the file is empty.
   */
  public static Optional<TelemetryFormat> sniff(Path file) throws IOException {
    try (BufferedInputStream in = Inputs.open(file)) {
      return sniffHead(Inputs.head(in));
    }
  }

  /** The format of an input starting with {@code head}. */
  static Optional<TelemetryFormat> sniffHead(String head) {
    String first = Inputs.firstLine(head);
    if (first.isEmpty()) return Optional.empty();
    if (first.startsWith("#") || PROMETHEUS_SAMPLE.matcher(first).matches() || PROMETHEUS_START.matcher(first).matches()) {
      return Optional.of(PROMETHEUS_TEXT);
    }
    if (first.startsWith("{") || first.startsWith("[")) return sniffJson(head);
    Set<String> columns = new HashSet<>();
    for (String cell : first.split(",", -1)) columns.add(column(cell));
    if (columns.containsAll(List.of("resource", "kind", "value"))) return Optional.of(METER_CSV);
    if (columns.containsAll(List.of("run_id", "energy_consumed"))) return Optional.of(CODECARBON_CSV);
    if (columns.contains("g_per_kwh")) return Optional.of(INTENSITY_CSV);
    if (columns.containsAll(List.of("facility", "pue"))) return Optional.of(PUE_CSV);
    boolean smiPower = columns.stream().anyMatch(c -> c.startsWith("power.draw") || c.equals(NvidiaSmiReader.ENERGY));
    if (smiPower && columns.contains("timestamp")) return Optional.of(NVIDIA_SMI_CSV);
    if (isNvidiaSmiRow(first)) return Optional.of(NVIDIA_SMI_CSV); // noheader
    return Optional.empty();
  }

  /** Whether {@code line} is an nvidia-smi data row that starts with its timestamp (a file written with noheader). */
  static boolean isNvidiaSmiRow(String line) {
    return NVIDIA_SMI_TIME.matcher(line).matches();
  }

  /** A header cell as a column name: stripped, lower case, without a {@code [unit]} suffix. */
  static String column(String cell) {
    String c = cell.strip();
    int bracket = c.indexOf('[');
    if (bracket > 0 && c.endsWith("]")) c = c.substring(0, bracket).strip();
    return c.toLowerCase(Locale.ROOT);
  }

  private static Optional<TelemetryFormat> sniffJson(String head) {
    Set<String> keys = new HashSet<>();
    try (JsonParser p = Values.JSON.createParser(head)) {
      JsonToken token = p.nextToken();
      if (token == JsonToken.START_ARRAY) return Optional.of(INTENSITY_JSON);
      if (token != JsonToken.START_OBJECT) return Optional.empty();
      while ((token = p.nextToken()) == JsonToken.FIELD_NAME) {
        keys.add(p.currentName());
        p.nextToken();
        p.skipChildren();
      }
    } catch (IOException e) {
      // the head ends mid-document: judge by the keys seen so far
    }
    if (keys.stream().anyMatch(SPAN_KEYS::contains)) return Optional.of(SPAN_JSONL);
    if (keys.stream().anyMatch(INTENSITY_KEYS::contains)) return Optional.of(INTENSITY_JSON);
    return keys.contains("id") ? Optional.of(SPAN_JSONL) : Optional.empty();
  }

  static String names(TelemetryFormat... formats) {
    return String.join(", ", Arrays.stream(formats).map(Enum::name).toList());
  }
}
