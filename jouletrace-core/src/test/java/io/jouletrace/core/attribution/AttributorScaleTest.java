package io.jouletrace.core.attribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The columnar path at scale. The smoke test always runs (100k spans × 10k readings); the benchmark runs with
 * {@code -Djouletrace.bench=true} (size from {@code jouletrace.bench.spans}, {@code .samples}, {@code .resources};
 * default 10M spans × 1M readings on 64 GPUs) and prints its timing.
 */
class AttributorScaleTest {

  /** Counters read every second on each GPU; spans with queue/prefill/decode phases and tokens, spread uniformly. */
  static Object[] synth(int spans, int samples, int resources, long seed) {
    Random rnd = new Random(seed);
    String[] names = new String[resources];
    for (int r = 0; r < resources; r++) names[r] = String.format("gpu%03d", r);
    int perRes = samples / resources;
    long step = 1_000_000_000L;
    int[] res = new int[perRes * resources];
    long[] time = new long[res.length];
    boolean[] energy = new boolean[res.length];
    double[] value = new double[res.length];
    int i = 0;
    for (int r = 0; r < resources; r++) {
      double e = 0;
      for (int k = 0; k < perRes; k++, i++) {
        res[i] = r;
        time[i] = k * step;
        energy[i] = true;
        value[i] = e;
        e += 100 + rnd.nextDouble() * 300;
      }
    }
    long horizon = perRes * step;
    int[] off = new int[spans + 1], sr = new int[spans];
    long[] start = new long[spans], end = new long[spans], qS = new long[spans], qE = new long[spans], pS = new long[spans], pE = new long[spans],
        dS = new long[spans], dE = new long[spans], in = new long[spans], out = new long[spans];
    for (int j = 0; j < spans; j++) {
      off[j + 1] = j + 1;
      sr[j] = rnd.nextInt(resources);
      long s = (long) (rnd.nextDouble() * (horizon - 30 * step));
      long q = s + (long) (rnd.nextDouble() * 0.5 * step);
      long p = q + (long) ((0.02 + rnd.nextDouble() * 0.3) * step);
      long d = p + (long) ((0.5 + rnd.nextDouble() * 20) * step);
      start[j] = s;
      qS[j] = s;
      qE[j] = q;
      pS[j] = q;
      pE[j] = p;
      dS[j] = p;
      dE[j] = d;
      end[j] = d;
      in[j] = 1 + rnd.nextInt(4000);
      out[j] = 1 + rnd.nextInt(1000);
    }
    return new Object[] {names, new Columnar.Meters(res.length, res, time, energy, value),
        new Columnar.Spans(spans, off, sr, start, end, qS, qE, pS, pE, dS, dE, in, out, null, null)};
  }

  static Columnar.Result run(int spans, int samples, int resources, AttributionOptions o) {
    Object[] in = synth(spans, samples, resources, 42);
    return Attributor.attributeColumns((String[]) in[0], 0, (Columnar.Meters) in[1], (Columnar.Spans) in[2], o);
  }

  static void assertConserved(Columnar.Result r) {
    assertThat(r.totalAttributedJ + r.totalIdleJ + r.totalUnattributedJ).isCloseTo(r.totalMeteredJ, within(1e-9 * r.totalMeteredJ));
    double sum = AttributionEngine.sum(r.measuredJ);
    assertThat(sum).isCloseTo(r.totalAttributedJ, within(1e-9 * r.totalMeteredJ));
  }

  @Test
  void smoke() {
    Columnar.Result r = run(100_000, 10_000, 8, AttributionOptions.defaults());
    assertConserved(r);
    for (int j = 0; j < r.spans(); j++) assertThat(r.energyJ[j]).isGreaterThanOrEqualTo(0);
  }

  @Test
  @EnabledIfSystemProperty(named = "jouletrace.bench", matches = "true")
  void benchmark() {
    int spans = Integer.getInteger("jouletrace.bench.spans", 10_000_000);
    int samples = Integer.getInteger("jouletrace.bench.samples", 1_000_000);
    int resources = Integer.getInteger("jouletrace.bench.resources", 64);
    // The goal is for the full size; half of it first gives the scaling check (2× the input ≤ 2.2× the time).
    double half = bestOfThree(spans / 2, samples / 2, resources);
    double full = bestOfThree(spans, samples, resources);
    System.out.printf("scaling: 2× the input took %.2f× the time (best of 3 each)%n", full / half);
  }

  private static double bestOfThree(int spans, int samples, int resources) {
    Object[] in = synth(spans, samples, resources, 42);
    double best = Double.MAX_VALUE;
    for (int round = 0; round < 3; round++) {
      long t0 = System.nanoTime();
      Columnar.Result r = Attributor.attributeColumns((String[]) in[0], 0, (Columnar.Meters) in[1], (Columnar.Spans) in[2],
          AttributionOptions.defaults());
      double seconds = (System.nanoTime() - t0) / 1e9;
      best = Math.min(best, seconds);
      System.out.printf("attributeColumns %,d spans × %,d samples on %d resources: %.2f s (heap used %.1f GiB)%n", spans, samples, resources,
          seconds, (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) / 1073741824.0);
      assertConserved(r);
    }
    return best;
  }
}
