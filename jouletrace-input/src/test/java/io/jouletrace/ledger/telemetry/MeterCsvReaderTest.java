package io.jouletrace.ledger.telemetry;

import static io.jouletrace.ledger.telemetry.TestFiles.gzip;
import static io.jouletrace.ledger.telemetry.TestFiles.write;
import static org.assertj.core.api.Assertions.assertThat;

import io.jouletrace.core.attribution.MeterSample;
import io.jouletrace.core.attribution.MeterSample.Kind;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MeterCsvReaderTest {

  private static final Instant T0 = Instant.parse("2026-03-01T14:00:00Z");

  @TempDir Path dir;

  @Test
  void reads_power_and_energy_in_si_units_with_exact_conversions() throws Exception {
    Path file = write(dir, "meters.csv", """
        resource,timestamp,kind,value,unit
        gpu0,2026-03-01T14:00:00Z,power,512.34,W
        gpu0,2026-03-01T14:00:00Z,power,512340,mW
        gpu0,2026-03-01T15:00:00+01:00,power,0.5,kW
        gpu0,1772373600,power,250000000,uW
        gpu0,1772373600.25,energy,1234.5,mJ
        gpu0,2026-03-01T14:00:00Z,energy,3,kJ
        gpu0,2026-03-01T14:00:00Z,energy,2,Wh
        gpu0,2026-03-01T14:00:00Z,energy,0.1,kWh
        gpu0,2026-03-01T14:00:00Z,energy,1.5,kWh
        gpu0,2026-03-01T14:00:00Z,ENERGY,7,J
        """);

    Readings<MeterSample> read = MeterReaders.read(file);

    assertThat(read.rejected()).isEmpty();
    assertThat(read.values()).containsExactly(
        new MeterSample("gpu0", T0, Kind.POWER, 512.34),
        new MeterSample("gpu0", T0, Kind.POWER, 512.34),
        new MeterSample("gpu0", T0, Kind.POWER, 500.0),
        new MeterSample("gpu0", T0, Kind.POWER, 250.0),
        new MeterSample("gpu0", Instant.parse("2026-03-01T14:00:00.250Z"), Kind.ENERGY, 1.2345),
        new MeterSample("gpu0", T0, Kind.ENERGY, 3000.0),
        new MeterSample("gpu0", T0, Kind.ENERGY, 7200.0),
        new MeterSample("gpu0", T0, Kind.ENERGY, 360000.0), // 0.1 * 3600000.0 in doubles is 360000.00000000006
        new MeterSample("gpu0", T0, Kind.ENERGY, 5400000.0),
        new MeterSample("gpu0", T0, Kind.ENERGY, 7.0));
  }

  @Test
  void columns_are_found_by_name_in_any_order_and_extra_columns_are_ignored() throws Exception {
    Path file = write(dir, "m.csv", """
        unit , value,note,kind,timestamp,resource
        W,300,"warm, steady",power,2026-03-01T14:00:00Z,"node-1/gpu0"
        """);

    assertThat(MeterReaders.read(file).values()).containsExactly(new MeterSample("node-1/gpu0", T0, Kind.POWER, 300.0));
  }

  @Test
  void missing_sentinels_are_missing_readings_never_zero() throws Exception {
    Path file = write(dir, "m.csv", """
        resource,timestamp,kind,value,unit
        gpu0,2026-03-01T14:00:00Z,power,,W
        gpu0,2026-03-01T14:00:00Z,power,NaN,W
        gpu0,2026-03-01T14:00:00Z,power,N/A,W
        gpu0,2026-03-01T14:00:00Z,energy,[N/A],J
        gpu0,2026-03-01T14:00:00Z,energy,nan,
        gpu0,2026-03-01T14:00:00Z,energy,0,J
        """);

    Readings<MeterSample> read = MeterReaders.read(file);

    assertThat(read.rejected()).isEmpty();
    assertThat(read.values()).hasSize(6);
    assertThat(read.values().subList(0, 5)).allSatisfy(s -> {
      assertThat(s.isMissing()).isTrue();
      assertThat(s.value()).isNaN();
    });
    assertThat(read.values().subList(0, 3)).extracting(MeterSample::kind).containsOnly(Kind.POWER);
    assertThat(read.values().get(5)).isEqualTo(new MeterSample("gpu0", T0, Kind.ENERGY, 0.0));
    assertThat(read.values().get(5).isMissing()).isFalse();
  }

  @Test
  void each_bad_row_is_rejected_with_file_line_field_and_reason_and_reading_goes_on() throws Exception {
    Path file = write(dir, "m.csv", """
        resource,timestamp,kind,value,unit
        gpu0,2026-03-01T14:00:00Z,power,300,J
        gpu0,2026-03-01T14:00:00Z,energy,300,kW
        gpu0,2026-03-01T14:00:00Z,power,300,MW
        gpu0,2026-03-01T14:00:00Z,power,300,

        gpu0,2026-03-01T14:00:00Z,heat,300,W
        gpu0,2026-03-01T14:00:00Z,power,-1,W
        gpu0,2026-03-01T14:00:00Z,power,abc,W
        gpu0,yesterday,power,300,W
        gpu0,2026-03-01T14:00:00,power,300,W
        ,2026-03-01T14:00:00Z,power,300,W
        gpu0,2026-03-01T14:00:00Z,power,300
        gpu0,2026-03-01T14:00:00Z,power,1e400,W
        gpu1,2026-03-01T14:00:00Z,power,301,W
        """);

    Readings<MeterSample> read = MeterReaders.read(file);

    String f = file.toString();
    assertThat(read.rejectedLines()).containsExactly(
        f + ":2: unit: \"J\" is an energy unit but kind is power",
        f + ":3: unit: \"kW\" is a power unit but kind is energy",
        f + ":4: unit: unknown unit \"MW\" (power: W, mW, kW, uW; energy: J, mJ, kJ, uJ, Wh, kWh)",
        f + ":5: unit: is required with a value (W, mW, kW or uW)",
        f + ":7: kind: must be power or energy, got \"heat\"",
        f + ":8: value: must be >= 0, got -1",
        f + ":9: value: must be a number, got \"abc\"",
        f + ":10: timestamp: must be an RFC 3339 time like 2026-03-01T14:00:00Z or epoch seconds, got \"yesterday\"",
        f + ":11: timestamp: has no zone offset, got \"2026-03-01T14:00:00\" (write it like 2026-03-01T14:00:00Z)",
        f + ":12: resource: is required",
        f + ":13: row has 4 cells but the header has 5",
        f + ":14: value: is out of range, got 1e400");
    assertThat(read.values()).containsExactly(new MeterSample("gpu1", T0, Kind.POWER, 301.0));
  }

  @Test
  void a_file_without_the_contract_header_is_one_rejection() throws Exception {
    Path file = write(dir, "m.csv", """
        resource,time,kind,value,unit
        gpu0,2026-03-01T14:00:00Z,power,300,W
        """);

    Readings<MeterSample> read = MeterReaders.read(file, MeterOptions.defaults().withFormat(TelemetryFormat.METER_CSV));

    assertThat(read.values()).isEmpty();
    assertThat(read.rejectedLines()).containsExactly(file + ":1: header row lacks timestamp "
        + "(the first row must name the columns, like resource,timestamp,kind,value,unit)");
  }

  @Test
  void reads_gzip_whatever_the_file_is_called_and_drops_a_byte_order_mark() throws Exception {
    String csv = "\uFEFFresource,timestamp,kind,value,unit\ngpu0,2026-03-01T14:00:00Z,power,300,W\n";
    Path gz = gzip(dir, "meters.data", csv);

    assertThat(MeterReaders.read(gz).values()).containsExactly(new MeterSample("gpu0", T0, Kind.POWER, 300.0));
  }

  @Test
  void a_truncated_gzip_keeps_the_rows_before_the_break_and_reports_it() throws Exception {
    StringBuilder csv = new StringBuilder("resource,timestamp,kind,value,unit\n");
    for (int i = 0; i < 2000; i++) csv.append("gpu0,").append(1772373600 + i).append(",power,").append(300 + i % 7).append(",W\n");
    byte[] whole = TestFiles.gzipped(csv.toString());
    Path file = dir.resolve("cut.csv.gz");
    Files.write(file, Arrays.copyOf(whole, whole.length / 2));

    Readings<MeterSample> read = MeterReaders.read(file);

    assertThat(read.values()).isNotEmpty().hasSizeLessThan(2000);
    assertThat(read.rejectedLines()).singleElement().asString()
        .startsWith(file + ":").contains(": input is truncated or corrupt, stopped reading it");
  }

  @Test
  void streams_one_sample_at_a_time() throws Exception {
    String csv = "resource,timestamp,kind,value,unit\ngpu0,1772373600,power,1,W\ngpu0,1772373601,power,x,W\ngpu0,1772373602,power,3,W\n";
    try (TelemetryReader<MeterSample> reader = MeterReaders.open(
        new java.io.ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)), "<stdin>", MeterOptions.defaults())) {
      assertThat(reader.next().value()).isEqualTo(1.0);
      assertThat(reader.rejected()).isEmpty();
      assertThat(reader.next().value()).isEqualTo(3.0);
      assertThat(reader.rejected()).extracting(r -> r.line()).containsExactly("<stdin>:3: value: must be a number, got \"x\"");
      assertThat(reader.next()).isNull();
      assertThat(reader.next()).isNull();
    }
  }
}
