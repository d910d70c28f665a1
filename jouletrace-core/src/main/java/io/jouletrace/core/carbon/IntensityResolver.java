package io.jouletrace.core.carbon;

import io.jouletrace.core.carbon.AnnualIntensities.AnnualIntensity;
import io.jouletrace.core.figure.AccuracyBand;
import io.jouletrace.core.figure.NullReason;
import io.jouletrace.core.record.InvocationRecord;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Chooses the grid intensity for a call, in this precedence (see {@link IntensitySource}): an
 * explicit value on the record; a signal for the record's zone at its time; the annual average of
 * the zone or region on the record; the zone the methodology places the provider in; the
 * deployment's configured default; the world average as a declared fallback.
 *
 * <p>A zone named on the record that no table knows gives no intensity at all (null carbon with
 * {@code zone-not-registered}) rather than silently falling through to a default: the record said
 * where it ran, and we do not know that place.
 */
public final class IntensityResolver {

  private final GridCatalog grid;
  private final IntensitySignal signal;
  private final DeploymentDefault deploymentDefault;

  public IntensityResolver(GridCatalog grid, IntensitySignal signal, DeploymentDefault deploymentDefault) {
    this.grid = Objects.requireNonNull(grid, "grid");
    this.signal = Objects.requireNonNull(signal, "signal");
    this.deploymentDefault = deploymentDefault;
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
    if (record.intensityGramsPerKwh() != null) {
      String zone = record.zone() != null ? record.zone() : record.region();
      return Result.found(new Intensity(record.intensityGramsPerKwh(), IntensitySource.EXPLICIT.code(), zone,
          zone == null ? null : countryOf(zone), AccuracyBand.ACCURATE));
    }
    if (record.zone() != null) {
      return zone(record.zone(), time, mixes, IntensitySource.ZONE_ANNUAL)
          .orElseGet(() -> Result.missing(NullReason.zoneNotRegistered(record.zone())));
    }
    if (record.region() != null) {
      return region(record.region(), time, IntensitySource.ZONE_ANNUAL)
          .orElseGet(() -> Result.missing(NullReason.zoneNotRegistered(record.region())));
    }
    if (providerZone != null) {
      Optional<Result> provider = zone(providerZone, time, mixes, IntensitySource.PROVIDER_ZONE);
      if (provider.isPresent()) return provider.get();
    }
    if (deploymentDefault != null) {
      return deploymentDefault(time, mixes);
    }
    return zone(GridCatalog.WORLD, time, mixes, IntensitySource.FALLBACK)
        .map(r -> Result.found(withBand(r.intensity(), AccuracyBand.GROSS)))
        .orElseThrow(() -> new IllegalStateException("grid data has no world average (" + GridCatalog.WORLD + ")"));
  }

  private Result deploymentDefault(Instant time, AnnualIntensities mixes) {
    if (deploymentDefault.gramsPerKwh() != null) {
      return Result.found(new Intensity(deploymentDefault.gramsPerKwh(), IntensitySource.DEPLOYMENT_DEFAULT.code(),
          deploymentDefault.zone(), deploymentDefault.zone() == null ? null : countryOf(deploymentDefault.zone()),
          AccuracyBand.MEDIUM));
    }
    String configured = deploymentDefault.zone();
    return zone(configured, time, mixes, IntensitySource.DEPLOYMENT_DEFAULT)
        .or(() -> region(configured, time, IntensitySource.DEPLOYMENT_DEFAULT))
        .orElseThrow(() -> new IllegalStateException("configured default zone " + configured + " is not a known zone or region"));
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

  private String countryOf(String zoneOrRegion) {
    String zone = GridCatalog.normaliseZone(zoneOrRegion);
    if (grid.annual(zone).isPresent()) return zone;
    return grid.region(zoneOrRegion).map(GridCatalog.RegionIntensity::country).orElse(null);
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
