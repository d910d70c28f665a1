package io.jouletrace.ledger.telemetry;

import io.jouletrace.core.attribution.MeterSample;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Turns meter files into {@link MeterSample}s: plain meter CSV, nvidia-smi CSV, Prometheus /
 * OpenMetrics text scrapes and CodeCarbon {@code emissions.csv} (as counters, see {@link CodeCarbonReader}), each plain or gzip (recognised by its magic bytes). The format is sniffed
 * from the first line unless {@link MeterOptions#format()} names it. Readers stream: a file of any size
 * is read one entry at a time, and a bad entry is reported as {@code file:line: field: reason} while
 * reading goes on.
 */
public final class MeterReaders {

  private static final Pattern EOF_LINE = Pattern.compile("(?m)^# EOF\\s*$");

  private MeterReaders() {}

  /** Reads all of {@code file} with the default options. */
  public static Readings<MeterSample> read(Path file) throws IOException {
    return read(file, MeterOptions.defaults());
  }

  /** Reads all of {@code file}. */
  public static Readings<MeterSample> read(Path file, MeterOptions options) throws IOException {
    try (TelemetryReader<MeterSample> reader = open(file, options)) {
      return reader.readAll();
    }
  }

  /**
   * A streaming reader of {@code file}; origins start with {@code file} as given.
   *
   * @throws java.nio.file.NoSuchFileException when it does not exist
   * @throws UnknownFormatException when no format was given and the first line matches none
   */
  public static TelemetryReader<MeterSample> open(Path file, MeterOptions options) throws IOException {
    BufferedInputStream in = Inputs.open(file);
    try {
      return reader(in, file.toString(), options);
    } catch (IOException | RuntimeException e) {
      in.close();
      throw e;
    }
  }

  /** A streaming reader of {@code in} (plain or gzip), which it closes; {@code name} starts every origin. */
  public static TelemetryReader<MeterSample> open(InputStream in, String name, MeterOptions options) throws IOException {
    try {
      return reader(Inputs.prepare(in), name, options);
    } catch (IOException | RuntimeException e) {
      in.close();
      throw e;
    }
  }

  private static TelemetryReader<MeterSample> reader(BufferedInputStream in, String name, MeterOptions options)
      throws IOException {
    String head = Inputs.head(in);
    TelemetryFormat format = options.format();
    if (format == null) {
      if (head.isBlank()) return TelemetryReader.empty(name, in);
      Optional<TelemetryFormat> sniffed = TelemetryFormat.sniffHead(head);
      if (sniffed.isEmpty()) {
        throw new UnknownFormatException(name + ": cannot tell the meter format from the first line \""
            + abbreviate(Inputs.firstLine(head)) + "\"; expected a header like " + String.join(",", MeterCsvReader.COLUMNS)
            + ", an nvidia-smi --query-gpu CSV header, Prometheus text or a CodeCarbon emissions.csv header; name the format to read it anyway");
      }
      format = sniffed.get();
      if (!format.isMeter()) {
        throw new UnknownFormatException(name + ": looks like " + format + ", which holds no meter readings");
      }
      if (format == TelemetryFormat.NVIDIA_SMI_CSV && options.nvidiaSmiColumns() == null
          && TelemetryFormat.isNvidiaSmiRow(Inputs.firstLine(head))) {
        throw new UnknownFormatException(name + ": looks like nvidia-smi CSV written with noheader; give its columns "
            + "(MeterOptions.withNvidiaSmiColumns) to read it");
      }
    }
    return switch (format) {
      case METER_CSV -> new MeterCsvReader(in, name);
      case NVIDIA_SMI_CSV -> new NvidiaSmiReader(in, name, options.zone(), options.nvidiaSmiColumns());
      case PROMETHEUS_TEXT -> new PrometheusReader(in, name, options, EOF_LINE.matcher(head).find());
      case CODECARBON_CSV -> CodeCarbonReader.openMeters(in, name, options.zone());
      default -> throw new IllegalStateException(format.toString()); // MeterOptions admits meter formats only
    };
  }

  private static String abbreviate(String text) {
    return text.length() <= 80 ? text : text.substring(0, 77) + "...";
  }
}
