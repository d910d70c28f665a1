package io.jouletrace.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jouletrace.core.carbon.IntensityResolver.Deployment;
import io.jouletrace.core.carbon.IntensityResolver.DeploymentDefault;
import io.jouletrace.core.methodology.Estimator;
import io.jouletrace.core.record.InvocationRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeploymentSettingsTest {

  @TempDir
  Path dir;

  @Test
  void flags_beat_the_environment_which_beats_the_file() throws Exception {
    Path file = Files.writeString(dir.resolve("c.json"), "{\"default_zone\": \"DEU\"}");
    Map<String, String> env = Map.of(DeploymentSettings.DEFAULT_INTENSITY_ENV, "80", DeploymentSettings.CONFIG_ENV, file.toString());
    assertThat(DeploymentSettings.of("FRA", null, null, env).get().deploymentDefault()).isEqualTo(new DeploymentDefault("FRA", null));
    assertThat(DeploymentSettings.of(null, null, null, env).get().deploymentDefault()).isEqualTo(new DeploymentDefault(null, 80.0));
    assertThat(DeploymentSettings.of(null, null, null, Map.of(DeploymentSettings.CONFIG_ENV, file.toString())).get().deploymentDefault())
        .isEqualTo(new DeploymentDefault("DEU", null));
    assertThat(DeploymentSettings.of(null, null, null, Map.of()).get().fallback()).isEqualTo(Deployment.WORLD_FALLBACK);
  }

  @Test
  void an_edited_file_takes_effect_without_a_restart_and_a_broken_edit_keeps_the_settings_in_force() throws Exception {
    Path file = Files.writeString(dir.resolve("c.json"), "{\"regions\": {\"plant\": 120}, \"default_zone\": \"plant\"}");
    DeploymentSettings settings = DeploymentSettings.of(null, null, file, Map.of());
    Estimator estimator = Catalog.estimator(new Catalog.Options(null, null, settings, null));
    InvocationRecord call = InvocationRecord.builder("openai", "gpt-4o", 300).timestamp(Instant.parse("2026-11-02T10:00:00Z")).build();
    assertThat(estimator.estimate(call, Catalog.DEFAULT_METHODOLOGY).intensity().gramsPerKwh()).isEqualTo(120.0);

    Files.writeString(file, "{\"regions\": {\"plant\": 95.5}, \"default_zone\": \"plant\", \"fallback_intensity\": 402}");
    Files.setLastModifiedTime(file, FileTime.fromMillis(Files.getLastModifiedTime(file).toMillis() + 2000));
    assertThat(estimator.estimate(call, Catalog.DEFAULT_METHODOLOGY).intensity().gramsPerKwh()).isEqualTo(95.5);
    assertThat(settings.get().fallback()).isEqualTo(new DeploymentDefault(null, 402.0));

    Files.writeString(file, "{\"regions\": {\"plant\": \"lots\"}}");
    Files.setLastModifiedTime(file, FileTime.fromMillis(Files.getLastModifiedTime(file).toMillis() + 4000));
    assertThat(estimator.estimate(call, Catalog.DEFAULT_METHODOLOGY).intensity().gramsPerKwh()).isEqualTo(95.5);
  }

  @Test
  void a_bad_file_names_the_file_and_the_field() throws Exception {
    Path file = Files.writeString(dir.resolve("c.json"), "{\"regions\": {\"mine\": {\"FRA\": \"half\"}}}");
    assertThatThrownBy(() -> DeploymentSettings.of(null, null, file, Map.of()))
        .hasMessage(file + ": field 'regions.mine.FRA': expected a weight");
    Files.writeString(file, "{\"default_zone\": \"atlantis\"}");
    assertThatThrownBy(() -> DeploymentSettings.of(null, null, file, Map.of())).hasMessageContaining("`atlantis` is not a known zone");
    Files.writeString(file, "{\"regions\": {\"usa\": 10}}");
    assertThatThrownBy(() -> DeploymentSettings.of(null, null, file, Map.of())).hasMessageContaining("`usa` is already a built-in");
    assertThatThrownBy(() -> DeploymentSettings.of(null, null, null, Map.of(DeploymentSettings.DEFAULT_INTENSITY_ENV, "lots")))
        .hasMessageContaining(DeploymentSettings.DEFAULT_INTENSITY_ENV);
  }
}
