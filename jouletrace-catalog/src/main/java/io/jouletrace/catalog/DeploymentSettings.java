package io.jouletrace.catalog;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jouletrace.core.carbon.GridCatalog;
import io.jouletrace.core.carbon.IntensityResolver;
import io.jouletrace.core.carbon.IntensityResolver.CustomRegion;
import io.jouletrace.core.carbon.IntensityResolver.Deployment;
import io.jouletrace.core.carbon.IntensityResolver.DeploymentDefault;
import io.jouletrace.core.carbon.IntensitySignal;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A deployment's intensity settings (docs/zones.md, "Deployment settings"): its default zone or intensity, its
 * custom regions and its fallback, from command-line flags, environment variables and a JSON configuration file.
 * For the default the first of flags, environment, file that sets one wins. The file is re-read when it changes
 * (its modification time or size), so an edit takes effect without a restart; an edit that does not parse keeps
 * the settings in force and is reported once on stderr.
 *
 * <pre>{@code
 * {"default_zone": "FRA",              // or "default_intensity": 56.0 (g/kWh)
 *  "fallback_intensity": 402.0,        // or "fallback_zone": "USA"; else the world average
 *  "regions": {"my-region": 120.0,     // a fixed g/kWh, or member zones/regions with weights
 *              "my-mix": {"FRA": 0.7, "eu-central-1": 0.3}}}
 * }</pre>
 */
public final class DeploymentSettings implements Supplier<Deployment> {

  public static final String DEFAULT_ZONE_ENV = "JOULETRACE_DEFAULT_ZONE";
  public static final String DEFAULT_INTENSITY_ENV = "JOULETRACE_DEFAULT_INTENSITY";
  public static final String CONFIG_ENV = "JOULETRACE_INTENSITY_CONFIG";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final DeploymentDefault fixedDefault;
  private final Path file;
  private final IntensityResolver checker = new IntensityResolver(GridData.bundled(), IntensitySignal.none(), null);
  private volatile Loaded loaded;

  /** The settings read from the file and the file's modification time and size then; both null/-1 when unreadable. */
  private record Loaded(FileTime modified, long size, Deployment deployment) {}

  private DeploymentSettings(DeploymentDefault fixedDefault, Path file) {
    this.fixedDefault = fixedDefault;
    this.file = file;
    this.loaded = file == null ? new Loaded(null, -1, checked(new Deployment(fixedDefault, List.of(), null))) : read();
  }

  /**
   * @param defaultZone {@code --default-zone}, or {@code null}
   * @param defaultIntensity {@code --default-intensity} (g/kWh), or {@code null}
   * @param configFile {@code --intensity-config}, or {@code null}
   * @param env the environment ({@link #DEFAULT_ZONE_ENV}, {@link #DEFAULT_INTENSITY_ENV}, {@link #CONFIG_ENV})
   */
  public static DeploymentSettings of(String defaultZone, Double defaultIntensity, Path configFile, Map<String, String> env) {
    DeploymentDefault configured = deploymentDefault(defaultZone, defaultIntensity, "--default-intensity");
    if (configured == null) {
      String envIntensity = blankToNull(env.get(DEFAULT_INTENSITY_ENV));
      Double intensity;
      try {
        intensity = envIntensity == null ? null : Double.valueOf(envIntensity);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(DEFAULT_INTENSITY_ENV + ": expected g/kWh, got `" + envIntensity + "`");
      }
      configured = deploymentDefault(blankToNull(env.get(DEFAULT_ZONE_ENV)), intensity, DEFAULT_INTENSITY_ENV);
    }
    String envFile = blankToNull(env.get(CONFIG_ENV));
    Path file = configFile != null ? configFile : envFile == null ? null : Path.of(envFile);
    return new DeploymentSettings(configured, file);
  }

  /** Settings from the environment alone. */
  public static DeploymentSettings fromEnvironment() {
    return of(null, null, null, System.getenv());
  }

  @Override
  public Deployment get() {
    if (file == null) return loaded.deployment();
    Loaded current = loaded;
    try {
      BasicFileAttributes now = Files.readAttributes(file, BasicFileAttributes.class);
      if (now.lastModifiedTime().equals(current.modified()) && now.size() == current.size()) return current.deployment();
      synchronized (this) {
        if (loaded == current) loaded = read();
      }
    } catch (IOException | IllegalArgumentException e) {
      synchronized (this) {
        if (loaded == current) {
          System.err.println("jouletrace: " + e.getMessage() + "; keeping the intensity settings in force");
          BasicFileAttributes now = attributesOrNull();
          loaded = new Loaded(now == null ? null : now.lastModifiedTime(), now == null ? -1 : now.size(), current.deployment());
        }
      }
    }
    return loaded.deployment();
  }

