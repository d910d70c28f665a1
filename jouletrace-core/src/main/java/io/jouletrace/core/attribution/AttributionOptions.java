package io.jouletrace.core.attribution;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;

/**
 * How {@link Attributor} splits metered energy. Use {@link #defaults()} and the {@code with…} methods.
 *
 * @param idlePolicy who owns idle energy (declared on every span figure)
 * @param idleWatts configured idle power per resource, W; a resource absent here gets a learned baseline
 *     ({@link #idlePercentile} of the power of the intervals no span touches), or 0 when it has no such interval
 * @param pue scalar power usage effectiveness (≥ 1) applied to span energy for {@code facility_j}; null: no facility figure
 * @param modelledJoules the modelled-tier estimate of a whole span's energy (all its resources), used to fill the part
 *     of a span the meters did not cover; null, or a NaN/negative/infinite answer for a span: that span's gap is filled by
 *     extrapolating its covered part's average power instead
 * @param counterWraps per resource, how an energy counter wraps; a counter decrease without one is a reset
 * @param gapFactor an interval longer than {@code gapFactor ×} the series' median sample interval is a gap (default 3)
 * @param gaugeMaxGapSeconds for power gauges the gap threshold is never more than this (default 5 s)
 * @param maxGapFraction a span is {@code measured} only if at most this fraction of its time is uncovered (default 0.05)
 * @param idlePercentile the percentile (0..1) of untouched-interval power taken as the learned idle power (default 0.05)
 * @param clockSkewSeconds how far the spans' clock may be off the meters' (declared, ≥ 0; default 0): a span stays
 *     {@code measured} only if the skew is at most {@code maxGapFraction} of its duration, since that much of its
 *     window may be charged with another moment's power
 */
