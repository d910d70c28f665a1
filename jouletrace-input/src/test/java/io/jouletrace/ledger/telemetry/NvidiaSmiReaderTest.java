package io.jouletrace.ledger.telemetry;

import static io.jouletrace.ledger.telemetry.TestFiles.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jouletrace.core.attribution.MeterSample;
import io.jouletrace.core.attribution.MeterSample.Kind;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NvidiaSmiReaderTest {

  private static final String UUID0 = "GPU-604ac76c-d9cf-fef3-62e9-d92044ab6e52";
  private static final String UUID1 = "GPU-9e2b3f51-7c4a-4d8e-a1b6-3f0c5d2e8a17";
  private static final Instant T = Instant.parse("2026-03-01T14:00:00.100Z");

  @TempDir Path dir;

  @Test
  void reads_the_csv_with_units_in_header_and_values() throws Exception {
    Path file = write(dir, "smi.csv", """
        timestamp, index, uuid, power.draw [W], power.draw.instant [W], total_energy_consumption [mJ]
        2026/03/01 14:00:00.100, 0, %s, 512.34 W, 530.10 W, 412345678 mJ
        2026/03/01 14:00:00.100, 1, %s, 87.05 W, 86.25 W, 398852057 mJ
        """.formatted(UUID0, UUID1));

    Readings<MeterSample> read = MeterReaders.read(file);

    assertThat(read.rejected()).isEmpty();
    assertThat(read.values()).containsExactly(
        new MeterSample(UUID0, T, Kind.POWER, 512.34),
        new MeterSample(UUID0, T, Kind.ENERGY, 412345.678),
        new MeterSample(UUID1, T, Kind.POWER, 87.05),
        new MeterSample(UUID1, T, Kind.ENERGY, 398852.057));
  }

  @Test
  void reads_nounits_the_same_and_without_units_in_the_header_takes_w_and_mj() throws Exception {
    Path nounits = write(dir, "nounits.csv", """
        timestamp, index, uuid, power.draw [W], total_energy_consumption [mJ]
        2026/03/01 14:00:00.100, 0, %s, 512.34, 412345678
        """.formatted(UUID0));
    Path bare = write(dir, "bare.csv", """
        timestamp,index,uuid,power.draw,total_energy_consumption
        2026/03/01 14:00:00.100,0,%s,512.34,412345678
        """.formatted(UUID0));

    List<MeterSample> expected = List.of(new MeterSample(UUID0, T, Kind.POWER, 512.34),
        new MeterSample(UUID0, T, Kind.ENERGY, 412345.678));
    assertThat(MeterReaders.read(nounits).values()).isEqualTo(expected);
    assertThat(MeterReaders.read(bare).values()).isEqualTo(expected);
  }

  @Test
  void na_markers_are_missing_readings_and_the_resource_falls_back_to_the_index() throws Exception {
    Path file = write(dir, "smi.csv", """
        timestamp, index, power.draw [W], total_energy_consumption [mJ]
        2026/03/01 14:00:00.100, 0, [N/A], [Not Supported]
        2026/03/01 14:00:00.100, 3, 75.5 W, N/A
        """);

    List<MeterSample> values = MeterReaders.read(file).values();

    assertThat(values).containsExactly(
        MeterSample.missing("gpu0", T, Kind.POWER),
        MeterSample.missing("gpu0", T, Kind.ENERGY),
        new MeterSample("gpu3", T, Kind.POWER, 75.5),
        MeterSample.missing("gpu3", T, Kind.ENERGY));
    assertThat(values.get(0).value()).isNaN();
  }

  @Test
  void timestamps_are_read_in_the_zone_given_utc_by_default() throws Exception {
    Path file = write(dir, "smi.csv", """
        timestamp, uuid, power.draw [W]
        2026/03/01 15:00:00.1, gpu-a, 100 W
        2026/07/01 15:00:00, gpu-a, 100 W
        """);

    assertThat(MeterReaders.read(file).values()).extracting(MeterSample::time)
        .containsExactly(Instant.parse("2026-03-01T15:00:00.100Z"), Instant.parse("2026-07-01T15:00:00Z"));
    assertThat(MeterReaders.read(file, MeterOptions.defaults().withZone(ZoneId.of("Europe/Berlin"))).values())
        .extracting(MeterSample::time)
        .containsExactly(Instant.parse("2026-03-01T14:00:00.100Z"), Instant.parse("2026-07-01T13:00:00Z"));
  }

  @Test
  void power_draw_is_preferred_over_average_and_instant() throws Exception {
    Path file = write(dir, "smi.csv", """
        timestamp, uuid, power.draw.instant [W], power.draw.average [W]
        2026/03/01 14:00:00.100, g, 530.10 W, 500.00 W
        """);

    assertThat(MeterReaders.read(file).values()).containsExactly(new MeterSample("g", T, Kind.POWER, 500.0));
  }

  @Test
  void values_in_other_units_are_converted_and_bad_cells_are_rejected() throws Exception {
    Path file = write(dir, "smi.csv", """
        timestamp, uuid, power.draw [W], total_energy_consumption [mJ]
        2026/03/01 14:00:00.100, g, 512340 mW, 4.5 kJ
        2026/03/01 14:00:00.100, g, 500 J, 1 mJ
        2026/03/01 14:00:00.100, g, 500 W, 12 W
        2026/03/01 14:00:00.100, g, hot, 1 mJ
        2026/03/01 14:00:00.100, , 500 W, 1 mJ
        01/03/2026 14:00, g, 500 W, 1 mJ
        2026/03/01 14:00:00.100, g, -5 W, 1 mJ
        """);

    Readings<MeterSample> read = MeterReaders.read(file);

    String f = file.toString();
    assertThat(read.values()).containsExactly(new MeterSample("g", T, Kind.POWER, 512.34), new MeterSample("g", T, Kind.ENERGY, 4500.0));
    assertThat(read.rejectedLines()).containsExactly(
        f + ":3: power.draw: \"J\" is an energy unit but kind is power",
        f + ":4: total_energy_consumption: \"W\" is a power unit but kind is energy",
        f + ":5: power.draw: must be a number, got \"hot\"",
        f + ":6: uuid: is required",
        f + ":7: timestamp: must be an RFC 3339 time like 2026-03-01T14:00:00Z or epoch seconds, got \"01/03/2026 14:00\"",
        f + ":8: power.draw: must be >= 0, got -5");
  }

  @Test
  void a_header_without_power_or_energy_cannot_be_read() throws Exception {
    Path file = write(dir, "smi.csv", """
        timestamp, index, uuid, utilization.gpu [%]
        2026/03/01 14:00:00.100, 0, g, 50 %
        """);

    Readings<MeterSample> read = MeterReaders.read(file, MeterOptions.defaults().withFormat(TelemetryFormat.NVIDIA_SMI_CSV));

    assertThat(read.values()).isEmpty();
    assertThat(read.rejectedLines()).containsExactly(file + ":1: header row names no power column "
        + "(power.draw, power.draw.average, power.draw.instant) and no total_energy_consumption");
  }

  @Test
  void noheader_files_need_their_column_list() throws Exception {
    Path file = write(dir, "smi.csv", """
        2026/03/01 14:00:00.100, 0, g, 512.34
        2026/03/01 14:00:01.100, 0, g, 500
        """);

    assertThatThrownBy(() -> MeterReaders.read(file)).isInstanceOf(UnknownFormatException.class)
        .hasMessageContaining("noheader");
    Readings<MeterSample> read = MeterReaders.read(file,
        MeterOptions.defaults().withNvidiaSmiColumns(List.of("timestamp", "index", "uuid", "power.draw [W]")));
    assertThat(read.rejected()).isEmpty();
    assertThat(read.values()).containsExactly(new MeterSample("g", T, Kind.POWER, 512.34),
        new MeterSample("g", T.plusSeconds(1), Kind.POWER, 500.0));
  }

  @Test
  void a_repeated_header_from_concatenated_logs_is_skipped() throws Exception {
    Path file = write(dir, "smi.csv", """
        timestamp, uuid, power.draw [W]
        2026/03/01 14:00:00.100, g, 1 W
        timestamp, uuid, power.draw [W]
        2026/03/01 14:00:01.100, g, 2 W
        """);

    Readings<MeterSample> read = MeterReaders.read(file);

    assertThat(read.rejected()).isEmpty();
    assertThat(read.values()).extracting(MeterSample::value).containsExactly(1.0, 2.0);
  }

  /** nvidia-smi's CSV as it prints it: units in the header and the values, ", " separators, [N/A] for a GPU without power. */
  @Test
  void nvidia_smis_own_csv_reads_with_its_units_and_not_available_cells() throws Exception {
    Readings<MeterSample> read = MeterReaders.read(TestFiles.fixture("nvidia-smi-power.csv"));

    assertThat(read.rejected()).isEmpty();
    Instant first = Instant.parse("2026-12-07T21:55:58.123Z");
    assertThat(read.values()).filteredOn(s -> s.resource().equals("gpu0")).containsExactly(new MeterSample("gpu0", first, Kind.POWER, 68.59),
        new MeterSample("gpu0", first.plusMillis(204), Kind.POWER, 312.47), new MeterSample("gpu0", first.plusMillis(408), Kind.POWER, 409.12));
    assertThat(read.values()).filteredOn(s -> s.resource().equals("gpu1")).hasSize(3).allMatch(MeterSample::isMissing);
  }
}
