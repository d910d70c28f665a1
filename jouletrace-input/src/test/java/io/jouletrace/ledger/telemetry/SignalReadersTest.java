package io.jouletrace.ledger.telemetry;

import static io.jouletrace.ledger.telemetry.TestFiles.gzip;
import static io.jouletrace.ledger.telemetry.TestFiles.write;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SignalReadersTest {

  private static final Instant H13 = Instant.parse("2026-03-01T13:00:00Z");
  private static final Instant H14 = Instant.parse("2026-03-01T14:00:00Z");

  @TempDir Path dir;

  @Test
  void reads_intensity_csv_and_rejects_bad_rows() throws Exception {
    Path file = write(dir, "intensity.csv", """
        zone,timestamp,g_per_kwh
        DE,2026-03-01T13:00:00Z,352
        FR,1772373600,44.5
        DE,2026-03-01T14:00:00Z,N/A
        DE,2026-03-01T14:00:00Z,-3
        ,2026-03-01T14:00:00Z,3
        """);

    Readings<IntensityPoint> read = SignalReaders.readIntensity(file);

    String f = file.toString();
    assertThat(read.values()).containsExactly(new IntensityPoint("DE", H13, 352.0), new IntensityPoint("FR", H14, 44.5));
    assertThat(read.rejectedLines()).containsExactly(
        f + ":4: g_per_kwh: has no value (N/A)",
        f + ":5: g_per_kwh: must be >= 0, got -3",
        f + ":6: zone: is required");
  }

  @Test
  void reads_electricity_maps_history_with_its_zone_and_rejects_null_hours() throws Exception {
    Path file = write(dir, "history.json", """
        {
          "zone": "DE",
          "history": [
            {"carbonIntensity": 352, "datetime": "2026-03-01T13:00:00.000Z", "updatedAt": "2026-03-01T13:50:00.000Z",
             "emissionFactorType": "lifecycle", "isEstimated": false, "estimationMethod": null},
            {"carbonIntensity": null, "datetime": "2026-03-01T14:00:00.000Z"},
            {"carbonIntensity": 338, "datetime": "2026-03-01T14:00:00.000Z"}
          ]
        }
        """);

    Readings<IntensityPoint> read = SignalReaders.readIntensity(file);

    assertThat(read.values()).containsExactly(new IntensityPoint("DE", H13, 352.0), new IntensityPoint("DE", H14, 338.0));
    assertThat(read.rejectedLines()).containsExactly(file + ":6: carbonIntensity: has no value (null)");
  }

  @Test
  void reads_electricity_maps_latest_responses_one_after_another_and_a_zone_given_after_the_points() throws Exception {
    Path file = write(dir, "latest.jsonl", """
        {"zone":"FR","carbonIntensity":103,"datetime":"2023-01-23T17:00:00.000Z","updatedAt":"2023-01-23T16:53:20.794Z","emissionFactorType":"lifecycle","isEstimated":true,"estimationMethod":"TIME_SLICER_AVERAGE"}
        {"carbonIntensity":98,"datetime":"2023-01-23T18:00:00.000Z","zone":"FR"}
        {"forecast":[{"carbonIntensity":90,"datetime":"2023-01-23T19:00:00Z"}],"zone":"FR","updatedAt":"2023-01-23T18:00:00Z"}
        {"status":"ok","countryCode":"SE","data":{"datetime":"2023-01-23T18:00:00.000Z","carbonIntensity":24,"fossilFuelPercentage":1.2},"units":{"carbonIntensity":"gCO2eq/kWh"}}
        {"data":[{"zone":"DE","carbonIntensity":400,"datetime":"2023-01-23T17:00:00Z"}]}
        {"error":"zone unknown"}
        """);

    Readings<IntensityPoint> read = SignalReaders.readIntensity(file);

    assertThat(read.values()).containsExactly(
        new IntensityPoint("FR", Instant.parse("2023-01-23T17:00:00Z"), 103.0),
        new IntensityPoint("FR", Instant.parse("2023-01-23T18:00:00Z"), 98.0),
        new IntensityPoint("FR", Instant.parse("2023-01-23T19:00:00Z"), 90.0),
        new IntensityPoint("SE", Instant.parse("2023-01-23T18:00:00Z"), 24.0),
        new IntensityPoint("DE", Instant.parse("2023-01-23T17:00:00Z"), 400.0));
    assertThat(read.rejectedLines()).containsExactly(file + ":6: not an Electricity Maps or WattTime response: "
        + "no carbonIntensity, history, forecast or data");
  }

  @Test
  void converts_watttime_pounds_per_mwh_to_grams_per_kwh_exactly_wherever_meta_is() throws Exception {
    Path after = write(dir, "wt.json", """
        {"data":[{"point_time":"2022-04-22T00:00:00+00:00","value":936.2,"frequency":300,"market":"RTM","version":"1.0"},
                 {"point_time":"2022-04-22T00:05:00+00:00","value":1000,"frequency":300,"market":"RTM","version":"1.0"}],
         "meta":{"region":"CAISO_NORTH","signal_type":"co2_moer","units":"lbs_co2_per_mwh",
                 "model":{"date":"2022-10-01","type":"binned_regression"},
                 "data_point_period_seconds":300,"generated_at_period_seconds":300,"generated_at":"2022-04-22T00:00:00Z"}}
        """);
    Path before = write(dir, "wt2.json", """
        {"meta":{"region":"PJM_DC","units":"g_co2_per_kwh"},"data":[{"point_time":"2022-04-22T00:00:00Z","value":420.5}]}
        """);

    // 936.2 lb/MWh × 0.45359237 = 424.653176794 g/kWh exactly; 1000 lb/MWh = 453.59237 g/kWh
    assertThat(SignalReaders.readIntensity(after).values()).containsExactly(
        new IntensityPoint("CAISO_NORTH", Instant.parse("2022-04-22T00:00:00Z"), 424.653176794),
        new IntensityPoint("CAISO_NORTH", Instant.parse("2022-04-22T00:05:00Z"), 453.59237));
    assertThat(SignalReaders.readIntensity(before).values())
        .containsExactly(new IntensityPoint("PJM_DC", Instant.parse("2022-04-22T00:00:00Z"), 420.5));
  }

  @Test
  void watttime_data_with_an_unknown_unit_or_no_meta_is_rejected_once() throws Exception {
    Path percent = write(dir, "wt.json", """
        {"data":[{"point_time":"2022-04-22T00:00:00Z","value":74},{"point_time":"2022-04-22T00:05:00Z","value":75}],
         "meta":{"region":"CAISO_NORTH","units":"percentile"}}
        """);
    Path noMeta = write(dir, "wt2.json", """
        {"data":[{"point_time":"2022-04-22T00:00:00Z","value":74}]}
        """);

    Readings<IntensityPoint> read = SignalReaders.readIntensity(percent);
    assertThat(read.values()).isEmpty();
    assertThat(read.rejectedLines()).containsExactly(percent + ":2: meta.units: unknown unit \"percentile\" "
        + "(expected lbs_co2_per_mwh or g_co2_per_kwh); 2 points skipped");
    assertThat(SignalReaders.readIntensity(noMeta).rejectedLines())
        .containsExactly(noMeta + ":1: meta: WattTime data needs meta.region and meta.units; 1 point skipped");
  }

  @Test
  void broken_json_keeps_the_points_before_the_break() throws Exception {
    Path file = gzip(dir, "history.json.gz", """
        {"zone":"DE","history":[
          {"carbonIntensity":352,"datetime":"2026-03-01T13:00:00Z"},
          {"carbonIntensity":338,"datetime":"2026-03-01T14:00:00Z"},
          {"carbonIntensity":3
        """);

    Readings<IntensityPoint> read = SignalReaders.readIntensity(file);

    assertThat(read.values()).containsExactly(new IntensityPoint("DE", H13, 352.0), new IntensityPoint("DE", H14, 338.0));
    assertThat(read.rejectedLines()).singleElement().asString()
        .startsWith(file + ":").contains("not valid JSON, stopped reading this input");
  }

  @Test
  void reads_pue_series_and_rejects_pue_below_one_or_beyond_any_data_centre() throws Exception {
    Path file = write(dir, "pue.csv", """
        facility,timestamp,pue
        dc-frankfurt-1,2026-03-01T13:00:00Z,1.18
        dc-frankfurt-1,2026-03-01T14:00:00Z,0.97
        dc-frankfurt-1,2026-03-01T14:00:00Z,
        dc-frankfurt-1,2026-03-01T14:00:00Z,1
        dc-frankfurt-1,2026-03-01T14:00:00Z,1e300
        """);

    Readings<PuePoint> read = SignalReaders.readPue(file);

    String f = file.toString();
    assertThat(read.values()).containsExactly(new PuePoint("dc-frankfurt-1", H13, 1.18), new PuePoint("dc-frankfurt-1", H14, 1.0));
    assertThat(read.rejectedLines()).containsExactly(f + ":3: pue: must be >= 1, got 0.97", f + ":4: pue: has no value (blank)",
        f + ":6: pue: must be at most 5.0, got 1e300");
  }
}