public record AttributionOptions(IdlePolicy idlePolicy, Map<String, Double> idleWatts, Double pue, ToDoubleFunction<RunSpan> modelledJoules,
    Map<String, CounterWrap> counterWraps, double gapFactor, double gaugeMaxGapSeconds, double maxGapFraction, double idlePercentile,
    double clockSkewSeconds) {

  /**
   * Kepler's wrap rule for a counter that can wrap (e.g. RAPL {@code max_energy_range_uj}): a decrease from {@code v0}
   * to {@code v1} over {@code Δt} is a wrap, with energy {@code rangeJ − v0 + v1}, when that energy over {@code Δt} is at
   * most {@code maxPowerW}; otherwise it is a reset.
   */
  public record CounterWrap(double rangeJ, double maxPowerW) {
    public CounterWrap {
      if (!(rangeJ > 0) || Double.isInfinite(rangeJ)) throw new IllegalArgumentException("counter wrap range must be finite and > 0, got " + rangeJ);
      if (!(maxPowerW > 0)) throw new IllegalArgumentException("counter wrap max power must be > 0, got " + maxPowerW);
    }
  }

  public AttributionOptions {
    Objects.requireNonNull(idlePolicy, "idlePolicy");
    idleWatts = idleWatts == null ? Map.of() : copySorted(idleWatts);
    for (Map.Entry<String, Double> e : idleWatts.entrySet()) {
      double w = Objects.requireNonNull(e.getValue(), "idle watts of " + e.getKey());
      if (!(w >= 0) || Double.isInfinite(w)) throw new IllegalArgumentException(e.getKey() + ": idle watts must be finite and >= 0, got " + w);
    }
    if (pue != null && (!(pue >= 1) || pue.isInfinite())) throw new IllegalArgumentException("PUE must be finite and >= 1, got " + pue);
    counterWraps = counterWraps == null ? Map.of() : copySorted(counterWraps);
    if (!(gapFactor >= 1) || Double.isInfinite(gapFactor)) throw new IllegalArgumentException("gap factor must be finite and >= 1, got " + gapFactor);
    if (!(gaugeMaxGapSeconds > 0)) throw new IllegalArgumentException("gauge max gap must be > 0 s, got " + gaugeMaxGapSeconds);
    if (!(maxGapFraction >= 0 && maxGapFraction <= 1)) throw new IllegalArgumentException("max gap fraction must lie in [0, 1], got " + maxGapFraction);
    if (!(idlePercentile >= 0 && idlePercentile <= 1)) throw new IllegalArgumentException("idle percentile must lie in [0, 1], got " + idlePercentile);
    if (!(clockSkewSeconds >= 0) || Double.isInfinite(clockSkewSeconds)) {
      throw new IllegalArgumentException("clock skew must be finite and >= 0 s, got " + clockSkewSeconds);
    }
  }

  private static <V> Map<String, V> copySorted(Map<String, V> map) {
    TreeMap<String, V> copy = new TreeMap<>();
    map.forEach((k, v) -> copy.put(Objects.requireNonNull(k, "resource"), Objects.requireNonNull(v, "value of " + k)));
    return java.util.Collections.unmodifiableSortedMap(copy);
  }

  /** idle_to_active, learned idle, no PUE, gaps filled by extrapolation, g_max = 3 × median (≤ 5 s for gauges), 5 %, p5. */
  public static AttributionOptions defaults() {
    return new AttributionOptions(IdlePolicy.IDLE_TO_ACTIVE, Map.of(), null, null, Map.of(), 3, 5, 0.05, 0.05, 0);
  }

  public AttributionOptions withIdlePolicy(IdlePolicy policy) {
    return new AttributionOptions(policy, idleWatts, pue, modelledJoules, counterWraps, gapFactor, gaugeMaxGapSeconds, maxGapFraction, idlePercentile, clockSkewSeconds);
  }

  public AttributionOptions withIdleWatts(Map<String, Double> watts) {
    return new AttributionOptions(idlePolicy, watts, pue, modelledJoules, counterWraps, gapFactor, gaugeMaxGapSeconds, maxGapFraction, idlePercentile, clockSkewSeconds);
  }

  public AttributionOptions withPue(Double value) {
    return new AttributionOptions(idlePolicy, idleWatts, value, modelledJoules, counterWraps, gapFactor, gaugeMaxGapSeconds, maxGapFraction, idlePercentile, clockSkewSeconds);
  }

  public AttributionOptions withModelledJoules(ToDoubleFunction<RunSpan> model) {
    return new AttributionOptions(idlePolicy, idleWatts, pue, model, counterWraps, gapFactor, gaugeMaxGapSeconds, maxGapFraction, idlePercentile, clockSkewSeconds);
  }

  public AttributionOptions withCounterWraps(Map<String, CounterWrap> wraps) {
    return new AttributionOptions(idlePolicy, idleWatts, pue, modelledJoules, wraps, gapFactor, gaugeMaxGapSeconds, maxGapFraction, idlePercentile, clockSkewSeconds);
  }

  public AttributionOptions withGapRule(double factor, double gaugeMaxSeconds) {
    return new AttributionOptions(idlePolicy, idleWatts, pue, modelledJoules, counterWraps, factor, gaugeMaxSeconds, maxGapFraction, idlePercentile, clockSkewSeconds);
  }

  public AttributionOptions withMaxGapFraction(double fraction) {
    return new AttributionOptions(idlePolicy, idleWatts, pue, modelledJoules, counterWraps, gapFactor, gaugeMaxGapSeconds, fraction, idlePercentile, clockSkewSeconds);
  }

  public AttributionOptions withClockSkew(double seconds) {
    return new AttributionOptions(idlePolicy, idleWatts, pue, modelledJoules, counterWraps, gapFactor, gaugeMaxGapSeconds, maxGapFraction,
        idlePercentile, seconds);
  }

  public AttributionOptions withIdlePercentile(double percentile) {
    return new AttributionOptions(idlePolicy, idleWatts, pue, modelledJoules, counterWraps, gapFactor, gaugeMaxGapSeconds, maxGapFraction, percentile, clockSkewSeconds);
  }
}
