package io.jouletrace.core.carbon;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class SeriesSignalTest {

  private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
  private final SeriesSignal signal = new SeriesSignal(List.of(
      new SeriesSignal.Point("DEU", T0.plusSeconds(3600), 420),
      new SeriesSignal.Point("DEU", T0, 380),
      new SeriesSignal.Point("FRA", T0, 35)), Duration.ofHours(2), "electricitymaps");

  @Test
  void the_reading_in_force_is_the_latest_at_or_before_the_time() {
    assertThat(signal.at("DEU", T0.plusSeconds(1800)).orElseThrow().gramsPerKwh()).isEqualTo(380);
    assertThat(signal.at("DEU", T0.plusSeconds(3600)).orElseThrow().gramsPerKwh()).isEqualTo(420);
    assertThat(signal.at("DEU", T0.plusSeconds(3600)).orElseThrow().series()).isEqualTo("electricitymaps DEU @ 2026-11-25T11:00:00Z");
    assertThat(signal.at("FRA", T0).orElseThrow().gramsPerKwh()).isEqualTo(35);
  }

  @Test
  void before_the_series_stale_or_another_zone_is_no_signal() {
    assertThat(signal.at("DEU", T0.minusSeconds(1))).isEmpty();
    assertThat(signal.at("DEU", T0.plusSeconds(3600 + 7201))).isEmpty();
    assertThat(signal.at("USA", T0)).isEmpty();
  }

  @Test
  void a_signal_beats_the_annual_average_and_an_explicit_value_beats_the_signal() {
    var withSignal = new IntensityResolver(io.jouletrace.core.Fixtures.grid(), signal, null);
    var record = io.jouletrace.core.record.InvocationRecord.builder("openai", "gpt-4o", 10).zone("DEU").timestamp(T0.plusSeconds(60)).build();
    var resolved = withSignal.resolve(record, null, null);
    assertThat(resolved.intensity().gramsPerKwh()).isEqualTo(380);
    assertThat(resolved.intensity().source()).startsWith("signal");
    var explicit = io.jouletrace.core.record.InvocationRecord.builder("openai", "gpt-4o", 10).zone("DEU").timestamp(T0.plusSeconds(60))
        .intensityGramsPerKwh(100.0).build();
    assertThat(withSignal.resolve(explicit, null, null).intensity().gramsPerKwh()).isEqualTo(100);
  }
}
