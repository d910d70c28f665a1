package io.jouletrace.core.methodology.ecologits;

import io.jouletrace.core.figure.Range;
import java.util.Objects;

/**
 * Where a provider serves from, as EcoLogits models it ({@code PROVIDER_CONFIG_MAP}): the default
 * electricity-mix zone, the PUE and the on-site water usage effectiveness (L/kWh).
 */
public record Datacenter(String zone, Range pue, Range wueOnSiteLitresPerKwh) {
  public Datacenter {
    Objects.requireNonNull(zone, "zone");
    Objects.requireNonNull(pue, "pue");
    Objects.requireNonNull(wueOnSiteLitresPerKwh, "wueOnSiteLitresPerKwh");
  }

  static Datacenter of(String zone, double pue, double wue) {
    return new Datacenter(zone, Range.exactly(pue), Range.exactly(wue));
  }
}
