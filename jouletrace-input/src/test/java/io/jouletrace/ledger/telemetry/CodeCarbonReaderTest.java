package io.jouletrace.ledger.telemetry;

import static io.jouletrace.ledger.telemetry.TestFiles.write;
import static org.assertj.core.api.Assertions.assertThat;

import io.jouletrace.core.attribution.MeterSample;
import io.jouletrace.core.attribution.MeterSample.Kind;
import io.jouletrace.core.attribution.RunSpan;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CodeCarbonReaderTest {

  /** The exact header of CodeCarbon 3 (measured.md §3.4 / §6.5). */
  private static final String HEADER = "timestamp,project_name,run_id,experiment_id,duration,emissions,emissions_rate,cpu_power,"
      + "gpu_power,ram_power,cpu_energy,gpu_energy,ram_energy,energy_consumed,water_consumed,country_name,country_iso_code,"
      + "region,cloud_provider,cloud_region,os,python_version,codecarbon_version,cpu_count,cpu_model,gpu_count,gpu_model,"
      + "longitude,latitude,ram_total_size,tracking_mode,cpu_utilization_percent,gpu_utilization_percent,"
      + "ram_utilization_percent,ram_used_gb,on_cloud,pue,wue";

  @TempDir Path dir;

  @Test
  void a_row_is_one_run_with_pue_divided_out_of_every_energy() throws Exception {
    Path file = write(dir, "emissions.csv", HEADER + "\n"
        + "2026-08-01T12:00:00,llm-serve,5b0c1d2e,5b0c1d2e,3600.5,0.1069,2.97e-05,45.1,1820.4,20.0,0.0451,1.8204,0.0200,1.8855,"
        + "0.0,France,FRA,Île-de-France,,,Linux-6.8,3.12.3,3.1.0,64,\"AMD EPYC 9654, 96-Core\",4,4 x NVIDIA H100 80GB HBM3,"
        + "2.3,48.8,512.0,machine,35.2,88.1,41.0,210.3,N,1.5,0.0\n");

    Readings<CodeCarbonRun> read = CodeCarbonReader.read(file);

    assertThat(read.rejected()).isEmpty();
    CodeCarbonRun run = read.values().getFirst();
    // by hand: 1.8855 kWh / 1.5 = 1.257 kWh = 4 525 200 J; 1.8204 / 1.5 = 1.2136 kWh = 4 368 960 J;
    // 0.0451 / 1.5 = 0.030066… kWh = 108 240 J; 0.0200 / 1.5 = 0.013333… kWh = 48 000 J (they add up to 4 525 200)
    assertThat(run.itJoules()).isEqualTo(4_525_200.0);
    assertThat(run.gpuJoules()).isEqualTo(4_368_960.0);
    assertThat(run.cpuJoules()).isEqualTo(108_240.0);
    assertThat(run.ramJoules()).isEqualTo(48_000.0);
    assertThat(run.pue()).isEqualTo(1.5);
    assertThat(run.countryIso()).isEqualTo("FRA");
    assertThat(run.project()).isEqualTo("llm-serve");
    RunSpan span = run.span();
    assertThat(span.id()).isEqualTo("5b0c1d2e@2026-08-01T12:00:00Z");
    assertThat(span.resources()).containsExactly("codecarbon:5b0c1d2e");
    assertThat(span.end()).isEqualTo(Instant.parse("2026-08-01T12:00:00Z"));
    assertThat(span.start()).isEqualTo(Instant.parse("2026-08-01T10:59:59.500Z"));
    assertThat(span.phases()).isEmpty();
    assertThat(span.inputTokens()).isNull();
  }

  @Test
  void older_files_without_pue_read_as_pue_1_and_local_times_take_the_zone_given() throws Exception {
    Path file = write(dir, "emissions.csv", """
        timestamp,project_name,run_id,duration,emissions,cpu_energy,gpu_energy,ram_energy,energy_consumed,country_iso_code
        2026-08-01T12:00:00,p,r1,60,0.001,0.001,,0.0005,0.0025,DEU
        """);

    CodeCarbonRun run = CodeCarbonReader.read(file, ZoneId.of("Europe/Berlin")).values().getFirst();

    assertThat(run.pue()).isEqualTo(1.0);
    assertThat(run.itJoules()).isEqualTo(9000.0);
    assertThat(run.cpuJoules()).isEqualTo(3600.0);
    assertThat(run.gpuJoules()).as("no value is unknown, not zero").isNaN();
    assertThat(run.ramJoules()).isEqualTo(1800.0);
    assertThat(run.span().end()).isEqualTo(Instant.parse("2026-08-01T10:00:00Z"));
    assertThat(run.span().start()).isEqualTo(Instant.parse("2026-08-01T09:59:00Z"));
  }

  @Test
  void bad_rows_are_rejected_by_field() throws Exception {
    Path file = write(dir, "emissions.csv", """
        timestamp,run_id,duration,energy_consumed,pue
        2026-08-01T12:00:00,r1,60,0.1,0.9
        2026-08-01T12:00:00,r2,-1,0.1,1.2
        2026-08-01T12:00:00,r3,60,,1.2
        2026-08-01T12:00:00,,60,0.1,1.2
        noon,r5,60,0.1,1.2
        2026-08-01T12:00:00,r6,60,-0.1,1.2
        2026-08-01T12:00:00,r7,60,0.12,1.2
        """);

    Readings<CodeCarbonRun> read = CodeCarbonReader.read(file);

    String f = file.toString();
    assertThat(read.rejectedLines()).containsExactly(
        f + ":2: pue: must be >= 1, got 0.9",
        f + ":3: duration: must be >= 0, got -1",
        f + ":4: energy_consumed: is required",
        f + ":5: run_id: is required",
        f + ":6: timestamp: must be an RFC 3339 time like 2026-03-01T14:00:00Z or epoch seconds, got \"noon\"",
        f + ":7: energy_consumed: must be >= 0, got -0.1");
    assertThat(read.values()).singleElement().satisfies(run -> {
      assertThat(run.span().id()).isEqualTo("r7@2026-08-01T12:00:00Z");
      assertThat(run.itJoules()).isEqualTo(360_000.0); // 0.12 kWh / 1.2 = 0.1 kWh
    });
  }

  /** CodeCarbon 3.3's own file: appended rows 3 cells short, and flush() and stop() in the same second (SOURCES.md beside it). */
  @Test
  void codecarbons_own_file_reads_whole_with_its_short_appended_rows_and_same_second_rows() throws Exception {
    Path file = TestFiles.fixture("codecarbon-3.3.0-emissions.csv");

    Readings<CodeCarbonRun> runs = CodeCarbonReader.read(file);
    assertThat(runs.rejected()).isEmpty();
    assertThat(runs.values()).hasSize(4).extracting(CodeCarbonRun::countryIso).containsOnly("FRA");
    Instant start = Instant.parse("2026-12-07T21:55:58Z").minusNanos(4_038_533_667L);
    assertThat(runs.values()).extracting(r -> r.span().start()).containsOnly(start);
    // the last two rows were both stamped 21:56:05: they end at the run's start plus their own durations
    assertThat(runs.values()).extracting(r -> r.span().end()).containsExactly(start.plusNanos(4_038_533_667L),
        start.plusNanos(7_555_203_546L), start.plusNanos(11_569_969_402L), start.plusNanos(11_583_657_597L));
    assertThat(runs.values().get(2).cpuJoules()).isCloseTo(9.221916155472795e-06 * 3_600_000, org.assertj.core.data.Offset.offset(1e-9));

    Readings<MeterSample> meters = MeterReaders.read(file);
    assertThat(meters.rejected()).isEmpty();
    assertThat(meters.values()).as("a 0 at the start and 4 rows, for gpu, cpu and ram").hasSize(3 * 5).noneMatch(MeterSample::isMissing);
  }

  @Test
  void as_a_meter_each_run_is_a_counter_per_component_from_zero_at_its_start() throws Exception {
    Path file = write(dir, "emissions.csv", """
        timestamp,project_name,run_id,duration,cpu_energy,gpu_energy,ram_energy,energy_consumed,pue
        2026-08-01T12:00:10,serve,r1,10,0.0002,0.001,0.00005,0.00125,1.2
        2026-08-01T12:00:20,serve,r1,20,0.0004,,0.0001,0.0025,1.2
        2026-08-01T12:00:25,serve,r2,10,0.0001,0.0005,0.00002,0.00062,1.2
        2026-08-01T12:00:40,serve,r3,5,0.0001,0.0005,0.00002,0.00062,1.2
        """);

    Readings<MeterSample> read = MeterReaders.read(file);

    Instant t0 = Instant.parse("2026-08-01T12:00:00Z");
    assertThat(read.rejectedLines()).containsExactly(file + ":4: run_id: run r2 starts at 2026-08-01T12:00:15Z, before run r1 of the "
        + "same meter codecarbon:serve ends at 2026-08-01T12:00:20Z; the runs of one project are read as one meter, so they must not overlap");
    // by hand: 0.001 kWh / 1.2 = 3000 J; 0.0002 / 1.2 → 600 J; 0.00005 / 1.2 → 150 J; the blank gpu_energy is missing
    assertThat(read.values()).containsExactly(
        new MeterSample("codecarbon:serve/gpu", t0, Kind.ENERGY, 0), new MeterSample("codecarbon:serve/gpu", t0.plusSeconds(10), Kind.ENERGY, 3000),
        new MeterSample("codecarbon:serve/cpu", t0, Kind.ENERGY, 0), new MeterSample("codecarbon:serve/cpu", t0.plusSeconds(10), Kind.ENERGY, 600),
        new MeterSample("codecarbon:serve/ram", t0, Kind.ENERGY, 0), new MeterSample("codecarbon:serve/ram", t0.plusSeconds(10), Kind.ENERGY, 150),
        MeterSample.missing("codecarbon:serve/gpu", t0.plusSeconds(20), Kind.ENERGY),
        new MeterSample("codecarbon:serve/cpu", t0.plusSeconds(20), Kind.ENERGY, 1200),
        new MeterSample("codecarbon:serve/ram", t0.plusSeconds(20), Kind.ENERGY, 300),
        new MeterSample("codecarbon:serve/gpu", t0.plusSeconds(35), Kind.ENERGY, 0),
        new MeterSample("codecarbon:serve/gpu", t0.plusSeconds(40), Kind.ENERGY, 1500),
        new MeterSample("codecarbon:serve/cpu", t0.plusSeconds(35), Kind.ENERGY, 0),
        new MeterSample("codecarbon:serve/cpu", t0.plusSeconds(40), Kind.ENERGY, 300),
        new MeterSample("codecarbon:serve/ram", t0.plusSeconds(35), Kind.ENERGY, 0),
        new MeterSample("codecarbon:serve/ram", t0.plusSeconds(40), Kind.ENERGY, 60));
  }

  @Test
  void as_a_meter_a_file_without_component_columns_gives_one_counter_named_by_run_without_a_project() throws Exception {
    Path file = write(dir, "emissions.csv", """
        timestamp,run_id,duration,energy_consumed
        2026-08-01T12:00:10+02:00,r1,10,0.001
        2026-08-01T12:00:10+02:00,r1,10,0.002
        2026-08-01T12:00:20+02:00,r1,20,0.002
        """);

    Readings<MeterSample> read = MeterReaders.read(file);

    Instant t0 = Instant.parse("2026-08-01T10:00:00Z");
    assertThat(read.values()).containsExactly(new MeterSample("codecarbon:r1", t0, Kind.ENERGY, 0),
        new MeterSample("codecarbon:r1", t0.plusSeconds(10), Kind.ENERGY, 3600), new MeterSample("codecarbon:r1", t0.plusSeconds(20), Kind.ENERGY, 7200));
    assertThat(read.rejectedLines()).containsExactly(file + ":3: timestamp: 2026-08-01T10:00:10Z is not after the previous row of run r1 at "
        + "2026-08-01T10:00:10Z");
  }

  @Test
  void codecarbon_files_are_sniffed_as_meter_files() throws Exception {
    Path file = write(dir, "emissions.csv", HEADER + "\n");

    assertThat(TelemetryFormat.sniff(file)).contains(TelemetryFormat.CODECARBON_CSV);
    assertThat(TelemetryFormat.CODECARBON_CSV.isMeter()).isTrue();
    assertThat(MeterReaders.read(file).values()).isEmpty();
    assertThat(CodeCarbonReader.read(file).values()).isEqualTo(List.of());
  }
}
