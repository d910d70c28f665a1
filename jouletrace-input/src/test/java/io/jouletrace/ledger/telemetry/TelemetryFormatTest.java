package io.jouletrace.ledger.telemetry;

import static io.jouletrace.ledger.telemetry.TestFiles.gzip;
import static io.jouletrace.ledger.telemetry.TestFiles.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TelemetryFormatTest {

  @TempDir Path dir;

  @Test
  void tells_formats_apart_by_their_first_line() {
    assertThat(TelemetryFormat.sniffHead("\n\nresource,timestamp,kind,value,unit\n")).contains(TelemetryFormat.METER_CSV);
    assertThat(TelemetryFormat.sniffHead("timestamp, index, uuid, power.draw [W]\n")).contains(TelemetryFormat.NVIDIA_SMI_CSV);
    assertThat(TelemetryFormat.sniffHead("timestamp,name,power.draw.instant\n")).contains(TelemetryFormat.NVIDIA_SMI_CSV);
    assertThat(TelemetryFormat.sniffHead("2026/03/01 14:00:00.100, 0, GPU-a, 5 W\n")).contains(TelemetryFormat.NVIDIA_SMI_CSV);
    assertThat(TelemetryFormat.sniffHead("# HELP DCGM_FI_DEV_POWER_USAGE Power draw (in W).\n")).contains(TelemetryFormat.PROMETHEUS_TEXT);
    assertThat(TelemetryFormat.sniffHead("scaph_host_energy_microjoules 987654321000\n")).contains(TelemetryFormat.PROMETHEUS_TEXT);
    assertThat(TelemetryFormat.sniffHead("up{job=\"a,b\"} 1\n")).contains(TelemetryFormat.PROMETHEUS_TEXT);
    assertThat(TelemetryFormat.sniffHead("timestamp,project_name,run_id,duration,energy_consumed\n")).contains(TelemetryFormat.CODECARBON_CSV);
    assertThat(TelemetryFormat.sniffHead("zone,timestamp,g_per_kwh\n")).contains(TelemetryFormat.INTENSITY_CSV);
    assertThat(TelemetryFormat.sniffHead("facility,timestamp,pue\n")).contains(TelemetryFormat.PUE_CSV);
    assertThat(TelemetryFormat.sniffHead("{\"id\":\"a\",\"resources\":[\"gpu0\"]}\n")).contains(TelemetryFormat.SPAN_JSONL);
    assertThat(TelemetryFormat.sniffHead("{\"zone\":\"DE\",\"history\":[]}")).contains(TelemetryFormat.INTENSITY_JSON);
    assertThat(TelemetryFormat.sniffHead("{\n  \"data\": [\n  {\"point_time\": \"x\"")).contains(TelemetryFormat.INTENSITY_JSON);
    assertThat(TelemetryFormat.sniffHead("provider,model,timestamp\n")).isEmpty();
    assertThat(TelemetryFormat.sniffHead("")).isEmpty();
  }

  @Test
  void sniffs_files_through_gzip() throws Exception {
    assertThat(TelemetryFormat.sniff(gzip(dir, "x.gz", "resource,timestamp,kind,value,unit\n"))).contains(TelemetryFormat.METER_CSV);
    assertThat(TelemetryFormat.sniff(write(dir, "empty.csv", ""))).isEqualTo(Optional.empty());
  }

  @Test
  void a_meter_input_of_unknown_format_is_an_error_unless_the_format_is_named() throws Exception {
    Path file = write(dir, "x.txt", "when,what\n1,2\n");

    assertThatThrownBy(() -> MeterReaders.read(file)).isInstanceOf(UnknownFormatException.class)
        .hasMessageStartingWith(file + ": cannot tell the meter format from the first line \"when,what\"");
    assertThat(MeterReaders.read(file, MeterOptions.defaults().withFormat(TelemetryFormat.METER_CSV)).rejectedLines())
        .containsExactly(file + ":1: header row lacks resource, timestamp, kind, value, unit "
            + "(the first row must name the columns, like resource,timestamp,kind,value,unit)");
    assertThat(MeterReaders.read(write(dir, "empty.prom", "\n")).values()).isEmpty();
    assertThatThrownBy(() -> MeterOptions.defaults().withFormat(TelemetryFormat.SPAN_JSONL))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
