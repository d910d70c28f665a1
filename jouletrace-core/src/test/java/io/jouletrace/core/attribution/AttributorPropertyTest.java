package io.jouletrace.core.attribution;

import static io.jouletrace.core.attribution.AttributorTest.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.jouletrace.core.attribution.Attribution.SpanEnergy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;

/** Random workloads (fixed seeds): conservation, non-negativity, order independence, and agreement with an N×M reference. */
class AttributorPropertyTest {

  record Workload(List<MeterSample> samples, List<RunSpan> spans, AttributionOptions options) {}

  static final String[] TENANTS = {"t0", "t1", "t2", null};

  static AttributorTest.Power randomPower(Random rnd, double until) {
    List<Double> breaks = new ArrayList<>();
    List<Double> watts = new ArrayList<>();
    double t = 0;
    breaks.add(t);
    while (t < until) {
      t += 0.3 + rnd.nextDouble() * 5;
      breaks.add(t);
      watts.add(50 + rnd.nextDouble() * 350);
    }
    return new AttributorTest.Power(60, breaks.stream().mapToDouble(Double::doubleValue).toArray(),
        watts.stream().mapToDouble(Double::doubleValue).toArray());
  }

  static Workload workload(long seed) {
    Random rnd = new Random(seed);
    int nRes = 1 + rnd.nextInt(4);
    List<String> resources = new ArrayList<>();
    for (int r = 0; r < nRes; r++) resources.add("gpu" + r);
    List<MeterSample> samples = new ArrayList<>();
    Map<String, Double> idle = new HashMap<>();
    for (String res : resources) {
      double until = 20 + rnd.nextDouble() * 40;
      AttributorTest.Power power = randomPower(rnd, until + 10);
      int mode = rnd.nextInt(3); // 0 counter, 1 gauge, 2 both
      for (int kind = 0; kind < 2; kind++) {
        boolean counter = kind == 0;
        if (counter && mode == 1 || !counter && mode == 0) continue;
        double step = 0.1 + rnd.nextDouble() * 0.9;
        double t = rnd.nextDouble() * 2, offset = 0;
        while (t < until) {
          double value;
          if (counter) {
            if (rnd.nextDouble() < 0.01) offset = -power.energyUntil(t) + rnd.nextDouble() * 10; // reset
            value = power.energyUntil(t) + offset;
          } else value = power.at(t);
          if (rnd.nextDouble() < 0.04) value = Double.NaN;
          MeterSample s = new MeterSample(res, at(t), counter ? MeterSample.Kind.ENERGY : MeterSample.Kind.POWER, value);
          samples.add(s);
          if (rnd.nextDouble() < 0.01) samples.add(s); // duplicate reading
          if (rnd.nextDouble() < 0.01) samples.add(MeterSample.missing(res, s.time(), s.kind())); // and a NaN at the same instant
          t += rnd.nextDouble() < 0.02 ? 3 + rnd.nextDouble() * 6 : step * (0.8 + 0.4 * rnd.nextDouble());
        }
      }
      if (rnd.nextBoolean()) idle.put(res, rnd.nextDouble() * 150);
    }
    int nSpans = 1 + rnd.nextInt(50);
    List<RunSpan> spans = new ArrayList<>();
    for (int j = 0; j < nSpans; j++) {
      List<String> rs = new ArrayList<>(resources);
      Collections.shuffle(rs, rnd);
      rs = rs.subList(0, rnd.nextDouble() < 0.7 ? 1 : 1 + rnd.nextInt(nRes));
      if (rnd.nextDouble() < 0.05) rs = List.of("unmetered");
      double start = rnd.nextDouble() * 60 - 2;
      double dur = rnd.nextDouble() < 0.05 ? 0 : rnd.nextDouble() * 8;
      Long in = rnd.nextDouble() < 0.2 ? null : (long) rnd.nextInt(2000);
      Long out = rnd.nextDouble() < 0.2 ? null : (long) rnd.nextInt(500);
      Map<String, RunSpan.Interval> phases = new LinkedHashMap<>();
      int shape = rnd.nextInt(4);
      double q = start + dur * rnd.nextDouble() * 0.3, p = q + (start + dur - q) * rnd.nextDouble() * 0.3;
      if (shape == 1 || shape == 2) phases.put(RunSpan.QUEUE, new RunSpan.Interval(at(start), at(q)));
      if (shape >= 2) {
        phases.put(RunSpan.PREFILL, new RunSpan.Interval(at(q), at(p)));
        double d = shape == 3 ? p + (start + dur - p) * 0.1 : p; // shape 3: a hole between prefill and decode
        phases.put(RunSpan.DECODE, new RunSpan.Interval(at(d), at(start + dur)));
      }
      spans.add(new RunSpan(String.format("s%03d", j), rs, at(start), at(start + dur), TENANTS[rnd.nextInt(4)], null, "m", in, out, phases));
    }
    IdlePolicy policy = IdlePolicy.values()[rnd.nextInt(3)];
    ToDoubleFunction<RunSpan> model = switch (rnd.nextInt(3)) {
      case 0 -> null;
      case 1 -> s -> 0.2 * ((s.inputTokens() == null ? 0 : s.inputTokens()) + (s.outputTokens() == null ? 0 : s.outputTokens()));
      default -> s -> s.outputTokens() == null ? Double.NaN : 0.5 * s.outputTokens();
    };
    AttributionOptions o = AttributionOptions.defaults().withIdlePolicy(policy).withIdleWatts(idle).withModelledJoules(model)
        .withPue(rnd.nextBoolean() ? null : 1.1 + rnd.nextDouble());
    return new Workload(samples, spans, o);
  }

