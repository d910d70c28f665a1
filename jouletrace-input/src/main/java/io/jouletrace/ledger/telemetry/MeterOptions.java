package io.jouletrace.ledger.telemetry;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * How {@link MeterReaders} reads an input. Start from {@link #defaults()} and change what you need.
 *
 * @param format the input's format, or {@code null} to sniff it from the first line
 * @param zone the zone of times written without an offset (nvidia-smi's {@code 2026/03/01 14:00:00.100} and
 *     CodeCarbon's {@code 2026-08-01T12:00:00}, the host's wall clock); UTC unless told
 * @param scrapeTime the time of Prometheus samples that carry no timestamp of their own and follow no
 *     {@code # scrape_time} comment, or {@code null} to reject such samples
 * @param promTimestamps the unit of Prometheus sample timestamps
 * @param resourceLabels the Prometheus labels that name a sample's resource, first present wins; a
 *     numeric {@code gpu} label {@code 0} becomes resource {@code gpu0}, as nvidia-smi rows without a uuid do
 * @param defaultResource the resource of a Prometheus sample with none of {@code resourceLabels}, or
 *     {@code null} to reject such samples
 * @param metricFilter which Prometheus metric names (of the families we recognise) to read; the
 *     default leaves out workload-level estimates ({@code process}, {@code container}, {@code pod},
 *     {@code vm}) and limits, minima and maxima, which are not meter readings
 * @param nvidiaSmiColumns the columns of an nvidia-smi file written with {@code noheader}, as its header
 *     would name them (e.g. {@code timestamp}, {@code uuid}, {@code power.draw [W]}); {@code null} when
 *     the file has its header
 */
public record MeterOptions(TelemetryFormat format, ZoneId zone, Instant scrapeTime, PromTimestamps promTimestamps,
    List<String> resourceLabels, String defaultResource, Predicate<String> metricFilter, List<String> nvidiaSmiColumns) {

  /** The unit of the optional timestamp after a Prometheus sample's value. */
  public enum PromTimestamps {
    /**
     * Seconds when the input starts like OpenMetrics (a {@code # EOF} line in its first 16 KiB);
     * otherwise each timestamp by its size: milliseconds from {@code 1e11} up (Prometheus text writes
     * integer milliseconds; {@code 1e11} seconds is the year 5138), seconds below.
     */
    AUTO,
    /** Prometheus text exposition 0.0.4: integer milliseconds since the epoch. */
    MILLISECONDS,
    /** OpenMetrics: seconds since the epoch, fraction allowed. */
    SECONDS
  }

  public static final List<String> DEFAULT_RESOURCE_LABELS =
      List.of("UUID", "gpu_uuid", "gpu", "hostname", "node_name", "instance");

  private static final Pattern NOT_A_METER = Pattern.compile(
      "(?:^|_)(?:process|container|pod|vm|workload|limit|min|max|cap|capacity|crit|threshold|created)(?:_|$)",
      Pattern.CASE_INSENSITIVE);

  /** The default {@link #metricFilter}. */
  public static final Predicate<String> DEFAULT_METRIC_FILTER = name -> !NOT_A_METER.matcher(name).find();

  public MeterOptions {
    if (format != null && !format.isMeter()) {
      throw new IllegalArgumentException(format + " is not a meter format (use " + TelemetryFormat.names(
          TelemetryFormat.METER_CSV, TelemetryFormat.NVIDIA_SMI_CSV, TelemetryFormat.PROMETHEUS_TEXT, TelemetryFormat.CODECARBON_CSV) + ")");
    }
    Objects.requireNonNull(zone, "zone");
    Objects.requireNonNull(promTimestamps, "promTimestamps");
    resourceLabels = List.copyOf(resourceLabels);
    Objects.requireNonNull(metricFilter, "metricFilter");
    nvidiaSmiColumns = nvidiaSmiColumns == null ? null : List.copyOf(nvidiaSmiColumns);
  }

  /** Sniffed format, UTC, no scrape time, {@link PromTimestamps#AUTO}, the default labels and filter. */
  public static MeterOptions defaults() {
    return new MeterOptions(null, ZoneOffset.UTC, null, PromTimestamps.AUTO, DEFAULT_RESOURCE_LABELS, null,
        DEFAULT_METRIC_FILTER, null);
  }

  public MeterOptions withFormat(TelemetryFormat format) {
    return new MeterOptions(format, zone, scrapeTime, promTimestamps, resourceLabels, defaultResource, metricFilter,
        nvidiaSmiColumns);
  }

  public MeterOptions withZone(ZoneId zone) {
    return new MeterOptions(format, zone, scrapeTime, promTimestamps, resourceLabels, defaultResource, metricFilter,
        nvidiaSmiColumns);
  }

  public MeterOptions withScrapeTime(Instant scrapeTime) {
    return new MeterOptions(format, zone, scrapeTime, promTimestamps, resourceLabels, defaultResource, metricFilter,
        nvidiaSmiColumns);
  }

  public MeterOptions withPromTimestamps(PromTimestamps promTimestamps) {
    return new MeterOptions(format, zone, scrapeTime, promTimestamps, resourceLabels, defaultResource, metricFilter,
        nvidiaSmiColumns);
  }

  public MeterOptions withResourceLabels(List<String> resourceLabels) {
    return new MeterOptions(format, zone, scrapeTime, promTimestamps, resourceLabels, defaultResource, metricFilter,
        nvidiaSmiColumns);
  }

  public MeterOptions withDefaultResource(String defaultResource) {
    return new MeterOptions(format, zone, scrapeTime, promTimestamps, resourceLabels, defaultResource, metricFilter,
        nvidiaSmiColumns);
  }

  public MeterOptions withMetricFilter(Predicate<String> metricFilter) {
    return new MeterOptions(format, zone, scrapeTime, promTimestamps, resourceLabels, defaultResource, metricFilter,
        nvidiaSmiColumns);
  }

  /** Reads an nvidia-smi file written with {@code noheader}: its first row is data, with these columns. */
  public MeterOptions withNvidiaSmiColumns(List<String> nvidiaSmiColumns) {
    return new MeterOptions(format == null ? TelemetryFormat.NVIDIA_SMI_CSV : format, zone, scrapeTime, promTimestamps,
        resourceLabels, defaultResource, metricFilter, nvidiaSmiColumns);
  }
}
