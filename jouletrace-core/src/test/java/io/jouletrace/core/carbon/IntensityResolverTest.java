package io.jouletrace.core.carbon;

import static org.assertj.core.api.Assertions.assertThat;

import io.jouletrace.core.Fixtures;
import io.jouletrace.core.figure.AccuracyBand;
import io.jouletrace.core.figure.NullReason;
import io.jouletrace.core.record.InvocationRecord;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The precedence: explicit → signal → record's zone/region (or custom region) → deployment default → provider zone → fallback. */
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
  void without_a_zone_the_deployment_default_then_the_provider_zone_then_the_world_apply() {
    assertThat(resolver.resolve(call().build(), Fixtures.mixes(), "USA").intensity().source()).isEqualTo("provider-zone: test mix USA");
    var deployed = new IntensityResolver(Fixtures.grid(), IntensitySignal.none(),
        IntensityResolver.Deployment.of(new IntensityResolver.DeploymentDefault("eu-north-1", null)));
    Intensity deployment = deployed.resolve(call().build(), Fixtures.mixes(), "USA").intensity();
    assertThat(deployment.source()).as("the operator's setting beats the methodology's provider zone")
        .isEqualTo("deployment-default: region eu-north-1");
    assertThat(deployment.gramsPerKwh()).isEqualTo(35.0);
    assertThat(deployed.resolve(call().zone("FRA").build(), Fixtures.mixes(), "USA").intensity().source()).startsWith("zone-annual");
    Intensity fallback = resolver.resolve(call().build(), null, null).intensity();
    assertThat(fallback.source()).isEqualTo("fallback: grid WOR");
    assertThat(fallback.gramsPerKwh()).isEqualTo(473.0);
    assertThat(fallback.band()).isEqualTo(AccuracyBand.GROSS);
  }

  @Test
  void a_configured_intensity_and_a_configured_fallback_are_used_as_given() {
    var byValue = new IntensityResolver(Fixtures.grid(), IntensitySignal.none(),
        IntensityResolver.Deployment.of(new IntensityResolver.DeploymentDefault(null, 56.0)));
    Intensity i = byValue.resolve(call().build(), Fixtures.mixes(), "USA").intensity();
    assertThat(i.gramsPerKwh()).isEqualTo(56.0);
    assertThat(i.source()).isEqualTo("deployment-default: configured 56.0 g/kWh");
    assertThat(i.band()).isEqualTo(AccuracyBand.MEDIUM);
    var eGrid = new IntensityResolver(Fixtures.grid(), IntensitySignal.none(),
        () -> new IntensityResolver.Deployment(null, List.of(), new IntensityResolver.DeploymentDefault(null, 402.0)));
    Intensity fallback = eGrid.resolve(call().build(), null, null).intensity();
    assertThat(fallback.gramsPerKwh()).isEqualTo(402.0);
    assertThat(fallback.source()).isEqualTo("fallback: configured 402.0 g/kWh");
    assertThat(fallback.band()).isEqualTo(AccuracyBand.GROSS);
  }

  @Test
  void custom_regions_resolve_to_their_value_or_the_weighted_mean_of_their_members_and_unknown_stays_null() {
    var custom = new IntensityResolver.Deployment(null, List.of(
        new IntensityResolver.CustomRegion("my-region", 120.0, null, "test config"),
        new IntensityResolver.CustomRegion("my-mix", null, List.of(new GridCatalog.Member("FRA", 3), new GridCatalog.Member("eu-north-1", 1)),
            "test config")), null);
    var configured = new IntensityResolver(Fixtures.grid(), IntensitySignal.none(), () -> custom);
    configured.check(custom);
    Intensity fixed = configured.resolve(call().region("MY-REGION").build(), null, null).intensity();
    assertThat(fixed.gramsPerKwh()).isEqualTo(120.0);
    assertThat(fixed.source()).isEqualTo("zone-annual: custom region my-region 120.0 g/kWh (test config)");
    Intensity mix = configured.resolve(call().zone("my-mix").build(), null, null).intensity();
    assertThat(mix.gramsPerKwh()).isEqualTo((3 * 44.0 + 35.0) / 4);
    assertThat(configured.resolve(call().region("elsewhere").build(), null, null).missing().code())
        .isEqualTo(NullReason.ZONE_NOT_REGISTERED);
  }

  @Test
  void a_custom_region_may_not_shadow_a_built_in_one_nor_name_unknown_members() {
    var shadowing = new IntensityResolver.Deployment(null, List.of(new IntensityResolver.CustomRegion("fra", 1.0, null, "c")), null);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> resolver.check(shadowing)).hasMessageContaining("`fra` is already a built-in");
    var unknownMember = new IntensityResolver.Deployment(null,
        List.of(new IntensityResolver.CustomRegion("x", null, List.of(new GridCatalog.Member("mars-1", 1)), "c")), null);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> resolver.check(unknownMember)).hasMessageContaining("mars-1");
  }
}
