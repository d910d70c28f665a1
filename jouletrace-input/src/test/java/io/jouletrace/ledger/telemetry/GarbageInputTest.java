package io.jouletrace.ledger.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Inputs pieced together from fragments of every format: each reader reads or rejects them entry by
 * entry and never throws anything but an {@link IOException} about the input as a whole.
 */
class GarbageInputTest {

  private static final List<String> FRAGMENTS = List.of(
      "resource,timestamp,kind,value,unit\n", "timestamp, index, uuid, power.draw [W], total_energy_consumption [mJ]\n",
      "zone,timestamp,g_per_kwh\n", "facility,timestamp,pue\n", "timestamp,run_id,duration,energy_consumed,pue\n",
      "gpu0,2026-03-01T14:00:00Z,power,300,W\n", "2026/03/01 14:00:00.100, 0, GPU-a, 5 W, 7 mJ\n", "DE,1772373600,300\n",
      "2026-08-01T12:00:00,r,60,0.1,1.2\n", "\"unclosed,", ",,,,\n", "\n", "NaN", "-1", "1e999999", "1e-999999", "[N/A]",
      "DCGM_FI_DEV_POWER_USAGE{UUID=\"GPU-a\"} 3 1772373600000\n", "a_watts{", "gpu=\"0\\", "} ", "# EOF\n", "# HELP x\n",
      "x_joules_total 5\n", "{\"id\":\"a\",\"resources\":[\"g\"],\"start\":1,\"end\":2}\n", "{\"zone\":\"DE\",\"history\":[",
      "{\"carbonIntensity\":1,\"datetime\":\"2026-03-01T14:00:00Z\"}", "]}", "{\"data\":[{\"point_time\":1,\"value\":2}],",
      "\"meta\":{\"units\":\"lbs_co2_per_mwh\",\"region\":\"R\"}}", "{", "}", "[", "]", ",", "\"", ":", "\\", " ", "\t",
      "\u00e9", "\uFEFF", "99999999999999999999", "-0", "0.0000001", "T", "Z", "+01:00");

  private interface Reader {
    Readings<?> read(InputStream in) throws IOException;
  }

  @Test
  void any_input_is_read_or_rejected_entry_by_entry() throws Exception {
    Instant scrape = Instant.parse("2026-03-01T14:00:00Z");
    List<Reader> readers = List.of(
        in -> MeterReaders.open(in, "in", MeterOptions.defaults().withFormat(TelemetryFormat.METER_CSV)).readAll(),
        in -> MeterReaders.open(in, "in", MeterOptions.defaults().withFormat(TelemetryFormat.NVIDIA_SMI_CSV)).readAll(),
        in -> MeterReaders.open(in, "in", MeterOptions.defaults().withFormat(TelemetryFormat.PROMETHEUS_TEXT)
            .withScrapeTime(scrape)).readAll(),
        in -> CodeCarbonReader.open(in, "in", ZoneOffset.UTC).readAll(),
        in -> SpanReader.open(in, "in").readAll(),
        in -> SignalReaders.openIntensity(in, "in").readAll(),
        in -> SignalReaders.openPue(in, "in").readAll());
    Random random = new Random(20260301);
    for (int round = 0; round < 400; round++) {
      StringBuilder text = new StringBuilder();
      int pieces = 1 + random.nextInt(30);
      for (int i = 0; i < pieces; i++) text.append(FRAGMENTS.get(random.nextInt(FRAGMENTS.size())));
      byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
      for (Reader reader : readers) {
        Readings<?> read = reader.read(new ByteArrayInputStream(bytes));
        assertThat(read.rejected()).allSatisfy(r -> assertThat(r.origin()).matches("in:\\d+"));
      }
    }
  }
}
