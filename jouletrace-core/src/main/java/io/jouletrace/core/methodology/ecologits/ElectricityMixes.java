package io.jouletrace.core.methodology.ecologits;

import io.jouletrace.core.carbon.AnnualIntensities;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One EcoLogits release's {@code electricity_mixes.csv}: impact factors per kWh for each zone. Its
 * lookup is exact and case-sensitive in EcoLogits; jouletrace matches zones ignoring case (callers
 * normalise before asking).
 */
public final class ElectricityMixes implements AnnualIntensities {

  private final String source;
  private final Map<String, Mix> byZone;

  /** @param source what every intensity from this table says it came from */
  public ElectricityMixes(String source, List<Mix> mixes) {
    this.source = source;
    var map = new HashMap<String, Mix>();
    for (Mix mix : mixes) {
      if (map.putIfAbsent(mix.zone(), mix) != null) throw new IllegalArgumentException("duplicate zone " + mix.zone());
    }
    this.byZone = Map.copyOf(map);
  }

  public Optional<Mix> mix(String zone) {
    return Optional.ofNullable(byZone.get(zone));
  }

  @Override
  public Optional<AnnualIntensity> annual(String zone) {
    Mix mix = byZone.get(zone);
    return mix == null ? Optional.empty() : Optional.of(new AnnualIntensity(zone, mix.gwpKgPerKwh() * 1000, source + " " + zone));
  }

  /**
   * Factors of one zone: GWP kgCO2eq/kWh, ADPe kgSbeq/kWh, PE MJ/kWh and off-site WUE L/kWh (NaN
   * where the release has no water column).
   */
  public record Mix(String zone, double gwpKgPerKwh, double adpeKgSbPerKwh, double peMjPerKwh, double wueLitresPerKwh) {}
}
