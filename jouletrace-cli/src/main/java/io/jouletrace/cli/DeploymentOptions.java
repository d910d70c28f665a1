package io.jouletrace.cli;

import io.jouletrace.catalog.DeploymentSettings;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The deployment's intensity settings (docs/zones.md): shared by every command that figures calls. */
final class DeploymentOptions {

  @Option(names = "--default-zone", paramLabel = "ZONE",
      description = "Zone, region or custom region calls that name none are figured in, before a methodology's provider zone "
          + "(or env " + DeploymentSettings.DEFAULT_ZONE_ENV + ").")
  String defaultZone;

  @Option(names = "--default-intensity", paramLabel = "G_PER_KWH",
      description = "Intensity (gCO2e/kWh) for calls that name no zone, in place of --default-zone's (or env "
          + DeploymentSettings.DEFAULT_INTENSITY_ENV + ").")
  Double defaultIntensity;

  @Option(names = "--intensity-config", paramLabel = "FILE",
      description = "JSON file with the default, custom regions and the fallback, re-read when it changes (or env "
          + DeploymentSettings.CONFIG_ENV + ").")
  Path config;

  DeploymentSettings settings() {
    return DeploymentSettings.of(defaultZone, defaultIntensity, config, System.getenv());
  }
}
