package io.jouletrace.core.carbon;

/**
 * The precedence of intensity sources, strongest first. Each resolved intensity records which step
 * supplied it, as the prefix of {@code intensity_source}.
 */
public enum IntensitySource {
  /** A value carried on the record itself. */
  EXPLICIT("explicit"),
  /** A time series for the zone at the record's time (grid signals arrive through {@link IntensitySignal}). */
  SIGNAL("signal"),
  /** The annual average of the zone or region named on the record. */
  ZONE_ANNUAL("zone-annual"),
  /** The zone or intensity the deployment was configured with. */
  DEPLOYMENT_DEFAULT("deployment-default"),
  /** The annual average of the zone the methodology places the provider in (EcoLogits' provider location). */
  PROVIDER_ZONE("provider-zone"),
  /** The fallback: the world average unless the deployment configures another. */
  FALLBACK("fallback");

  private final String code;

  IntensitySource(String code) {
    this.code = code;
  }

  public String code() {
    return code;
  }
}
