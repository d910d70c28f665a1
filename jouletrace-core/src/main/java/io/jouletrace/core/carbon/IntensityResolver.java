package io.jouletrace.core.carbon;

import io.jouletrace.core.carbon.AnnualIntensities.AnnualIntensity;
import io.jouletrace.core.carbon.GridCatalog.RegionIntensity;
import io.jouletrace.core.figure.AccuracyBand;
import io.jouletrace.core.figure.NullReason;
import io.jouletrace.core.record.InvocationRecord;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Chooses the grid intensity for a call, in this precedence (see {@link IntensitySource}): an
 * explicit value on the record; a signal for the record's zone at its time; the annual average of
 * the zone or region on the record (built in, or a custom region of the deployment); the deployment's
 * configured default; the zone the methodology places the provider in; the fallback (the world
 * average unless the deployment configures another).
 *
 * <p>The deployment's settings are read through a supplier on every call, so a configuration that
 * changes while the process runs takes effect at once. The configured default comes before the
 * provider zone because it is what the operator knows about where its calls run, where the provider
 * zone is a methodology's assumption for every customer; with nothing configured the provider zone
 * applies as before, so a methodology's reference figures stay exact.
 *
 * <p>A zone named on the record that no table knows gives no intensity at all (null carbon with
 * {@code zone-not-registered}) rather than silently falling through to a default: the record said
 * where it ran, and we do not know that place.
 */
public final class IntensityResolver {

  private final GridCatalog grid;
  private final IntensitySignal signal;
  private final Supplier<Deployment> deployment;

  /** @param deployment the deployment's current settings, asked once per call; {@code null} for none */
  public IntensityResolver(GridCatalog grid, IntensitySignal signal, Supplier<Deployment> deployment) {
    this.grid = Objects.requireNonNull(grid, "grid");
    this.signal = Objects.requireNonNull(signal, "signal");
    this.deployment = deployment == null ? Deployment.of(null) : deployment;
  }

  public GridCatalog grid() {
    return grid;
  }

  /**
   * @param mixes the methodology's own annual table, consulted before jouletrace's grid data so that
   *     its figures reproduce the methodology's; {@code null} if it has none
   * @param providerZone the zone the methodology places the provider in, or {@code null}
   */
  public Result resolve(InvocationRecord record, AnnualIntensities mixes, String providerZone) {
    Instant time = record.timestamp();
    Deployment settings = deployment.get();
    if (record.intensityGramsPerKwh() != null) {
      String zone = record.zone() != null ? record.zone() : record.region();
      return Result.found(new Intensity(record.intensityGramsPerKwh(), IntensitySource.EXPLICIT.code(), zone,
          zone == null ? null : countryOf(zone, settings), AccuracyBand.ACCURATE));
    }
    if (record.zone() != null) {
      return zone(record.zone(), time, mixes, IntensitySource.ZONE_ANNUAL)
          .or(() -> custom(settings, record.zone(), IntensitySource.ZONE_ANNUAL))
          .orElseGet(() -> Result.missing(NullReason.zoneNotRegistered(record.zone())));
    }
    if (record.region() != null) {
      return region(record.region(), time, IntensitySource.ZONE_ANNUAL)
          .or(() -> custom(settings, record.region(), IntensitySource.ZONE_ANNUAL))
          .orElseGet(() -> Result.missing(NullReason.zoneNotRegistered(record.region())));
    }
    if (settings.deploymentDefault() != null) {
      return setting(settings.deploymentDefault(), settings, time, mixes, IntensitySource.DEPLOYMENT_DEFAULT);
    }
    if (providerZone != null) {
      Optional<Result> provider = zone(providerZone, time, mixes, IntensitySource.PROVIDER_ZONE);
      if (provider.isPresent()) return provider.get();
    }
    Result fallback = setting(settings.fallback(), settings, time, mixes, IntensitySource.FALLBACK);
    return Result.found(withBand(fallback.intensity(), AccuracyBand.GROSS));
  }

  /** A configured default or fallback: a fixed value, or a zone, cloud region, label or custom region. */
  private Result setting(DeploymentDefault configured, Deployment settings, Instant time, AnnualIntensities mixes,
      IntensitySource step) {
    if (configured.gramsPerKwh() != null) {
      return Result.found(new Intensity(configured.gramsPerKwh(), step.code() + ": configured " + configured.gramsPerKwh()
          + " g/kWh" + (configured.zone() == null ? "" : " for " + configured.zone()), configured.zone(),
          configured.zone() == null ? null : countryOf(configured.zone(), settings), AccuracyBand.MEDIUM));
    }
    String zone = configured.zone();
    return zone(zone, time, mixes, step)
        .or(() -> region(zone, time, step))
        .or(() -> custom(settings, zone, step))
        .orElseThrow(() -> new IllegalStateException("configured " + step.code() + " " + zone + " is not a known zone or region"));
  }

  private Optional<Result> custom(Deployment settings, String name, IntensitySource step) {
    return settings.region(name).map(c -> {
      RegionIntensity resolved = resolveCustom(c);
      return Result.found(new Intensity(resolved.gramsPerKwh(), step.code() + ": " + resolved.source(), c.name(),
          resolved.country(), AccuracyBand.MEDIUM));
    });
  }

  private RegionIntensity resolveCustom(CustomRegion custom) {
    if (custom.gramsPerKwh() != null) {
      return new RegionIntensity(custom.name(), custom.gramsPerKwh(), null,
          "custom region " + custom.name() + " " + custom.gramsPerKwh() + " g/kWh (" + custom.origin() + ")");
    }
    RegionIntensity mean = grid.resolve(new GridCatalog.Label(custom.name(), custom.members(), custom.origin()));
    return new RegionIntensity(custom.name(), mean.gramsPerKwh(), mean.country(),
        "custom region " + custom.name() + " (" + custom.origin() + ")");
  }