  private Loaded read() {
    try {
      BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
      return new Loaded(attributes.lastModifiedTime(), attributes.size(), checked(parse(JSON.readTree(file.toFile()))));
    } catch (JacksonException e) {
      String line = e.getLocation() == null ? "" : ": line " + e.getLocation().getLineNr();
      throw new IllegalArgumentException(file + line + ": malformed JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read intensity configuration " + file + ": " + e.getMessage(), e);
    }
  }

  private Deployment checked(Deployment deployment) {
    try {
      checker.check(deployment);
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new IllegalArgumentException((file == null ? "" : file + ": ") + e.getMessage(), e);
    }
    return deployment;
  }

  private Deployment parse(JsonNode root) {
    if (!root.isObject()) throw error("(top level)", "expected a JSON object");
    for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!List.of("default_zone", "default_intensity", "fallback_zone", "fallback_intensity", "regions").contains(name)) {
        throw error(name, "unknown field");
      }
    }
    DeploymentDefault fromFile = deploymentDefault(text(root, "default_zone"), number(root, "default_intensity"),
        file + ": field 'default_intensity'");
    DeploymentDefault fallback = deploymentDefault(text(root, "fallback_zone"), number(root, "fallback_intensity"),
        file + ": field 'fallback_intensity'");
    List<CustomRegion> regions = new ArrayList<>();
    JsonNode regionNodes = root.path("regions");
    if (!regionNodes.isMissingNode() && !regionNodes.isObject()) throw error("regions", "expected an object of region → g/kWh or members");
    for (Map.Entry<String, JsonNode> region : regionNodes.properties()) {
      String where = "regions." + region.getKey();
      JsonNode value = region.getValue();
      String origin = "intensity configuration " + file.getFileName();
      try {
        if (value.isNumber()) {
          regions.add(new CustomRegion(region.getKey(), value.doubleValue(), null, origin));
        } else if (value.isObject() && !value.isEmpty()) {
          List<GridCatalog.Member> members = new ArrayList<>();
          for (Map.Entry<String, JsonNode> member : value.properties()) {
            if (!member.getValue().isNumber()) throw error(where + "." + member.getKey(), "expected a weight");
            members.add(new GridCatalog.Member(member.getKey(), member.getValue().doubleValue()));
          }
          regions.add(new CustomRegion(region.getKey(), null, members, origin));
        } else {
          throw error(where, "expected g/kWh or an object of member zone → weight");
        }
      } catch (IllegalArgumentException e) {
        throw e.getMessage().startsWith(file.toString()) ? e : error(where, e.getMessage());
      }
    }
    return new Deployment(fixedDefault != null ? fixedDefault : fromFile, regions, fallback);
  }

  private String text(JsonNode root, String field) {
    JsonNode node = root.get(field);
    if (node == null || node.isNull()) return null;
    if (!node.isTextual() || node.asText().isBlank()) throw error(field, "expected a zone, region or custom region");
    return node.asText();
  }

  private Double number(JsonNode root, String field) {
    JsonNode node = root.get(field);
    if (node == null || node.isNull()) return null;
    if (!node.isNumber()) throw error(field, "expected g/kWh");
    return node.doubleValue();
  }

  private IllegalArgumentException error(String field, String message) {
    return new IllegalArgumentException(file + ": field '" + field + "': " + message);
  }

  private static DeploymentDefault deploymentDefault(String zone, Double gramsPerKwh, String intensityName) {
    if (zone == null && gramsPerKwh == null) return null;
    if (gramsPerKwh != null && !(gramsPerKwh >= 0 && Double.isFinite(gramsPerKwh))) {
      throw new IllegalArgumentException(intensityName + ": must be a finite number >= 0, got " + gramsPerKwh);
    }
    return new DeploymentDefault(zone, gramsPerKwh);
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.strip();
  }

  private BasicFileAttributes attributesOrNull() {
    try {
      return Files.readAttributes(file, BasicFileAttributes.class);
    } catch (IOException e) {
      return null;
    }
  }
}
