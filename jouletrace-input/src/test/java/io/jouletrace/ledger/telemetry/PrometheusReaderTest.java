package io.jouletrace.ledger.telemetry;

import static io.jouletrace.ledger.telemetry.TestFiles.gzip;
import static io.jouletrace.ledger.telemetry.TestFiles.write;
import static org.assertj.core.api.Assertions.assertThat;

import io.jouletrace.core.attribution.MeterSample;
import io.jouletrace.core.attribution.MeterSample.Kind;
import io.jouletrace.ledger.telemetry.MeterOptions.PromTimestamps;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrometheusReaderTest {

  private static final String UUID0 = "GPU-604ac76c-d9cf-fef3-62e9-d92044ab6e52";
  private static final String UUID1 = "GPU-9e2b3f51-7c4a-4d8e-a1b6-3f0c5d2e8a17";
  private static final Instant T0 = Instant.parse("2026-03-01T14:00:00Z");

  @TempDir Path dir;

  @Test
  void reads_several_dcgm_scrapes_each_line_with_its_own_timestamp() throws Exception {
    String scrape = """
        # HELP DCGM_FI_DEV_GPU_UTIL GPU utilization (in %%).
        # TYPE DCGM_FI_DEV_GPU_UTIL gauge
        DCGM_FI_DEV_GPU_UTIL{gpu="0",UUID="%1$s",device="nvidia0",modelName="NVIDIA H100 80GB HBM3",hostname="node-1"} 97 %3$d
        # HELP DCGM_FI_DEV_POWER_USAGE Power draw (in W).
        # TYPE DCGM_FI_DEV_POWER_USAGE gauge
        DCGM_FI_DEV_POWER_USAGE{gpu="0",UUID="%1$s",device="nvidia0",modelName="NVIDIA H100 80GB HBM3",hostname="node-1"} %4$s %3$d
        DCGM_FI_DEV_POWER_USAGE{gpu="1",UUID="%2$s",device="nvidia1",modelName="NVIDIA H100 80GB HBM3",hostname="node-1"} 88.5 %3$d
        # HELP DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION Total energy consumption since boot (in mJ).
        # TYPE DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION counter
        DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION{gpu="0",UUID="%1$s",device="nvidia0",modelName="NVIDIA H100 80GB HBM3",hostname="node-1"} %5$d %3$d
        """;
    Path file = write(dir, "dcgm.prom",
        scrape.formatted(UUID0, UUID1, 1772373600000L, "512.337", 412345678L)
            + scrape.formatted(UUID0, UUID1, 1772373605500L, "498", 414900000L));

    Readings<MeterSample> read = MeterReaders.read(file);

    Instant t1 = Instant.parse("2026-03-01T14:00:05.500Z");
    assertThat(read.rejected()).isEmpty();
    assertThat(read.values()).containsExactly(
        new MeterSample(UUID0, T0, Kind.POWER, 512.337),
        new MeterSample(UUID1, T0, Kind.POWER, 88.5),
        new MeterSample(UUID0, T0, Kind.ENERGY, 412345.678),
        new MeterSample(UUID0, t1, Kind.POWER, 498.0),
        new MeterSample(UUID1, t1, Kind.POWER, 88.5),
        new MeterSample(UUID0, t1, Kind.ENERGY, 414900.0));
  }

  @Test
  void unit_suffixes_are_converted_exactly() throws Exception {
    Path file = write(dir, "m.prom", """
        kepler_node_gpu_joules_total{gpu="0",gpu_uuid="GPU-a",node_name="worker-1"} 1.2345678e+06 1772373600000
        scaph_host_energy_microjoules{hostname="host-1"} 987654321000 1772373600000
        scaph_host_power_microwatts{hostname="host-1"} 1834000 1772373600000
        node_rapl_package_millijoules_total{instance="10.0.0.7:9100"} 123456 1772373600000
        kepler_node_cpu_watts{node_name="worker-1"} 61.25 1772373600000
        nvidia_gpu_power_usage_milliwatts{gpu="1"} 250500 1772373600000
        """);

    assertThat(MeterReaders.read(file).values()).containsExactly(
        new MeterSample("GPU-a", T0, Kind.ENERGY, 1234567.8),
        new MeterSample("host-1", T0, Kind.ENERGY, 987654.321),
        new MeterSample("host-1", T0, Kind.POWER, 1.834),
        new MeterSample("10.0.0.7:9100", T0, Kind.ENERGY, 123.456),
        new MeterSample("worker-1", T0, Kind.POWER, 61.25),
        new MeterSample("gpu1", T0, Kind.POWER, 250.5));
  }

  @Test
  void labels_are_parsed_with_quotes_escapes_spaces_and_a_trailing_comma() throws Exception {
    Path file = write(dir, "m.prom", """
        foo_watts{note="a, b}=\\"c\\" \\\\ d\\nx" , hostname = "h\\"1\\\\" ,} 10 1772373600000
        foo_watts{note="x"} 11 1772373600000
        """);

    Readings<MeterSample> read = MeterReaders.read(file);

    assertThat(read.values()).containsExactly(new MeterSample("h\"1\\", T0, Kind.POWER, 10.0));
    assertThat(read.rejectedLines()).containsExactly(file + ":2: resource: the sample has none of the labels UUID, gpu_uuid, "
        + "gpu, hostname, node_name, instance and no default resource was given");
  }

  @Test
  void unrelated_families_comments_and_workload_estimates_are_skipped_without_comment() throws Exception {
    Path file = write(dir, "m.prom", """
        # HELP vllm:generation_tokens_total Number of generation tokens processed.
        # TYPE vllm:generation_tokens_total counter
        vllm:generation_tokens_total{model_name="meta-llama/Llama-3.1-8B-Instruct"} 27453.0
        DCGM_FI_DEV_SM_CLOCK{gpu="0",UUID="GPU-a"} 1980
        scaph_process_power_consumption_microwatts{exe="python3",pid="4242",hostname="h"} 1834000
        kepler_container_gpu_joules_total{container_name="vllm",node_name="worker-1"} 523411.2
        DCGM_FI_DEV_POWER_MGMT_LIMIT{gpu="0",UUID="GPU-a"} 700
        nvidia_gpu_power_limit_watts{gpu="0"} 700
        go_gc_duration_seconds{quantile="0.5"} 1.2e-05

        DCGM_FI_DEV_POWER_USAGE{gpu="0",UUID="GPU-a"} 300
        """);

    Readings<MeterSample> read = MeterReaders.read(file, MeterOptions.defaults().withScrapeTime(T0));

    assertThat(read.rejected()).isEmpty();
    assertThat(read.values()).containsExactly(new MeterSample("GPU-a", T0, Kind.POWER, 300.0));
  }

  @Test
  void samples_without_a_timestamp_take_the_scrape_time_or_are_rejected() throws Exception {
    Path file = write(dir, "m.prom", """
        DCGM_FI_DEV_POWER_USAGE{gpu="0",UUID="GPU-a"} 300
        """);

    assertThat(MeterReaders.read(file, MeterOptions.defaults().withScrapeTime(T0)).values())
        .containsExactly(new MeterSample("GPU-a", T0, Kind.POWER, 300.0));
    assertThat(MeterReaders.read(file).rejectedLines())
        .containsExactly(file + ":1: timestamp: the sample has no timestamp and no scrape time was given (a # scrape_time "
            + "comment before it, or --scrape-time)");
  }

  @Test
  void scrape_time_comments_date_the_timestamp_less_scrapes_after_them_and_a_bad_one_dates_none() throws Exception {
    Path file = write(dir, "m.prom", """
        DCGM_FI_DEV_POWER_USAGE{gpu="0",UUID="GPU-a"} 290
        # scrape_time 2026-03-01T14:00:00Z
        # HELP DCGM_FI_DEV_POWER_USAGE Power draw (in W).
        DCGM_FI_DEV_POWER_USAGE{gpu="0",UUID="GPU-a"} 300
        # scrape_time 1772373605.5
        DCGM_FI_DEV_POWER_USAGE{gpu="0",UUID="GPU-a"} 310
        DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION{gpu="0",UUID="GPU-a"} 7000 1772373609000
        # scrape_time soon
        DCGM_FI_DEV_POWER_USAGE{gpu="0",UUID="GPU-a"} 320
        """);

    Readings<MeterSample> read = MeterReaders.read(file, MeterOptions.defaults().withScrapeTime(T0.minusSeconds(5)));

    assertThat(read.values()).containsExactly(new MeterSample("GPU-a", T0.minusSeconds(5), Kind.POWER, 290.0),
        new MeterSample("GPU-a", T0, Kind.POWER, 300.0), new MeterSample("GPU-a", T0.plusMillis(5500), Kind.POWER, 310.0),
        new MeterSample("GPU-a", T0.plusSeconds(9), Kind.ENERGY, 7.0));
    assertThat(read.rejectedLines()).containsExactly(
        file + ":8: scrape_time: must be an RFC 3339 time like 2026-03-01T14:00:00Z or epoch seconds, got \"soon\"",
        file + ":9: timestamp: the sample has no timestamp and the # scrape_time comment of line 8 above it could not be read");
  }

  @Test
  void nan_and_dcgm_blank_sentinels_are_missing_readings() throws Exception {
    Path file = write(dir, "m.prom", """
        DCGM_FI_DEV_POWER_USAGE{UUID="GPU-a"} NaN 1772373600000
        DCGM_FI_DEV_POWER_USAGE{UUID="GPU-b"} 140737488355328.0 1772373600000
        DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION{UUID="GPU-a"} 9223372036854775794 1772373600000
        foo_joules_total{instance="i"} nan 1772373600000
        DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION{UUID="GPU-b"} 0 1772373600000
        """);

    Readings<MeterSample> read = MeterReaders.read(file);

    assertThat(read.rejected()).isEmpty();
    assertThat(read.values()).containsExactly(
        MeterSample.missing("GPU-a", T0, Kind.POWER),
        MeterSample.missing("GPU-b", T0, Kind.POWER),
        MeterSample.missing("GPU-a", T0, Kind.ENERGY),
        MeterSample.missing("i", T0, Kind.ENERGY),
        new MeterSample("GPU-b", T0, Kind.ENERGY, 0.0));
    assertThat(read.values().get(0).value()).isNaN();
  }

  @Test
  void openmetrics_timestamps_are_seconds_and_exemplars_are_ignored() throws Exception {
    Path file = write(dir, "m.om", """
        # TYPE gpu_energy_joules counter
        # UNIT gpu_energy_joules joules
        gpu_energy_joules_total{gpu="0"} 1500.5 1772373600.250 # {trace_id="abc"} 1.0 1772373600.1
        gpu_energy_joules_created{gpu="0"} 1772370000.0
        # EOF
        gpu_energy_joules_total{gpu="0"} 1600 1772373601
        # EOF
        """);

    assertThat(MeterReaders.read(file).values()).containsExactly(
        new MeterSample("gpu0", Instant.parse("2026-03-01T14:00:00.250Z"), Kind.ENERGY, 1500.5),
        new MeterSample("gpu0", Instant.parse("2026-03-01T14:00:01Z"), Kind.ENERGY, 1600.0));
  }

  @Test
  void timestamp_units_follow_the_option_or_else_their_size() throws Exception {
    Path file = write(dir, "m.prom", """
        a_watts{gpu="0"} 1 1772373600000
        a_watts{gpu="1"} 1 1772373600
        """);

    assertThat(MeterReaders.read(file).values()).extracting(MeterSample::time).containsExactly(T0, T0);
    assertThat(MeterReaders.read(file, MeterOptions.defaults().withPromTimestamps(PromTimestamps.MILLISECONDS)).values())
        .extracting(MeterSample::time).containsExactly(T0, Instant.parse("1970-01-21T12:19:33.600Z"));
    assertThat(MeterReaders.read(file, MeterOptions.defaults().withPromTimestamps(PromTimestamps.SECONDS)).values())
        .extracting(MeterSample::time).containsExactly(Instant.ofEpochSecond(1772373600000L), T0);
  }

  @Test
  void two_series_metering_one_resource_at_once_are_a_conflict_and_repeats_are_rejected() throws Exception {
    Path file = write(dir, "m.prom", """
        kepler_node_package_joules_total{node_name="w1",mode="dynamic"} 100 1772373600000
        kepler_node_package_joules_total{node_name="w1",mode="idle"} 50 1772373600000
        kepler_node_package_joules_total{node_name="w1",mode="dynamic"} 100 1772373600000
        kepler_node_package_joules_total{node_name="w1",mode="dynamic"} 110 1772373601000
        kepler_node_package_joules_total{node_name="w1",mode="idle"} 60 1772373601000
        """);

    Readings<MeterSample> read = MeterReaders.read(file);

    String f = file.toString();
    assertThat(read.values()).extracting(MeterSample::value).containsExactly(100.0, 110.0);
    assertThat(read.rejectedLines()).containsExactly(
        f + ":2: resource: \"w1\" already has a energy reading at 2026-03-01T14:00:00Z from line 1 (another series); "
            + "give each series its own resource label or leave one metric out",
        f + ":3: repeats the series of line 1 at the same time 2026-03-01T14:00:00Z",
        f + ":5: resource: \"w1\" already has a energy reading at 2026-03-01T14:00:01Z from line 4 (another series); "
            + "give each series its own resource label or leave one metric out");
  }

  @Test
  void malformed_lines_of_our_families_are_rejected_and_reading_goes_on() throws Exception {
    Path file = write(dir, "m.prom", """
        a_watts{gpu="0" 1 1772373600000
        a_watts{gpu=0} 1 1772373600000
        a_watts{gpu="0\\q"} 1 1772373600000
        a_watts{gpu="0"} -1 1772373600000
        a_watts{gpu="0"} +Inf 1772373600000
        a_watts{gpu="0"} twelve 1772373600000
        a_watts{gpu="0"} 1 soon
        a_watts{gpu="0"} 1 1772373600000 extra
        a_watts{gpu="0",gpu="1"} 1 1772373600000
        a_watts{gpu="0"}
        = 5
        a_watts{gpu="0"} 7 1772373600000
        """);

    Readings<MeterSample> read = MeterReaders.read(file);

    String f = file.toString();
    assertThat(read.rejectedLines()).containsExactly(
        f + ":1: labels: expected , or } after the value of label gpu",
        f + ":2: labels: the value of label gpu must be in double quotes",
        f + ":3: labels: unknown escape \\q in a label value (use \\\\, \\\" or \\n)",
        f + ":4: value: must be >= 0, got -1",
        f + ":5: value: must be finite, got +Inf",
        f + ":6: value: must be a number, got \"twelve\"",
        f + ":7: timestamp: must be a number, got \"soon\"",
        f + ":8: unexpected text after the timestamp: \"extra\"",
        f + ":9: labels: names label gpu twice",
        f + ":10: value: expected a space and the value after a_watts",
        f + ":11: not a sample line: expected a metric name, got \"= 5\"");
    assertThat(read.values()).containsExactly(new MeterSample("gpu0", T0, Kind.POWER, 7.0));
  }

  @Test
  void resource_labels_and_a_default_resource_can_be_chosen() throws Exception {
    Path file = write(dir, "m.prom", """
        scaph_host_power_microwatts 1834000 1772373600000
        DCGM_FI_DEV_POWER_USAGE{gpu="0",UUID="GPU-a",pci_bus_id="00000000:18:00.0"} 300 1772373600000
        """);

    MeterOptions options = MeterOptions.defaults().withDefaultResource("host-1").withResourceLabels(List.of("pci_bus_id"));
    assertThat(MeterReaders.read(file, options).values()).containsExactly(
        new MeterSample("host-1", T0, Kind.POWER, 1.834),
        new MeterSample("00000000:18:00.0", T0, Kind.POWER, 300.0));
  }

  @Test
  void quoted_utf8_metric_names_and_a_metric_filter_are_honoured() throws Exception {
    Path file = write(dir, "m.prom", """
        {"rack.pdu_watts", outlet="3", instance="pdu-1"} 1200 1772373600000
        DCGM_FI_DEV_POWER_USAGE{UUID="GPU-a"} 300 1772373600000
        """);

    assertThat(MeterReaders.read(file).values()).extracting(MeterSample::resource).containsExactly("pdu-1", "GPU-a");
    assertThat(MeterReaders.read(file, MeterOptions.defaults().withMetricFilter(n -> n.startsWith("DCGM_"))).values())
        .extracting(MeterSample::resource).containsExactly("GPU-a");
  }

  @Test
  void reads_gzip_scrapes() throws Exception {
    Path file = gzip(dir, "scrapes.prom.gz", "DCGM_FI_DEV_POWER_USAGE{UUID=\"GPU-a\"} 300 1772373600000\n");

    assertThat(MeterReaders.read(file).values()).containsExactly(new MeterSample("GPU-a", T0, Kind.POWER, 300.0));
  }

  /** dcgm-exporter's /metrics as its README shows it: ", " between labels, no timestamps, DCGM's blank sentinel in an unread field. */
  @Test
  void dcgm_exporters_own_text_reads_power_and_energy_on_the_gpus_uuid() throws Exception {
    Readings<MeterSample> read = MeterReaders.read(TestFiles.fixture("dcgm-exporter-metrics.prom"), MeterOptions.defaults().withScrapeTime(T0));

    assertThat(read.rejected()).isEmpty();
    String gpu = "GPU-604ac76c-d9cf-fef3-62e9-d92044ab6e52";
    assertThat(read.values()).containsExactly(new MeterSample(gpu, T0, Kind.POWER, 68.594), new MeterSample(gpu, T0, Kind.ENERGY, 2_467_395.321));
  }
}