  /**
   * Checks that no custom region shadows a built-in one, that their members and the configured default and fallback
   * are known, so a bad configuration fails when it is loaded rather than on a call.
   */
  public void check(Deployment settings) {
    settings.regions().forEach(c -> {
      if (known(c.name())) throw new IllegalArgumentException("custom region `" + c.name() + "` is already a built-in zone or region");
      resolveCustom(c);
    });
    for (DeploymentDefault configured : Arrays.asList(settings.deploymentDefault(), settings.fallback())) {
      if (configured != null && configured.gramsPerKwh() == null && !known(configured.zone())
          && settings.region(configured.zone()).isEmpty()) {
        throw new IllegalArgumentException("`" + configured.zone() + "` is not a known zone, region or custom region");
      }
    }
  }

  private boolean known(String zoneOrRegion) {
    return grid.annual(GridCatalog.normaliseZone(zoneOrRegion)).isPresent() || grid.region(zoneOrRegion).isPresent();
  }

  private Optional<Result> zone(String rawZone, Instant time, AnnualIntensities mixes, IntensitySource step) {
    String zone = GridCatalog.normaliseZone(rawZone);
    Optional<Result> signalled = signalled(zone, zone, time);
    if (signalled.isPresent()) return signalled;
    Optional<AnnualIntensity> own = mixes == null ? Optional.empty() : mixes.annual(zone);
    Optional<AnnualIntensity> annual = own.or(() -> grid.annual(zone));
    return annual.map(a -> Result.found(
        new Intensity(a.gramsPerKwh(), step.code() + ": " + a.source(), zone, zone, AccuracyBand.MEDIUM)));
  }

  private Optional<Result> region(String regionOrLabel, Instant time, IntensitySource step) {
    return grid.region(regionOrLabel).map(r -> signalled(r.name(), r.country(), time).orElseGet(() -> Result.found(
        new Intensity(r.gramsPerKwh(), step.code() + ": " + r.source(), r.name(), r.country(), AccuracyBand.MEDIUM))));
  }

  private Optional<Result> signalled(String zone, String country, Instant time) {
    if (time == null) return Optional.empty();
    return signal.at(zone, time).map(reading -> Result.found(new Intensity(reading.gramsPerKwh(),
        IntensitySource.SIGNAL.code() + ": " + reading.series(), zone, country, AccuracyBand.ACCURATE)));
  }

  private String countryOf(String zoneOrRegion, Deployment settings) {
    String zone = GridCatalog.normaliseZone(zoneOrRegion);
    if (grid.annual(zone).isPresent()) return zone;
    return grid.region(zoneOrRegion).map(RegionIntensity::country)
        .or(() -> settings.region(zoneOrRegion).map(c -> resolveCustom(c).country())).orElse(null);
  }

  private static Intensity withBand(Intensity i, AccuracyBand band) {
    return new Intensity(i.gramsPerKwh(), i.source(), i.zone(), i.country(), band);
  }

  /** A zone or a fixed intensity the deployment runs in when records say nothing. */
  public record DeploymentDefault(String zone, Double gramsPerKwh) {
    public DeploymentDefault {
      if (zone == null && gramsPerKwh == null) {
        throw new IllegalArgumentException("a deployment default needs a zone or an intensity");
      }
    }
  }

  /**
   * A region the deployment defines: a fixed intensity, or the weighted mean of built-in zones and regions.
   *
   * @param origin where it was defined (the configuration file), named in the intensity's source
   */
  public record CustomRegion(String name, Double gramsPerKwh, List<GridCatalog.Member> members, String origin) {
    public CustomRegion {
      Objects.requireNonNull(name, "name");
      if ((gramsPerKwh == null) == (members == null || members.isEmpty())) {
        throw new IllegalArgumentException("custom region " + name + " needs either an intensity or member zones, not both");
      }
      if (gramsPerKwh != null && !(gramsPerKwh >= 0 && Double.isFinite(gramsPerKwh))) {
        throw new IllegalArgumentException("custom region " + name + ": intensity must be finite and >= 0, got " + gramsPerKwh);
      }
      members = members == null ? List.of() : List.copyOf(members);
    }
  }

  /**
   * What a deployment configures: its default (or {@code null}), its custom regions, and the fallback used when
   * nothing else applies.
   */
  public record Deployment(DeploymentDefault deploymentDefault, List<CustomRegion> regions, DeploymentDefault fallback) {
    /** The world average: OWID/Ember's annual figure for the whole world, jouletrace's fallback unless configured. */
    public static final DeploymentDefault WORLD_FALLBACK = new DeploymentDefault(GridCatalog.WORLD, null);

    public Deployment {
      regions = List.copyOf(regions);
      fallback = fallback == null ? WORLD_FALLBACK : fallback;
    }

    /** Only a default (or nothing), no custom regions, the world fallback. */
    public static Supplier<Deployment> of(DeploymentDefault deploymentDefault) {
      Deployment fixed = new Deployment(deploymentDefault, List.of(), null);
      return () -> fixed;
    }

    Optional<CustomRegion> region(String name) {
      String key = GridCatalog.normaliseZone(name);
      return regions.stream().filter(c -> GridCatalog.normaliseZone(c.name()).equals(key)).findFirst();
    }
  }

  /** Either an intensity or the reason there is none. */
  public record Result(Intensity intensity, NullReason missing) {
    static Result found(Intensity intensity) {
      return new Result(intensity, null);
    }

    static Result missing(NullReason reason) {
      return new Result(null, reason);
    }
  }
}
