package io.jouletrace.core.attribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.jouletrace.core.attribution.Attribution.SpanEnergy;
import io.jouletrace.core.figure.NullReason;
import io.jouletrace.core.figure.Tier;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class AttributorTest {

  static final Instant T0 = Instant.parse("2025-06-01T00:00:00Z");
  static final Offset<Double> EPS = within(1e-9);

  static Instant at(double seconds) {
    return T0.plusNanos(Math.round(seconds * 1e9));
  }

  /** Piecewise-constant power: {@code watts[i]} on {@code [breaks[i], breaks[i+1])}, {@code idle} elsewhere. */
  record Power(double idle, double[] breaks, double[] watts) {
    static Power constant(double w) {
      return new Power(w, new double[] {0}, new double[0]);
    }

    double energyUntil(double t) {
      double e = idle * t; // baseline from 0
      for (int i = 0; i < watts.length; i++) {
        double a = breaks[i], b = breaks[i + 1];
        double overlap = Math.max(0, Math.min(b, t) - a);
        e += (watts[i] - idle) * overlap;
      }
      return e;
    }

    double at(double t) {
      for (int i = 0; i < watts.length; i++) if (t >= breaks[i] && t < breaks[i + 1]) return watts[i];
      return idle;
    }
  }

  static List<MeterSample> counter(String resource, Power p, double step, double until) {
    List<MeterSample> out = new ArrayList<>();
    for (int i = 0; i * step <= until + 1e-12; i++) out.add(new MeterSample(resource, at(i * step), MeterSample.Kind.ENERGY, p.energyUntil(i * step)));
    return out;
  }

  static List<MeterSample> gauge(String resource, Power p, double step, double until) {
    List<MeterSample> out = new ArrayList<>();
    for (int i = 0; i * step <= until + 1e-12; i++) out.add(new MeterSample(resource, at(i * step), MeterSample.Kind.POWER, p.at(i * step)));
    return out;
  }

  static RunSpan span(String id, String tenant, double start, double end, Long in, Long out, String... resources) {
    return new RunSpan(id, List.of(resources), at(start), at(end), tenant, null, "m", in, out, Map.of());
  }

  static RunSpan phased(String id, double start, double prefillStart, double decodeStart, double end, long in, long out, String... resources) {
    return new RunSpan(id, List.of(resources), at(start), at(end), null, null, "m", in, out,
        Map.of(RunSpan.QUEUE, new RunSpan.Interval(at(start), at(prefillStart)), RunSpan.PREFILL,
            new RunSpan.Interval(at(prefillStart), at(decodeStart)), RunSpan.DECODE, new RunSpan.Interval(at(decodeStart), at(end))));
  }

  static SpanEnergy find(Attribution a, String id) {
    return a.spans().stream().filter(s -> s.id().equals(id)).findFirst().orElseThrow();
  }

  static void assertConserved(Attribution a) {
    Attribution.Totals t = a.totals();
    assertThat(t.attributedJ() + t.idleJ() + t.unattributedJ()).isCloseTo(t.meteredJ(), within(1e-9 * Math.max(1, t.meteredJ())));
    for (Attribution.ResourceEnergy r : a.resources().values()) {
      assertThat(r.attributedJ() + r.idleJ() + r.unattributedJ()).isCloseTo(r.meteredJ(), within(1e-9 * Math.max(1, r.meteredJ())));
    }
  }

  static AttributionOptions idle(String resource, double watts) {
    return AttributionOptions.defaults().withIdleWatts(Map.of(resource, watts));
  }

  // 1 -----------------------------------------------------------------------------------------------------------------

  @Test
  void aDeclaredClockSkewOverFivePercentOfASpanMakesItModelledWithoutChangingItsEnergy() {
    // A 10 s span and a 2 s one at 300 W; the span clock may be 0.2 s off the meters': 2 % of the first, 10 % of the second.
    List<MeterSample> samples = counter("gpu0", Power.constant(300), 1, 20);
    List<RunSpan> spans = List.of(span("long", "t", 0, 10, null, null, "gpu0"), span("short", "t", 14, 16, null, null, "gpu0"));
    Attribution exact = Attributor.attribute(samples, spans, idle("gpu0", 100));
    Attribution skewed = Attributor.attribute(samples, spans, idle("gpu0", 100).withClockSkew(0.2));
    assertThat(find(exact, "short").tier()).isEqualTo(Tier.MEASURED);
    assertThat(find(skewed, "long").tier()).isEqualTo(Tier.MEASURED);
    assertThat(find(skewed, "short").tier()).isEqualTo(Tier.MODELLED);
    assertThat(find(skewed, "short").energyJ()).isCloseTo(find(exact, "short").energyJ(), EPS);
    assertThatThrownBy(() -> AttributionOptions.defaults().withClockSkew(-1)).hasMessageContaining("clock skew");
  }

  @Test
  void oneRequestAloneUnderIdleToActiveAndIdleSeparate() {
    // 300 W for 10 s on a counter read every second: 3000 J metered. Idle 100 W → 1000 J idle, 2000 J dynamic.
    List<MeterSample> samples = counter("gpu0", Power.constant(300), 1, 10);
    List<RunSpan> spans = List.of(span("a", "t", 0, 10, null, null, "gpu0"));

    Attribution toActive = Attributor.attribute(samples, spans, idle("gpu0", 100));
    SpanEnergy a = find(toActive, "a");
    assertThat(a.energyJ()).isCloseTo(3000, EPS);
    assertThat(a.measuredJ()).isCloseTo(3000, EPS);
    assertThat(a.idleJ()).isCloseTo(1000, EPS);
    assertThat(a.tier()).isEqualTo(Tier.MEASURED);
    assertThat(a.measuredFraction()).isEqualTo(1.0);
    assertThat(a.allocation()).isEqualTo("time_share");
    assertThat(a.idlePolicy()).isEqualTo(IdlePolicy.IDLE_TO_ACTIVE);
    assertThat(a.filledJ()).isZero();
    assertThat(a.notes()).isEmpty();
    assertThat(a.sensorResolutionS()).isEqualTo(1.0);
    assertThat(toActive.totals()).isEqualTo(new Attribution.Totals(3000, 3000, 0, 0, 0, 0, 0));
    assertThat(toActive.resources().get("gpu0").meter()).isEqualTo("energy_counter");
    assertThat(toActive.resources().get("gpu0").idleSource()).isEqualTo("configured");

    Attribution separate = Attributor.attribute(samples, spans, idle("gpu0", 100).withIdlePolicy(IdlePolicy.IDLE_SEPARATE));
    a = find(separate, "a");
    assertThat(a.energyJ()).isCloseTo(2000, EPS);
    assertThat(a.idleJ()).isZero();
    assertThat(a.idlePolicy()).isEqualTo(IdlePolicy.IDLE_SEPARATE);
    assertThat(separate.totals().attributedJ()).isCloseTo(2000, EPS);
    assertThat(separate.totals().idleJ()).isCloseTo(1000, EPS); // idle while busy, kept per resource
    assertThat(separate.totals().idleUnownedJ()).isZero();
    assertThat(separate.resources().get("gpu0").idleJ()).isCloseTo(1000, EPS);
    assertConserved(toActive);
    assertConserved(separate);
  }

  // 2 -----------------------------------------------------------------------------------------------------------------

  @Test
  void overlappingRequestsShareByTokenRate() {
    // 400 W flat on [0, 10), idle 100 W (all idle goes to active spans).
    // a: [0, 10), 100 + 900 tokens → w = 1000 / 10 s = 100 tok/s; b: [5, 10), 50 + 200 tokens → w = 250 / 5 s = 50 tok/s.
    // [0, 5): a alone: 5 × 400 = 2000 J. [5, 10): 2000 J split 100 : 50 → a 1333.33…, b 666.66…
    // a = 3333.33… J (3.7037… J per output token), b = 666.66… J (3.333… J per output token, 2.666… J per token).
    List<MeterSample> samples = counter("gpu0", Power.constant(400), 1, 10);
    List<RunSpan> spans = List.of(span("a", "t", 0, 10, 100L, 900L, "gpu0"), span("b", "t", 5, 10, 50L, 200L, "gpu0"));
    Attribution r = Attributor.attribute(samples, spans, idle("gpu0", 100).withPue(1.5));
    SpanEnergy a = find(r, "a"), b = find(r, "b");
    assertThat(a.allocation()).isEqualTo("span_tokens");
    assertThat(a.energyJ()).isCloseTo(2000 + 2000 * 100.0 / 150, EPS);
    assertThat(b.energyJ()).isCloseTo(2000 * 50.0 / 150, EPS);
    assertThat(a.idleJ()).isCloseTo(500 + 500 * 100.0 / 150, EPS);
    assertThat(a.jPerOutputToken()).isCloseTo(a.energyJ() / 900, EPS);
    assertThat(b.jPerOutputToken()).isCloseTo(10.0 / 3, EPS);
    assertThat(b.jPerToken()).isCloseTo(8.0 / 3, EPS);
    assertThat(b.facilityJ()).isCloseTo(1000, EPS); // 666.66… × 1.5
    assertThat(a.tier()).isEqualTo(Tier.MEASURED);
    assertThat(r.totals().attributedJ()).isCloseTo(4000, EPS);
    assertConserved(r);
  }

  @Test
  void phasesWeighPrefillByInputRateAndDecodeByOutputRate() {
    // 500 W flat, idle 0, counter every 0.5 s.
    // a: prefill [0, 1) with 1000 input tokens → 1000 tok/s; decode [1, 4) with 301 output → 300 / 3 s = 100 tok/s.
    // b: queue [0, 1), prefill [1, 2) with 500 input → 500 tok/s; decode [2, 4) with 201 output → 200 / 2 s = 100 tok/s.
    // [0, 1): a prefill alone: 500 J. [1, 2): a decode 100 vs b prefill 500: 500 J → 83.33… / 416.66…
    // [2, 4): both decode at 100: 1000 J → 500 / 500. a = 500 + 583.33… = 1083.33…; b = 416.66… + 500 = 916.66….
    List<MeterSample> samples = counter("gpu0", Power.constant(500), 0.5, 4);
    List<RunSpan> spans = List.of(phased("a", 0, 0, 1, 4, 1000, 301, "gpu0"), phased("b", 0, 1, 2, 4, 500, 201, "gpu0"));
    Attribution r = Attributor.attribute(samples, spans, idle("gpu0", 0));
    SpanEnergy a = find(r, "a"), b = find(r, "b");
    assertThat(a.allocation()).isEqualTo("phase_token_rate");
    assertThat(a.phases().get("prefill").energyJ()).isCloseTo(500, EPS);
    assertThat(a.phases().get("decode").energyJ()).isCloseTo(500 + 500.0 / 6, EPS);
    assertThat(b.phases().get("prefill").energyJ()).isCloseTo(2500.0 / 6, EPS);
    assertThat(b.phases().get("decode").energyJ()).isCloseTo(500, EPS);
    assertThat(a.energyJ()).isCloseTo(1000 + 500.0 / 6, EPS);
    assertThat(b.energyJ()).isCloseTo(500 + 2500.0 / 6, EPS);
    assertThat(a.phases().keySet()).containsExactly("prefill", "decode");
    assertThat(a.phases().values()).allSatisfy(p -> assertThat(p.tier()).isEqualTo(Tier.MEASURED));
    assertConserved(r);
  }

  @Test
  void tensorParallelSpanGetsItsShareOnEachGpu() {
    // gpu0 300 W, gpu1 200 W for 10 s, idle 0. tp runs on both; solo on gpu1 only; both time-share (weight 1).
    // tp = 3000 (gpu0) + 1000 (half of gpu1) = 4000 J; solo = 1000 J.
    List<MeterSample> samples = new ArrayList<>(counter("gpu0", Power.constant(300), 1, 10));
    samples.addAll(counter("gpu1", Power.constant(200), 1, 10));
    List<RunSpan> spans = List.of(span("tp", null, 0, 10, null, null, "gpu1", "gpu0"), span("solo", null, 0, 10, null, null, "gpu1"));
    Attribution r = Attributor.attribute(samples, spans, AttributionOptions.defaults().withIdleWatts(Map.of("gpu0", 0.0, "gpu1", 0.0)));
    assertThat(find(r, "tp").energyJ()).isCloseTo(4000, EPS);
    assertThat(find(r, "tp").resources()).containsExactly("gpu0", "gpu1");
    assertThat(find(r, "solo").energyJ()).isCloseTo(1000, EPS);
    assertConserved(r);
  }

  // 3 -----------------------------------------------------------------------------------------------------------------

  @Test
  void counterResetMakesItsIntervalUnknown() {
    // 300 W; the counter reads 300·t up to t = 4 (1200 J), then restarts at 10 J at t = 5 and climbs 300 J/s again.
    // [4, 5) is a reset: energy unknown. Known: 9 s × 300 = 2700 J, all metered and attributed.
    // Gap 1 s of 10 s = 10 % > 5 % → modelled; measured_fraction 0.9; filled by extrapolation 2700 / 9 s × 1 s = 300 J.
    List<MeterSample> samples = new ArrayList<>();
    for (int i = 0; i <= 10; i++) samples.add(new MeterSample("gpu0", at(i), MeterSample.Kind.ENERGY, i <= 4 ? 300.0 * i : 10 + 300.0 * (i - 5)));
    Attribution r = Attributor.attribute(samples, List.of(span("a", null, 0, 10, null, null, "gpu0")), idle("gpu0", 0));
    SpanEnergy a = find(r, "a");
    assertThat(a.measuredFraction()).isCloseTo(0.9, EPS);
    assertThat(a.tier()).isEqualTo(Tier.MODELLED);
    assertThat(a.measuredJ()).isCloseTo(2700, EPS);
    assertThat(a.filledJ()).isCloseTo(300, EPS);
    assertThat(a.energyJ()).isCloseTo(3000, EPS);
    assertThat(a.notes()).containsExactly("reset", "fill:extrapolated");
    Attribution.ResourceEnergy gpu = r.resources().get("gpu0");
    assertThat(gpu.meteredJ()).isCloseTo(2700, EPS);
    assertThat(gpu.resets()).isEqualTo(1);
    assertThat(gpu.resetSeconds()).isCloseTo(1, EPS);
    assertThat(gpu.missingSeconds()).isCloseTo(1, EPS);
    assertThat(r.totals().meteredJ()).isCloseTo(2700, EPS);
    assertThat(r.totals().filledJ()).isCloseTo(300, EPS);
    assertConserved(r);
  }

  @Test
  void resetOnAShortGapStillDowngradesTheTier() {
    // Same reset but over a 100 s span read every second: gap 1 % ≤ 5 %, yet a reset inside → modelled.
    List<MeterSample> samples = new ArrayList<>();
    for (int i = 0; i <= 100; i++) samples.add(new MeterSample("gpu0", at(i), MeterSample.Kind.ENERGY, i <= 4 ? 300.0 * i : 300.0 * (i - 5)));
    SpanEnergy a = find(Attributor.attribute(samples, List.of(span("a", null, 0, 100, null, null, "gpu0")), idle("gpu0", 0)), "a");
    assertThat(a.measuredFraction()).isCloseTo(0.99, EPS);
    assertThat(a.tier()).isEqualTo(Tier.MODELLED);
    assertThat(a.energyJ()).isCloseTo(30000, within(1e-6));
  }

  @Test
  void counterWrapWithinPowerLimitIsNotAReset() {
    // A counter wrapping at 1500 J: 300·t mod 1500. From 1200 to 0 over 1 s is 1500 − 1200 + 0 = 300 J ≤ 1000 W × 1 s → wrap.
    List<MeterSample> samples = new ArrayList<>();
    for (int i = 0; i <= 10; i++) samples.add(new MeterSample("gpu0", at(i), MeterSample.Kind.ENERGY, (300.0 * i) % 1500));
    AttributionOptions o = idle("gpu0", 0).withCounterWraps(Map.of("gpu0", new AttributionOptions.CounterWrap(1500, 1000)));
    Attribution r = Attributor.attribute(samples, List.of(span("a", null, 0, 10, null, null, "gpu0")), o);
    assertThat(find(r, "a").energyJ()).isCloseTo(3000, EPS);
    assertThat(find(r, "a").tier()).isEqualTo(Tier.MEASURED);
    // with a 200 W limit the same decrease cannot be a wrap: 300 J in 1 s > 200 W
    o = o.withCounterWraps(Map.of("gpu0", new AttributionOptions.CounterWrap(1500, 200)));
    assertThat(Attributor.attribute(samples, List.of(span("a", null, 0, 10, null, null, "gpu0")), o).resources().get("gpu0").resets()).isEqualTo(2);
  }

  // 4 -----------------------------------------------------------------------------------------------------------------

  @Test
  void missingGaugeReadingIsMissingTimeNotZero() {
    // Gauge 200 W every second, NaN at t = 7: [6, 7) and [7, 8) are missing (2 s), never 0 W.
    // a [0, 5) alone: 5 × 200 = 1000 J, measured. b [5, 10) alone: covered [5, 6) ∪ [8, 10) = 3 s → 600 J;
    // measured_fraction 0.6, modelled; extrapolated fill 600 / 3 × 2 = 400 J → 1000 J.
    List<MeterSample> samples = gauge("gpu0", Power.constant(200), 1, 10);
    samples.set(7, MeterSample.missing("gpu0", at(7), MeterSample.Kind.POWER));
    List<RunSpan> spans = List.of(span("a", null, 0, 5, null, null, "gpu0"), span("b", null, 5, 10, null, null, "gpu0"));
    Attribution r = Attributor.attribute(samples, spans, idle("gpu0", 0));
    assertThat(find(r, "a").energyJ()).isCloseTo(1000, EPS);
    assertThat(find(r, "a").tier()).isEqualTo(Tier.MEASURED);
    SpanEnergy b = find(r, "b");
    assertThat(b.measuredJ()).isCloseTo(600, EPS);
    assertThat(b.measuredFraction()).isCloseTo(0.6, EPS);
    assertThat(b.tier()).isEqualTo(Tier.MODELLED);
    assertThat(b.energyJ()).isCloseTo(1000, EPS);
    assertThat(r.resources().get("gpu0").missingSeconds()).isCloseTo(2, EPS);
    assertThat(r.resources().get("gpu0").meteredJ()).isCloseTo(1600, EPS);
    assertThat(r.resources().get("gpu0").meter()).isEqualTo("power_gauge");
    assertConserved(r);

    // With a modelled estimate (a: 500 J, b: 1000 J) the gap is filled by the resource's measured/modelled ratio on the
    // covered parts: k = (1000 + 600) / (500 × 1 + 1000 × 0.6) = 1600 / 1100; b fill = k × 1000 × 2/5 = 581.81… J.
    AttributionOptions modelled = idle("gpu0", 0).withModelledJoules(s -> s.id().equals("a") ? 500 : 1000);
    b = find(Attributor.attribute(samples, spans, modelled), "b");
    assertThat(b.filledJ()).isCloseTo(1600.0 / 1100 * 400, EPS);
    assertThat(b.energyJ()).isCloseTo(600 + 1600.0 / 1100 * 400, EPS);
    assertThat(b.notes()).containsExactly("fill:modelled");
    assertThat(b.tier()).isEqualTo(Tier.MODELLED);
  }

  @Test
  void longCounterGapKeepsItsEnergyButCannotPlaceIt() {
    // Counter at 100 W read at 0,1,2,3,4 then 10,11,12: median interval 1 s → g_max 3 s, so [4, 10) is a gap whose
    // 600 J is known (metered, unattributed) but not placed. Span [0, 12): measured 400 + 200 = 600 J over 6 s,
    // gap 6 s → fraction 0.5, modelled, extrapolated to 1200 J.
    List<MeterSample> samples = new ArrayList<>();
    for (int t : new int[] {0, 1, 2, 3, 4, 10, 11, 12}) samples.add(new MeterSample("gpu0", at(t), MeterSample.Kind.ENERGY, 100.0 * t));
    Attribution r = Attributor.attribute(samples, List.of(span("a", null, 0, 12, null, null, "gpu0")), idle("gpu0", 0));
    SpanEnergy a = find(r, "a");
    assertThat(a.measuredJ()).isCloseTo(600, EPS);
    assertThat(a.measuredFraction()).isCloseTo(0.5, EPS);
    assertThat(a.energyJ()).isCloseTo(1200, EPS);
    assertThat(r.totals().meteredJ()).isCloseTo(1200, EPS);
    assertThat(r.totals().unattributedJ()).isCloseTo(600, EPS);
    assertThat(r.resources().get("gpu0").missingSeconds()).isCloseTo(6, EPS);
    assertThat(r.resources().get("gpu0").maxGapS()).isCloseTo(3, EPS);
    assertConserved(r);
  }

  @Test
  void counterSkipsASingleNanReadingButGaugeFillsCounterHoles() {
    // Counter 300 W with a NaN at t = 5: [4, 6) is bridged (2 s ≤ g_max 3 s), the energy 600 J is exact.
    List<MeterSample> samples = counter("gpu0", Power.constant(300), 1, 10);
    samples.set(5, MeterSample.missing("gpu0", at(5), MeterSample.Kind.ENERGY));
    Attribution r = Attributor.attribute(samples, List.of(span("a", null, 0, 10, null, null, "gpu0")), idle("gpu0", 0));
    assertThat(find(r, "a").energyJ()).isCloseTo(3000, EPS);
    assertThat(find(r, "a").measuredFraction()).isEqualTo(1.0);

    // A counter reset at [4, 5) is filled by a 300 W gauge on the same GPU: fully measured again.
    List<MeterSample> both = new ArrayList<>();
    for (int i = 0; i <= 10; i++) both.add(new MeterSample("gpu0", at(i), MeterSample.Kind.ENERGY, i <= 4 ? 300.0 * i : 300.0 * (i - 5)));
    both.addAll(gauge("gpu0", Power.constant(300), 0.5, 10));
    r = Attributor.attribute(both, List.of(span("a", null, 0, 10, null, null, "gpu0")), idle("gpu0", 0));
    assertThat(find(r, "a").energyJ()).isCloseTo(3000, EPS);
    assertThat(find(r, "a").tier()).isEqualTo(Tier.MEASURED);
    assertThat(r.resources().get("gpu0").meter()).isEqualTo("energy_counter+power_gauge");
    assertThat(r.resources().get("gpu0").resets()).isZero();
    assertConserved(r);
  }

  @Test
  void unmeteredSpanIsUnknownUnlessModelled() {
    List<MeterSample> samples = counter("gpu0", Power.constant(300), 1, 10);
    List<RunSpan> spans = List.of(span("a", "t", 0, 10, null, null, "gpu9"));
    SpanEnergy a = find(Attributor.attribute(samples, spans, idle("gpu0", 0)), "a");
    assertThat(a.energyJ()).isNull();
    assertThat(a.tier()).isNull();
    assertThat(a.unknown().code()).isEqualTo(NullReason.ENERGY_UNKNOWN);
    assertThat(a.jPerOutputToken()).isNull();
    assertThat(a.measuredFraction()).isZero();
    // with a model and no covered data anywhere on gpu9 the ratio falls back to the one over all resources: gpu0 has no
    // modelled span, so k = 1 and the model figure is used as is
    a = find(Attributor.attribute(samples, spans, idle("gpu0", 0).withModelledJoules(s -> 1234)), "a");
    assertThat(a.energyJ()).isCloseTo(1234, EPS);
    assertThat(a.tier()).isEqualTo(Tier.MODELLED);
  }

  // 5 -----------------------------------------------------------------------------------------------------------------

  /**
   * 100 W idle, 300 W while a [5, 10) (tenant t1) and b [12, 15) (tenant t2) run, and an unowned 250 W burst on
   * [17, 18); counter read every second on [0, 20). Metered = 11 × 100 + 250 + 5 × 300 + 3 × 300 = 3750 J.
   */
  static List<MeterSample> idleScenario() {
    return counter("gpu0", new Power(100, new double[] {5, 10, 12, 15, 17, 18}, new double[] {300, 100, 300, 100, 250}), 1, 20);
  }

  static List<RunSpan> idleSpans() {
    return List.of(span("a", "t1", 5, 10, null, null, "gpu0"), span("b", "t2", 12, 15, null, null, "gpu0"));
  }

  @Test
  void idleToActiveLeavesFullyIdleTimeUnowned() {
    Attribution r = Attributor.attribute(idleScenario(), idleSpans(), idle("gpu0", 100));
    // a = 5 × 300 = 1500 (idle share 500), b = 900 (idle 300); fully idle: 12 s × 100 = 1200 unowned; burst dyn 150.
    assertThat(find(r, "a").energyJ()).isCloseTo(1500, EPS);
    assertThat(find(r, "a").idleJ()).isCloseTo(500, EPS);
    assertThat(find(r, "b").energyJ()).isCloseTo(900, EPS);
    assertThat(r.totals()).usingRecursiveComparison().withComparatorForType((x, y) -> Math.abs(x - y) < 1e-9 ? 0 : Double.compare(x, y), Double.class)
        .isEqualTo(new Attribution.Totals(3750, 2400, 1200, 150, 1200, 0, 0));
    assertConserved(r);
  }

  @Test
  void idleSeparateGivesSpansOnlyTheirDynamicEnergy() {
    Attribution r = Attributor.attribute(idleScenario(), idleSpans(), idle("gpu0", 100).withIdlePolicy(IdlePolicy.IDLE_SEPARATE));
    // a = 5 × 200 = 1000, b = 3 × 200 = 600; idle = 20 s × 100 = 2000 (of which 1200 unowned), unattributed 150.
    assertThat(find(r, "a").energyJ()).isCloseTo(1000, EPS);
    assertThat(find(r, "a").idleJ()).isZero();
    assertThat(find(r, "b").energyJ()).isCloseTo(600, EPS);
    assertThat(r.totals().attributedJ()).isCloseTo(1600, EPS);
    assertThat(r.totals().idleJ()).isCloseTo(2000, EPS);
    assertThat(r.totals().idleUnownedJ()).isCloseTo(1200, EPS);
    assertThat(r.totals().unattributedJ()).isCloseTo(150, EPS);
    assertConserved(r);
  }

  @Test
  void idleByReservationGivesFullyIdleTimeToThePreviousSpansTenant() {
    Attribution r = Attributor.attribute(idleScenario(), idleSpans(), idle("gpu0", 100).withIdlePolicy(IdlePolicy.IDLE_BY_RESERVATION));
    // [0, 5): before any span → unowned 500. [10, 12): after a → t1 200. [15, 20): after b → t2 500 (the burst's idle part
    // included; its dynamic 150 stays unattributed). Spans keep their idle_to_active figures.
    assertThat(find(r, "a").energyJ()).isCloseTo(1500, EPS);
    assertThat(r.tenants().get("t1").reservedIdleJ()).isCloseTo(200, EPS);
    assertThat(r.tenants().get("t2").reservedIdleJ()).isCloseTo(500, EPS);
    assertThat(r.tenants().get("t1").energyJ()).isCloseTo(1500, EPS);
    assertThat(r.totals().idleJ()).isCloseTo(1200, EPS);
    assertThat(r.totals().reservedIdleJ()).isCloseTo(700, EPS);
    assertThat(r.totals().idleUnownedJ()).isCloseTo(500, EPS);
    assertThat(r.resources().get("gpu0").reservedIdleJ()).isCloseTo(700, EPS);
    assertConserved(r);
  }

  @Test
  void idleIsLearnedFromUntouchedIntervals() {
    // Untouched 1-s intervals: eleven at 100 W and one at 250 W; p5 with linear interpolation: h = 11 × 0.05 = 0.55
    // between sorted[0] = 100 and sorted[1] = 100 → 100 W, the same figures as configured.
    Attribution r = Attributor.attribute(idleScenario(), idleSpans(), AttributionOptions.defaults());
    assertThat(r.resources().get("gpu0").idleSource()).isEqualTo("learned");
    assertThat(r.resources().get("gpu0").idleWatts()).isCloseTo(100, EPS);
    assertThat(find(r, "a").idleJ()).isCloseTo(500, EPS);
    // no untouched interval: nothing to learn, idle 0 with the flag
    r = Attributor.attribute(counter("gpu0", Power.constant(300), 1, 10), List.of(span("a", null, 0, 10, null, null, "gpu0")), AttributionOptions.defaults());
    assertThat(r.resources().get("gpu0").idleSource()).isEqualTo("none");
    assertThat(r.resources().get("gpu0").idleWatts()).isZero();
  }

  // 7 -----------------------------------------------------------------------------------------------------------------

  /**
   * Requests run alone, back to back with idle gaps, each at a known power over an 80 W idle; the counter is read every
   * 100 ms. Within an interval the attributor assumes constant power, so only the two intervals holding a request's start
   * and end can be wrong, each by at most (its length ≤ 0.1 s) × (largest power step, 400 − 80 W): |error| ≤ 64 J.
   */
  @Test
  void recoversKnownEnergiesFromA100msCounter() {
    Random rnd = new Random(7);
    int n = 40;
    double t = 0.37;
    double[] breaks = new double[2 * n + 1];
    double[] watts = new double[2 * n];
    List<RunSpan> spans = new ArrayList<>();
    double[] truth = new double[n];
    for (int i = 0; i < n; i++) {
      double d = 0.3 + rnd.nextDouble() * 2.7, p = 150 + rnd.nextDouble() * 250;
      d = Math.round(d * 1e6) / 1e6; // whole microseconds, so span bounds are exact in nanoseconds
      breaks[2 * i] = t;
      breaks[2 * i + 1] = t + d;
      watts[2 * i] = p;
      truth[i] = p * d;
      spans.add(span(String.format("r%02d", i), "t", t, t + d, null, null, "gpu0"));
      double gap = i % 3 == 0 ? 0 : Math.round(rnd.nextDouble() * 1e6) / 1e6;
      watts[2 * i + 1] = 80;
      t += d + gap;
      breaks[2 * i + 2] = t;
    }
    Power power = new Power(80, breaks, watts);
    List<MeterSample> samples = counter("gpu0", power, 0.1, t + 1);
    Attribution r = Attributor.attribute(samples, spans, idle("gpu0", 80));
    double worst = 0, sumAbs = 0;
    for (int i = 0; i < n; i++) {
      SpanEnergy s = find(r, String.format("r%02d", i));
      assertThat(s.tier()).isEqualTo(Tier.MEASURED);
      double err = Math.abs(s.energyJ() - truth[i]);
      worst = Math.max(worst, err);
      sumAbs += err;
      assertThat(err).as("request %d", i).isLessThanOrEqualTo(2 * 0.1 * (400 - 80));
    }
    assertThat(sumAbs / n).isLessThan(20); // typical error is far below the bound
    assertConserved(r);
    // the metered total is exact: the counter is lossless, whatever the sampling
    assertThat(r.totals().meteredJ()).isCloseTo(power.energyUntil((samples.size() - 1) * 0.1), within(1e-6));
  }

  @Test
  void recoveryIsExactWhenRequestBoundsFallOnReadings() {
    // Requests on the 100 ms grid: every interval holds one power level, so recovery is exact (to rounding).
    double[] breaks = {1.0, 2.5, 2.5, 4.2, 5.0, 5.3};
    double[] watts = {310, 310, 200, 80, 390};
    Power power = new Power(80, breaks, watts);
    List<RunSpan> spans = List.of(span("a", null, 1.0, 2.5, null, null, "gpu0"), span("b", null, 2.5, 4.2, null, null, "gpu0"),
        span("c", null, 5.0, 5.3, null, null, "gpu0"));
    Attribution r = Attributor.attribute(counter("gpu0", power, 0.1, 6), spans, idle("gpu0", 80));
    assertThat(find(r, "a").energyJ()).isCloseTo(310 * 1.5, within(1e-6));
    assertThat(find(r, "b").energyJ()).isCloseTo(200 * 1.7, within(1e-6));
    assertThat(find(r, "c").energyJ()).isCloseTo(390 * 0.3, within(1e-6));
  }

  // 8 -----------------------------------------------------------------------------------------------------------------

  @Test
  void phaseShorterThanTheSensorIntervalIsModelledWhileTheRequestStaysMeasured() {
    // 300 W, counter every 1 s. Span [0.5, 3.5): prefill [0.5, 0.55) (50 ms, no reading inside), decode [0.55, 3.5).
    // Alone on the GPU: request 3 s × 300 = 900 J measured; prefill 0.05 × 300 = 15 J, decode 885 J.
    // The prefill holds no meter boundary and is shorter than the 1 s interval → its split is modelled.
    RunSpan s = new RunSpan("a", List.of("gpu0"), at(0.5), at(3.5), null, null, "m", 100L, 301L,
        Map.of(RunSpan.PREFILL, new RunSpan.Interval(at(0.5), at(0.55)), RunSpan.DECODE, new RunSpan.Interval(at(0.55), at(3.5))));
    Attribution r = Attributor.attribute(counter("gpu0", Power.constant(300), 1, 4), List.of(s), idle("gpu0", 0));
    SpanEnergy a = find(r, "a");
    assertThat(a.energyJ()).isCloseTo(900, EPS);
    assertThat(a.tier()).isEqualTo(Tier.MEASURED);
    assertThat(a.phases().get("prefill")).isEqualTo(new Attribution.PhaseEnergy(a.phases().get("prefill").energyJ(), Tier.MODELLED));
    assertThat(a.phases().get("prefill").energyJ()).isCloseTo(15, within(1e-6));
    assertThat(a.phases().get("decode").energyJ()).isCloseTo(885, within(1e-6));
    assertThat(a.phases().get("decode").tier()).isEqualTo(Tier.MEASURED);
    assertThat(a.notes()).containsExactly("phase_split_below_resolution");
    // the 0.5 s before and after the span: 300 J of dynamic energy with no span (idle configured 0)
    assertThat(r.totals().unattributedJ()).isCloseTo(300, within(1e-6));
    assertConserved(r);
  }

  // misc --------------------------------------------------------------------------------------------------------------

  @Test
  void queueTimeWeighsNothingAndZeroLengthSpansGetZero() {
    // b queues on [0, 5) while a runs alone; b then shares [5, 10) by time with a.
    RunSpan b = new RunSpan("b", List.of("gpu0"), at(0), at(10), null, null, "m", null, null,
        Map.of(RunSpan.QUEUE, new RunSpan.Interval(at(0), at(5))));
    List<RunSpan> spans = List.of(span("a", null, 0, 10, null, null, "gpu0"), b, span("z", null, 3, 3, null, null, "gpu0"));
    Attribution r = Attributor.attribute(counter("gpu0", Power.constant(200), 1, 10), spans, idle("gpu0", 0));
    assertThat(find(r, "a").energyJ()).isCloseTo(1500, EPS);
    assertThat(find(r, "b").energyJ()).isCloseTo(500, EPS);
    assertThat(find(r, "z").energyJ()).isZero();
    assertThat(find(r, "z").notes()).containsExactly("no_weighted_time");
  }

  @Test
  void rejectsDuplicateSpanIds() {
    assertThatThrownBy(() -> Attributor.attribute(List.of(), List.of(span("a", null, 0, 1, null, null, "g"), span("a", null, 0, 1, null, null, "g")),
        AttributionOptions.defaults())).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("duplicate span id");
  }
}