  @Test
  void conservationNonNegativityOrderIndependenceAndReference() {
    for (long seed = 1; seed <= 200; seed++) {
      Workload w = workload(seed);
      Attribution a = Attributor.attribute(w.samples(), w.spans(), w.options());
      String where = "seed " + seed;

      // conservation, in total and per resource
      Attribution.Totals t = a.totals();
      double scale = Math.max(1, t.meteredJ());
      assertThat(t.attributedJ() + t.idleJ() + t.unattributedJ()).as(where).isCloseTo(t.meteredJ(), within(1e-9 * scale));
      assertThat(t.idleUnownedJ() + t.reservedIdleJ()).as(where).isLessThanOrEqualTo(t.idleJ() + 1e-9 * scale);
      for (Attribution.ResourceEnergy r : a.resources().values()) {
        assertThat(r.attributedJ() + r.idleJ() + r.unattributedJ()).as(where).isCloseTo(r.meteredJ(), within(1e-9 * Math.max(1, r.meteredJ())));
        assertThat(List.of(r.meteredJ(), r.attributedJ(), r.idleJ(), r.idleUnownedJ(), r.reservedIdleJ(), r.unattributedJ(), r.missingSeconds(),
            r.resetSeconds(), r.idleWatts())).as(where).allSatisfy(x -> assertThat(x).isGreaterThanOrEqualTo(0.0));
      }
      assertThat(List.of(t.meteredJ(), t.attributedJ(), t.idleJ(), t.unattributedJ(), t.idleUnownedJ(), t.reservedIdleJ(), t.filledJ()))
          .as(where).allSatisfy(x -> assertThat(x).isGreaterThanOrEqualTo(0.0));
      double sumMeasured = 0, sumFilled = 0;
      for (SpanEnergy s : a.spans()) {
        sumMeasured += s.measuredJ();
        sumFilled += s.filledJ();
        assertThat(s.measuredJ()).as(where).isGreaterThanOrEqualTo(0);
        assertThat(s.filledJ()).as(where).isGreaterThanOrEqualTo(0);
        assertThat(s.idleJ()).as(where).isGreaterThanOrEqualTo(0).isLessThanOrEqualTo(s.measuredJ() + 1e-9 * scale);
        assertThat(s.measuredFraction()).as(where).isBetween(0.0, 1.0);
        assertThat(s.energyJ() == null).as(where).isEqualTo(s.tier() == null).isEqualTo(s.unknown() != null);
        if (s.energyJ() != null) {
          assertThat(s.energyJ()).as(where).isGreaterThanOrEqualTo(0).isCloseTo(s.measuredJ() + s.filledJ(), within(1e-12 * scale));
          double phaseSum = 0;
          for (Attribution.PhaseEnergy p : s.phases().values()) {
            assertThat(p.energyJ()).as(where).isGreaterThanOrEqualTo(0);
            phaseSum += p.energyJ();
          }
          if (!s.phases().isEmpty()) assertThat(phaseSum).as(where + " " + s.id()).isCloseTo(s.energyJ(), within(1e-9 * scale));
        }
      }
      assertThat(sumMeasured).as(where).isCloseTo(t.attributedJ(), within(1e-9 * scale));
      assertThat(sumFilled).as(where).isCloseTo(t.filledJ(), within(1e-9 * scale));

      // the sweep agrees with a brute-force N×M split over the same intervals and weights
      checkAgainstReference(w, a, where);

      // shuffling every input list gives an identical result
      Random rnd = new Random(seed * 31);
      List<MeterSample> samples = new ArrayList<>(w.samples());
      Collections.shuffle(samples, rnd);
      List<RunSpan> spans = new ArrayList<>();
      for (RunSpan s : w.spans()) {
        List<String> rs = new ArrayList<>(s.resources());
        Collections.shuffle(rs, rnd);
        spans.add(new RunSpan(s.id(), rs, s.start(), s.end(), s.tenant(), s.team(), s.model(), s.inputTokens(), s.outputTokens(), s.phases()));
      }
      Collections.shuffle(spans, rnd);
      assertThat(Attributor.attribute(samples, spans, w.options())).as(where).isEqualTo(a);
    }
  }

