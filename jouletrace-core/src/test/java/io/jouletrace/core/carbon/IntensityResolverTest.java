package io.jouletrace.core.carbon;

import static org.assertj.core.api.Assertions.assertThat;

import io.jouletrace.core.Fixtures;
import io.jouletrace.core.figure.AccuracyBand;
import io.jouletrace.core.figure.NullReason;
import io.jouletrace.core.record.InvocationRecord;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The precedence: explicit → signal → record's zone/region → provider zone → deployment default → world fallback. */
class IntensityResolverTest {

  private static final Instant NOON = Instant.parse("2026-11-25T12:00:00Z");
  private final IntensityResolver resolver = Fixtures.intensities();

  private static InvocationRecord.Builder call() {
    return InvocationRecord.builder("openai", "gpt-4o", 100).timestamp(NOON);
  }

  @Test
  void an_explicit_value_beats_everything() {
    Intensity i = resolver.resolve(call().intensityGramsPerKwh(123.0).zone("FRA").build(), Fixtures.mixes(), "USA").intensity();
    assertThat(i.gramsPerKwh()).isEqualTo(123.0);
    assertThat(i.source()).isEqualTo("explicit");
    assertThat(i.band()).isEqualTo(AccuracyBand.ACCURATE);
    assertThat(i.zone()).isEqualTo("FRA");
  }

  @Test
  void a_signal_at_the_records_time_beats_the_annual_average() {
    IntensitySignal signal = (zone, time) -> zone.equals("FRA") && time.equals(NOON)
        ? Optional.of(new IntensitySignal.Reading(61.5, "test-series")) : Optional.empty();
    var withSignal = new IntensityResolver(Fixtures.grid(), signal, null);
    Intensity i = withSignal.resolve(call().zone("FRA").build(), Fixtures.mixes(), "USA").intensity();
    assertThat(i.gramsPerKwh()).isEqualTo(61.5);
    assertThat(i.source()).isEqualTo("signal: test-series");
    Intensity elsewhere = withSignal.resolve(call().zone("SWE").build(), Fixtures.mixes(), "USA").intensity();
    assertThat(elsewhere.source()).startsWith("zone-annual");
  }

  @Test
  void the_methodologys_own_mix_comes_before_jouletraces_grid_data() {
    Intensity i = resolver.resolve(call().zone("FRA").build(), Fixtures.mixes(), "USA").intensity();
    assertThat(i.gramsPerKwh()).isEqualTo(0.04418 * 1000);
    assertThat(i.source()).isEqualTo("zone-annual: test mix FRA");
    assertThat(resolver.resolve(call().zone("FRA").build(), null, null).intensity().gramsPerKwh()).isEqualTo(44.0);
  }

  @Test
  void a_zone_the_mix_lacks_falls_back_to_the_grid_data() {
    Intensity i = resolver.resolve(call().zone("zaf").build(), Fixtures.mixes(), "USA").intensity();
    assertThat(i.gramsPerKwh()).isEqualTo(708.0);
    assertThat(i.zone()).isEqualTo("ZAF");
  }

  @Test
  void cloud_regions_and_labels_resolve_with_their_country() {
    Intensity region = resolver.resolve(call().region("EU-NORTH-1").build(), Fixtures.mixes(), "USA").intensity();
    assertThat(region.gramsPerKwh()).isEqualTo(35.0);
    assertThat(region.country()).isEqualTo("SWE");
    Intensity label = resolver.resolve(call().region("eu-north").build(), null, null).intensity();
    // (10.5 x 36 + 5.5 x 30) / 16 = 33.9375
    assertThat(label.gramsPerKwh()).isEqualTo((10.5 * 36 + 5.5 * 30) / 16);
    assertThat(label.country()).isNull();
  }

  @Test
  void an_unknown_zone_named_on_the_record_gives_no_intensity_rather_than_a_default() {
    IntensityResolver.Result r = resolver.resolve(call().zone("XXX").build(), Fixtures.mixes(), "USA");
    assertThat(r.intensity()).isNull();
    assertThat(r.missing().code()).isEqualTo(NullReason.ZONE_NOT_REGISTERED);
    assertThat(resolver.resolve(call().region("mars-1").build(), null, null).missing().code()).isEqualTo(NullReason.ZONE_NOT_REGISTERED);
  }

  @Test
  void without_a_zone_the_provider_zone_then_the_deployment_default_then_the_world_apply() {
    assertThat(resolver.resolve(call().build(), Fixtures.mixes(), "USA").intensity().source()).isEqualTo("provider-zone: test mix USA");
    var deployed = new IntensityResolver(Fixtures.grid(), IntensitySignal.none(), new IntensityResolver.DeploymentDefault("eu-north-1", null));
    assertThat(deployed.resolve(call().build(), Fixtures.mixes(), "USA").intensity().source()).startsWith("provider-zone");
    Intensity deployment = deployed.resolve(call().build(), null, null).intensity();
    assertThat(deployment.source()).isEqualTo("deployment-default: region eu-north-1");
    assertThat(deployment.gramsPerKwh()).isEqualTo(35.0);
    Intensity fallback = resolver.resolve(call().build(), null, null).intensity();
    assertThat(fallback.source()).isEqualTo("fallback: grid WOR");
    assertThat(fallback.band()).isEqualTo(AccuracyBand.GROSS);
  }
}