  /** O(N×M) reference: for every elementary interval, split its energy among the active segments by weight. */
  static void checkAgainstReference(Workload w, Attribution a, String where) {
    Attributor.Prepared p = Attributor.prepare(w.samples(), w.spans(), w.options());
    int nRes = p.resources().length;
    Columnar.Result scratch = new Columnar.Result(w.options().idlePolicy(), p.spans().size(), nRes, p.tenants().length);
    AttributionEngine.Timeline[] timelines = AttributionEngine.timelines(p.resources(), p.meters(), w.options(), scratch);
    AttributionEngine.Segments seg = AttributionEngine.segments(nRes, p.spans(), scratch);
    boolean separate = w.options().idlePolicy() == IdlePolicy.IDLE_SEPARATE;
    double[] measured = new double[p.spans().size()];
    long[] weighted = new long[p.spans().size()], uncovered = new long[p.spans().size()];
    for (int r = 0; r < nRes; r++) {
      AttributionEngine.Timeline tl = timelines[r];
      Attribution.ResourceEnergy re = a.resources().get(p.resources()[r]);
      double idleW = re.idleWatts();
      // learned idle: the percentile of the power of measured pieces no segment overlaps
      List<Double> untouched = new ArrayList<>();
      for (int k = 0; k < tl.pieces(); k++) {
        if (tl.q[k] != AttributionEngine.MEASURED) continue;
        boolean touched = false;
        for (int s = 0; s < seg.size; s++) touched |= seg.res[s] == r && seg.start[s] < tl.b[k + 1] && seg.end[s] > tl.b[k];
        if (!touched) untouched.add(tl.e[k] / ((tl.b[k + 1] - tl.b[k]) * 1e-9));
      }
      if (!w.options().idleWatts().containsKey(p.resources()[r])) {
        assertThat(re.idleSource()).as(where).isEqualTo(untouched.isEmpty() ? "none" : "learned");
        if (!untouched.isEmpty()) {
          Collections.sort(untouched);
          double h = (untouched.size() - 1) * 0.05;
          int lo = (int) h, hi = Math.min(lo + 1, untouched.size() - 1);
          assertThat(idleW).as(where).isCloseTo(untouched.get(lo) + (h - lo) * (untouched.get(hi) - untouched.get(lo)), within(1e-9));
        }
      }
      List<Long> cuts = new ArrayList<>();
      for (long b : tl.b) cuts.add(b);
      List<Integer> mine = new ArrayList<>();
      for (int s = 0; s < seg.size; s++) {
        if (seg.res[s] != r) continue;
        mine.add(s);
        cuts.add(seg.start[s]);
        cuts.add(seg.end[s]);
      }
      List<Long> times = cuts.stream().distinct().sorted().toList();
      for (int i = 0; i + 1 < times.size(); i++) {
        long x = times.get(i), y = times.get(i + 1);
        double weight = 0;
        for (int s : mine) if (seg.start[s] <= x && seg.end[s] >= y) weight += seg.weight[s];
        if (weight == 0) continue;
        int piece = -1;
        for (int k = 0; k < tl.pieces(); k++) if (tl.b[k] <= x && tl.b[k + 1] >= y) piece = k;
        boolean ok = piece >= 0 && tl.q[piece] == AttributionEngine.MEASURED;
        double power = ok ? tl.e[piece] / ((tl.b[piece + 1] - tl.b[piece]) * 1e-9) : 0;
        double share = separate ? power - Math.min(idleW, power) : power;
        for (int s : mine) {
          if (!(seg.start[s] <= x && seg.end[s] >= y)) continue;
          int j = seg.span[s];
          weighted[j] += y - x;
          if (ok) measured[j] += seg.weight[s] / weight * share * ((y - x) * 1e-9);
          else uncovered[j] += y - x;
        }
      }
    }
    double scale = Math.max(1, a.totals().meteredJ());
    for (int j = 0; j < p.spans().size(); j++) {
      SpanEnergy s = a.spans().get(j);
      assertThat(s.id()).isEqualTo(p.sorted().get(j).id());
      assertThat(s.measuredJ()).as(where + " " + s.id()).isCloseTo(measured[j], within(1e-9 * scale));
      double fraction = weighted[j] == 0 ? 1 : 1 - (double) uncovered[j] / weighted[j];
      assertThat(s.measuredFraction()).as(where + " " + s.id()).isCloseTo(fraction, within(1e-12));
    }
  }
}
