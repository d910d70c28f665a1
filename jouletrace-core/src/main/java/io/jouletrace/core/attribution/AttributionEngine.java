package io.jouletrace.core.attribution;

import io.jouletrace.core.figure.Tier;
import java.util.Arrays;

/**
 * The primitive-array implementation behind {@link Attributor}: normalise meters into intervals, learn idle, sweep each
 * resource once with virtual-energy accumulators, roll up, fill gaps and set tiers. See {@link Attributor} for the rules.
 */
final class AttributionEngine {

  private AttributionEngine() {}

  // interval qualities
  static final byte MEASURED = 0, GAP_KNOWN = 1, MISSING = 2, RESET = 3, NONE = 4;
  // allocations
  static final byte PHASE_TOKEN_RATE = 0, SPAN_TOKENS = 1, TIME_SHARE = 2;
  // segment tags
  static final byte TAG_SPAN = 0, TAG_PREFILL = 1, TAG_DECODE = 2;

  private static final double NS = 1e-9;

  /** A resource's meter as contiguous pieces {@code [b[i], b[i+1])} with quality and energy (J; 0 when unknown). */
  static final class Timeline {
    static final Timeline EMPTY = new Timeline(new long[0], new byte[0], new double[0], Double.NaN, Double.NaN);
    final long[] b;
    final byte[] q;
    final double[] e;
    final double sensorS, maxGapS;

    Timeline(long[] b, byte[] q, double[] e, double sensorS, double maxGapS) {
      this.b = b;
      this.q = q;
      this.e = e;
      this.sensorS = sensorS;
      this.maxGapS = maxGapS;
    }

    int pieces() {
      return q.length;
    }
  }

  static Columnar.Result run(String[] resourceNames, int tenants, Columnar.Meters meters, Columnar.Spans spans, AttributionOptions o) {
    int nRes = resourceNames.length;
    int nSpans = spans.size();
    Columnar.Result out = new Columnar.Result(o.idlePolicy(), nSpans, nRes, tenants);

    // ---- Step 1: per resource, normalise counter and gauge, prefer the counter, let the gauge fill its unknown pieces.
    Timeline[] timelines = timelines(resourceNames, meters, o, out);

    // ---- Step 3: segments (span × piece × resource) with constant weights.
    Segments seg = segments(nRes, spans, out);

    // Sort segments by (resource, start) (radix: O(N) per digit) and renumber them in that order, so the sweep reads and
    // writes its per-segment slots sequentially. Ends come from a binary heap of the active segments: O(N log A), A the
    // largest number of segments active at once on a resource.
    int nSeg = seg.size;
    seg.permute(RadixSort.order(seg.start, seg.res, nRes, nSeg));
    int[] resOffset = new int[nRes + 1];
    for (int i = 0; i < nSeg; i++) resOffset[seg.res[i] + 1]++;
    for (int r = 0; r < nRes; r++) resOffset[r + 1] += resOffset[r];

    int[] spanTenant = spans.tenant();
    if (spanTenant != null) {
      for (int j = 0; j < nSpans; j++) {
        if (spanTenant[j] < -1 || spanTenant[j] >= tenants) throw new IllegalArgumentException("span " + j + ": tenant index out of range");
      }
    }
    boolean separate = o.idlePolicy() == IdlePolicy.IDLE_SEPARATE;
    boolean reservation = o.idlePolicy() == IdlePolicy.IDLE_BY_RESERVATION;

    // snapshots, overwritten by results at each segment's end
    Sweep sw = new Sweep(nSeg, tenants);
    for (int r = 0; r < nRes; r++) {
      Timeline t = timelines[r];
      int from = resOffset[r], to = resOffset[r + 1];
      // ---- Step 2: idle baseline
      Double configured = o.idleWatts().get(resourceNames[r]);
      double idleW;
      if (configured != null) {
        idleW = configured;
        out.resIdleSource[r] = 0;
      } else {
        idleW = learnIdle(t, seg, from, to, o.idlePercentile());
        out.resIdleSource[r] = (byte) (Double.isNaN(idleW) ? 2 : 1);
        if (Double.isNaN(idleW)) idleW = 0;
      }
      out.resIdleWatts[r] = idleW;
      // ---- Step 4: sweep
      sw.sweep(t, idleW, seg, from, to, spanTenant, reservation);
      out.resUnattributedJ[r] = sw.unattributed;
      out.resIdleUnownedJ[r] = sw.idleUnowned;
      out.resReservedIdleJ[r] = sw.reservedThisResource;
    }
    for (int k = 0; k < tenants; k++) out.tenantReservedIdleJ[k] = sw.tenantReserved[2 * k] + sw.tenantReserved[2 * k + 1];

    // ---- Step 5/6: roll up per span and phase into two slots per span (slot 0: the span's only piece kind or prefill;
    // slot 1: decode), interleaved so that a segment touches one short run of each array.
    // sd per slot: measured, idle, fill; sl per slot: weighted ns, uncovered ns, reset ns.
    double[] sd = new double[6 * nSpans];
    long[] sl = new long[6 * nSpans];
    boolean[] phBelowRes = new boolean[2 * nSpans];
    for (int r = 0; r < nRes; r++) {
      double sensor = timelines[r].sensorS;
      double attH = 0, attL = 0, busyIdleH = 0, busyIdleL = 0;
      for (int s = resOffset[r]; s < resOffset[r + 1]; s++) {
        int j = seg.span[s];
        int tag = seg.tag[s];
        int slot = 2 * j + (tag == TAG_DECODE ? 1 : 0);
        double dyn = sw.dyn[s], idle = sw.idle[s];
        double meas = separate ? dyn : dyn + idle;
        int d = 3 * slot;
        sd[d] += meas;
        if (!separate) sd[d + 1] += idle;
        double tt = attH + meas;
        attL += Math.abs(attH) >= Math.abs(meas) ? (attH - tt) + meas : (meas - tt) + attH;
        attH = tt;
        if (separate) {
          tt = busyIdleH + idle;
          busyIdleL += Math.abs(busyIdleH) >= Math.abs(idle) ? (busyIdleH - tt) + idle : (idle - tt) + busyIdleH;
          busyIdleH = tt;
        }
        long len = seg.end[s] - seg.start[s];
        sl[d] += len;
        sl[d + 1] += sw.gap[s];
        sl[d + 2] += sw.reset[s];
        if (tag != TAG_SPAN && (sw.bounds[s] < 1 || !(len * NS >= sensor))) phBelowRes[slot] = true;
      }
      out.resAttributedJ[r] = attH + attL;
      double busyIdle = busyIdleH + busyIdleL;
      out.resIdleJ[r] = busyIdle + out.resIdleUnownedJ[r] + out.resReservedIdleJ[r];
    }

    // ---- Step 7: gap filling. Modelled: per resource ratio k = measured / modelled on the covered part.
    double[] modelled = spans.modelledJ();
    boolean[] modelOk = new boolean[nSpans];
    if (modelled != null) for (int j = 0; j < nSpans; j++) modelOk[j] = modelled[j] >= 0 && !Double.isInfinite(modelled[j]);
    double[] k = new double[nRes];
    if (modelled != null) {
      double numAll = 0, denAll = 0;
      for (int r = 0; r < nRes; r++) {
        double num = 0, den = 0;
        for (int s = resOffset[r]; s < resOffset[r + 1]; s++) {
          int j = seg.span[s];
          long spanNs = sl[6 * j] + sl[6 * j + 3];
          if (!modelOk[j] || spanNs == 0) continue;
          num += separate ? sw.dyn[s] : sw.dyn[s] + sw.idle[s];
          den += modelled[j] * ((double) (seg.end[s] - seg.start[s] - sw.gap[s]) / spanNs);
        }
        k[r] = den > 0 ? num / den : Double.NaN;
        numAll += num;
        denAll += den;
      }
      double kAll = denAll > 0 ? numAll / denAll : 1;
      for (int r = 0; r < nRes; r++) if (Double.isNaN(k[r])) k[r] = kAll;
    }
    for (int r = 0; r < nRes; r++) {
      for (int s = resOffset[r]; s < resOffset[r + 1]; s++) {
        long gap = sw.gap[s];
        if (gap == 0) continue;
        int j = seg.span[s];
        int b0 = 6 * j;
        long spanNs = sl[b0] + sl[b0 + 3];
        double fill;
        if (modelOk[j]) {
          fill = k[r] * modelled[j] * ((double) gap / spanNs);
          out.flags[j] |= Columnar.FLAG_FILL_MODELLED;
        } else {
          long covered = spanNs - sl[b0 + 1] - sl[b0 + 4];
          if (covered <= 0) continue;
          fill = (sd[b0] + sd[b0 + 3]) / (covered * NS) * (gap * NS);
          out.flags[j] |= Columnar.FLAG_FILL_EXTRAPOLATED;
          if (modelled != null) out.flags[j] |= Columnar.FLAG_MODELLED_JOULES_INVALID;
        }
        sd[3 * (2 * j + (seg.tag[s] == TAG_DECODE ? 1 : 0)) + 2] += fill;
      }
    }

    // ---- tiers and span figures
    double maxGap = o.maxGapFraction();
    long skewNs = Math.round(o.clockSkewSeconds() * 1e9);
    int[] spanOff = spans.resourceOffsets(), spanRes = spans.resources();
    for (int j = 0; j < nSpans; j++) {
      int b0 = 6 * j;
      long spanNs = sl[b0] + sl[b0 + 3], gapNs = sl[b0 + 1] + sl[b0 + 4], resetNs = sl[b0 + 2] + sl[b0 + 5];
      boolean unknown = false;
      byte tier;
      if (spanNs == 0) {
        out.measuredFraction[j] = 1;
        tier = (byte) Tier.MEASURED.ordinal();
        out.flags[j] |= Columnar.FLAG_NO_WEIGHTED_TIME;
      } else {
        double gapFraction = (double) gapNs / spanNs;
        out.measuredFraction[j] = 1 - gapFraction;
        if (resetNs > 0) out.flags[j] |= Columnar.FLAG_RESET;
        if (gapNs == spanNs && !modelOk[j]) {
          unknown = true;
          tier = -1;
          out.flags[j] |= Columnar.FLAG_UNKNOWN;
        } else if (gapFraction <= maxGap && resetNs == 0 && gapNs < spanNs && skewNs <= maxGap * (spans.end()[j] - spans.start()[j])) {
          tier = (byte) Tier.MEASURED.ordinal();
        } else {
          tier = (byte) Tier.MODELLED.ordinal();
        }
      }
      out.tier[j] = tier;
      double measured = sd[b0] + sd[b0 + 3], fill = unknown ? 0 : sd[b0 + 2] + sd[b0 + 5];
      out.measuredJ[j] = measured;
      out.idleJ[j] = sd[b0 + 1] + sd[b0 + 4];
      out.filledJ[j] = fill;
      out.energyJ[j] = unknown ? Double.NaN : measured + fill;
      double sensor = Double.NaN;
      for (int x = spanOff[j]; x < spanOff[j + 1]; x++) {
        double si = timelines[spanRes[x]].sensorS;
        if (!Double.isNaN(si) && !(si <= sensor)) sensor = si;
      }
      out.sensorResolutionS[j] = sensor;
      out.phases[j] = (byte) ((seg.hasPhase[2 * j] ? 1 : 0) | (seg.hasPhase[2 * j + 1] ? 2 : 0));
      for (int ph = 0; ph < 2; ph++) {
        byte[] ptier = ph == 0 ? out.prefillTier : out.decodeTier;
        double[] pj = ph == 0 ? out.prefillJ : out.decodeJ;
        if (!seg.hasPhase[2 * j + ph] || unknown) {
          ptier[j] = -1;
          pj[j] = Double.NaN;
          continue;
        }
        int p = b0 + 3 * ph;
        pj[j] = sd[p] + sd[p + 2];
        long pT = sl[p], pG = sl[p + 1], pR = sl[p + 2];
        boolean phaseMeasured = tier == Tier.MEASURED.ordinal() && pT > 0 && (double) pG / pT <= maxGap && pR == 0;
        if (pT > 0 && phBelowRes[2 * j + ph]) {
          phaseMeasured = false;
          out.flags[j] |= Columnar.FLAG_PHASE_BELOW_RESOLUTION;
        }
        ptier[j] = (byte) (phaseMeasured ? Tier.MEASURED.ordinal() : Tier.MODELLED.ordinal());
      }
    }

    // ---- totals (compensated, in resource order)
    out.totalMeteredJ = sum(out.resMeteredJ);
    out.totalAttributedJ = sum(out.resAttributedJ);
    out.totalIdleJ = sum(out.resIdleJ);
    out.totalUnattributedJ = sum(out.resUnattributedJ);
    out.totalIdleUnownedJ = sum(out.resIdleUnownedJ);
    out.totalReservedIdleJ = sum(out.resReservedIdleJ);
    out.totalFilledJ = sum(out.filledJ);
    return out;
  }

  static double sum(double[] xs) {
    double s = 0, c = 0;
    for (double x : xs) {
      double t = s + x;
      c += Math.abs(s) >= Math.abs(x) ? (s - t) + x : (x - t) + s;
      s = t;
    }
    return s + c;
  }

  // ------------------------------------------------------------------------------------------------------------------
  // Step 1

  static Timeline[] timelines(String[] names, Columnar.Meters m, AttributionOptions o, Columnar.Result out) {
    int nRes = names.length;
    int n = m.size();
    int[] group = new int[n];
    for (int i = 0; i < n; i++) {
      int r = m.resource()[i];
      if (r < 0 || r >= nRes) throw new IllegalArgumentException("meter reading " + i + ": resource index " + r + " out of range");
      double v = m.value()[i];
      if (!Double.isNaN(v) && (v < 0 || Double.isInfinite(v))) {
        throw new IllegalArgumentException(names[r] + ": a meter reading must be finite and >= 0, got " + v);
      }
      group[i] = 2 * r + (m.energy()[i] ? 0 : 1);
    }
    int[] order = RadixSort.order(m.timeNanos(), group, 2 * nRes, n);
    Timeline[] result = new Timeline[nRes];
    int i = 0;
    long[] t = new long[16];
    double[] v = new double[16];
    Timeline counter = null;
    for (int g = 0; g < 2 * nRes; g++) {
      int from = i;
      while (i < n && group[order[i]] == g) i++;
      int len = 0;
      if (t.length < i - from) {
        t = new long[i - from];
        v = new double[i - from];
      }
      boolean isCounter = (g & 1) == 0;
      for (int a = from; a < i; ) {
        long time = m.timeNanos()[order[a]];
        int b = a;
        while (b < i && m.timeNanos()[order[b]] == time) b++;
        t[len] = time;
        v[len] = b - a == 1 ? m.value()[order[a]] : collapse(m.value(), order, a, b, isCounter);
        len++;
        a = b;
      }
      int r = g >> 1;
      if (isCounter) {
        AttributionOptions.CounterWrap wrap = o.counterWraps().get(names[r]);
        counter = normaliseCounter(t, v, len, wrap, o.gapFactor());
      } else {
        Timeline gauge = normaliseGauge(t, v, len, o.gapFactor(), o.gaugeMaxGapSeconds());
        boolean hasCounter = counter.pieces() > 0, hasGauge = gauge.pieces() > 0;
        out.resMeter[r] = (byte) ((hasCounter ? 1 : 0) + (hasGauge ? 2 : 0));
        Timeline merged = overlay(counter, gauge);
        result[r] = merged;
        out.resSensorIntervalS[r] = merged.sensorS;
        out.resMaxGapS[r] = merged.maxGapS;
        double metH = 0, metL = 0, missing = 0, reset = 0;
        int resets = 0;
        for (int p = 0; p < merged.pieces(); p++) {
          byte q = merged.q[p];
          double secs = (merged.b[p + 1] - merged.b[p]) * NS;
          if (q == MEASURED || q == GAP_KNOWN) {
            double x = merged.e[p];
            double tt = metH + x;
            metL += Math.abs(metH) >= Math.abs(x) ? (metH - tt) + x : (x - tt) + metH;
            metH = tt;
          }
          if (q != MEASURED) missing += secs;
          if (q == RESET) {
            reset += secs;
            resets++;
          }
        }
        out.resMeteredJ[r] = metH + metL;
        out.resMissingS[r] = missing;
        out.resResetS[r] = reset;
        out.resResets[r] = resets;
      }
    }
    return result;
  }

  /** Several readings of one series at the same instant: counters keep the largest, gauges the mean; NaN only if all are. */
  private static double collapse(double[] values, int[] order, int a, int b, boolean counter) {
    double[] xs = new double[b - a];
    int n = 0;
    for (int x = a; x < b; x++) if (!Double.isNaN(values[order[x]])) xs[n++] = values[order[x]];
    if (n == 0) return Double.NaN;
    Arrays.sort(xs, 0, n);
    if (counter) return xs[n - 1];
    double s = 0;
    for (int x = 0; x < n; x++) s += xs[x];
    return s / n;
  }

  /** Median of the intervals between consecutive readings, ns; NaN with fewer than two readings. */
  private static double medianInterval(long[] t, int n) {
    if (n < 2) return Double.NaN;
    long[] d = new long[n - 1];
    for (int i = 1; i < n; i++) d[i - 1] = t[i] - t[i - 1];
    Arrays.sort(d);
    int m = d.length;
    return (m & 1) == 1 ? d[m / 2] : (d[m / 2 - 1] + (double) d[m / 2]) / 2;
  }

  static Timeline normaliseCounter(long[] t, double[] v, int n, AttributionOptions.CounterWrap wrap, double gapFactor) {
    double median = medianInterval(t, n);
    if (Double.isNaN(median)) return Timeline.EMPTY;
    double gMax = gapFactor * median;
    long[] b = new long[n + 2];
    byte[] q = new byte[n + 1];
    double[] e = new double[n + 1];
    int k = 0; // pieces
    int first = -1, last = -1;
    for (int i = 0; i < n; i++) {
      if (!Double.isNaN(v[i])) {
        if (first < 0) first = i;
        last = i;
      }
    }
    b[0] = t[0];
    if (first < 0) {
      b[1] = t[n - 1];
      q[0] = MISSING;
      return new Timeline(Arrays.copyOf(b, 2), Arrays.copyOf(q, 1), Arrays.copyOf(e, 1), median * NS, gMax * NS);
    }
    if (first > 0) {
      q[k] = MISSING;
      b[++k] = t[first];
    }
    int prev = first;
    for (int i = first + 1; i <= last; i++) {
      if (Double.isNaN(v[i])) continue; // a counter is cumulative: the next valid reading carries the energy
      long dt = t[i] - t[prev];
      double dv = v[i] - v[prev];
      byte quality;
      double energy;
      if (dv >= 0) {
        energy = dv;
        quality = dt > gMax ? GAP_KNOWN : MEASURED;
      } else if (wrap != null && (wrap.rangeJ() - v[prev] + v[i]) / (dt * NS) <= wrap.maxPowerW() && wrap.rangeJ() >= v[prev]) {
        energy = wrap.rangeJ() - v[prev] + v[i];
        quality = dt > gMax ? GAP_KNOWN : MEASURED;
      } else {
        energy = 0;
        quality = RESET;
      }
      q[k] = quality;
      e[k] = energy;
      b[++k] = t[i];
      prev = i;
    }
    if (last < n - 1) {
      q[k] = MISSING;
      b[++k] = t[n - 1];
    }
    if (k == 0) return Timeline.EMPTY;
    return new Timeline(Arrays.copyOf(b, k + 1), Arrays.copyOf(q, k), Arrays.copyOf(e, k), median * NS, gMax * NS);
  }

  static Timeline normaliseGauge(long[] t, double[] v, int n, double gapFactor, double capSeconds) {
    double median = medianInterval(t, n);
    if (Double.isNaN(median)) return Timeline.EMPTY;
    double gMax = Math.min(gapFactor * median, capSeconds * 1e9);
    long[] b = Arrays.copyOf(t, n);
    byte[] q = new byte[n - 1];
    double[] e = new double[n - 1];
    for (int i = 1; i < n; i++) {
      long dt = t[i] - t[i - 1];
      if (Double.isNaN(v[i]) || Double.isNaN(v[i - 1]) || dt > gMax) q[i - 1] = MISSING;
      else e[i - 1] = (v[i] + v[i - 1]) / 2 * (dt * NS);
    }
    return new Timeline(b, q, e, median * NS, gMax * NS);
  }

  /**
   * The counter where its energy is known (measured or a known-energy gap); elsewhere the gauge where it is measured;
   * elsewhere the counter's or the gauge's unknown pieces. Sensor interval and g_max are those of the counter.
   */
  static Timeline overlay(Timeline a, Timeline g) {
    if (g.pieces() == 0) return a;
    if (a.pieces() == 0) return g;
    long[] times = new long[a.b.length + g.b.length];
    int nt = 0;
    for (int x = 0, y = 0; x < a.b.length || y < g.b.length; ) {
      long next = y >= g.b.length || (x < a.b.length && a.b[x] <= g.b[y]) ? a.b[x] : g.b[y];
      if (x < a.b.length && a.b[x] == next) x++;
      if (y < g.b.length && g.b[y] == next) y++;
      times[nt++] = next;
    }
    long[] ob = new long[nt];
    byte[] oq = new byte[nt];
    double[] oe = new double[nt];
    int[] osrc = new int[nt]; // 1 + piece index for the counter, −(1 + index) for the gauge, 0 none
    int k = 0;
    int ia = -1, ig = -1;
    for (int p = 0; p + 1 < nt; p++) {
      long x0 = times[p], x1 = times[p + 1];
      while (ia + 1 < a.b.length && a.b[ia + 1] <= x0) ia++;
      while (ig + 1 < g.b.length && g.b[ig + 1] <= x0) ig++;
      int pa = ia >= 0 && ia < a.pieces() ? ia : -1;
      int pg = ig >= 0 && ig < g.pieces() ? ig : -1;
      int src;
      byte q;
      double e;
      if (pa >= 0 && (a.q[pa] == MEASURED || a.q[pa] == GAP_KNOWN)) {
        src = 1 + pa;
        q = a.q[pa];
        e = a.e[pa] * ((double) (x1 - x0) / (a.b[pa + 1] - a.b[pa]));
      } else if (pg >= 0 && g.q[pg] == MEASURED) {
        src = -(1 + pg);
        q = MEASURED;
        e = g.e[pg] * ((double) (x1 - x0) / (g.b[pg + 1] - g.b[pg]));
      } else if (pa >= 0) {
        src = 1 + pa;
        q = a.q[pa];
        e = 0;
      } else if (pg >= 0) {
        src = -(1 + pg);
        q = g.q[pg];
        e = 0;
      } else {
        src = 0;
        q = NONE;
        e = 0;
      }
      if (k > 0 && osrc[k - 1] == src && q == oq[k - 1]) {
        ob[k] = x1;
        oe[k - 1] += e;
      } else {
        ob[k] = x0;
        oq[k] = q;
        oe[k] = e;
        osrc[k] = src;
        k++;
        ob[k] = x1;
      }
    }
    // a piece that is a whole source piece keeps the source's exact energy
    for (int p = 0; p < k; p++) {
      int src = osrc[p];
      if (src > 0 && ob[p] == a.b[src - 1] && ob[p + 1] == a.b[src]) oe[p] = a.e[src - 1];
      else if (src < 0 && ob[p] == g.b[-src - 1] && ob[p + 1] == g.b[-src]) oe[p] = g.e[-src - 1];
    }
    return new Timeline(Arrays.copyOf(ob, k + 1), Arrays.copyOf(oq, k), Arrays.copyOf(oe, k), a.sensorS, a.maxGapS);
  }

  // ------------------------------------------------------------------------------------------------------------------
  // Step 2

  /**
   * The {@code percentile} of the power of measured pieces during which no segment is active (linear interpolation
   * between closest ranks); NaN when there is none.
   */
  private static double learnIdle(Timeline t, Segments seg, int from, int to, double percentile) {
    int np = t.pieces();
    if (np == 0) return Double.NaN;
    long[] b = t.b, start = seg.start, end = seg.end;
    boolean[] touched = new boolean[np];
    // segments are sorted by start: merge them into disjoint busy stretches, and mark the pieces each one overlaps
    int p = 0;
    for (int i = from; i < to; ) {
      long busyFrom = start[i], busyTo = end[i++];
      while (i < to && start[i] <= busyTo) busyTo = Math.max(busyTo, end[i++]);
      while (p < np && b[p + 1] <= busyFrom) p++;
      int q = p;
      while (q < np && b[q] < busyTo) touched[q++] = true;
      p = Math.max(p, q - 1);
    }
    double[] powers = new double[np];
    int n = 0;
    for (int x = 0; x < np; x++) if (t.q[x] == MEASURED && !touched[x]) powers[n++] = t.e[x] / ((b[x + 1] - b[x]) * NS);
    if (n == 0) return Double.NaN;
    Arrays.sort(powers, 0, n);
    double h = (n - 1) * percentile;
    int lo = (int) Math.floor(h);
    int hi = Math.min(lo + 1, n - 1);
    return powers[lo] + (h - lo) * (powers[hi] - powers[lo]);
  }

  // ------------------------------------------------------------------------------------------------------------------
  // Step 3

  static final class Segments {
    int size;
    int[] res, span;
    long[] start, end;
    double[] weight;
    byte[] tag;
    boolean[] hasPhase; // 2 per span: prefill, decode

    /** Renumbers the segments: new segment {@code i} is old segment {@code order[i]}. */
    void permute(int[] order) {
      int[] r2 = new int[size], s2 = new int[size];
      long[] a2 = new long[size], b2 = new long[size];
      double[] w2 = new double[size];
      byte[] t2 = new byte[size];
      for (int i = 0; i < size; i++) {
        int o = order[i];
        r2[i] = res[o];
        s2[i] = span[o];
        a2[i] = start[o];
        b2[i] = end[o];
        w2[i] = weight[o];
        t2[i] = tag[o];
      }
      res = r2;
      span = s2;
      start = a2;
      end = b2;
      weight = w2;
      tag = t2;
    }
  }

  private static long at(long[] column, int j) {
    return column == null ? Columnar.NO_TIME : column[j];
  }

  static Segments segments(int nRes, Columnar.Spans sp, Columnar.Result out) {
    int n = sp.size();
    int[] off = sp.resourceOffsets(), rs = sp.resources();
    long bound = 0; // at most two pieces per span and resource
    for (int j = 0; j < n; j++) {
      if (off[j + 1] < off[j]) throw new IllegalArgumentException("span " + j + ": resource offsets must not decrease");
      for (int x = off[j]; x < off[j + 1]; x++) {
        if (rs[x] < 0 || rs[x] >= nRes) throw new IllegalArgumentException("span " + j + ": resource index " + rs[x] + " out of range");
        if (x > off[j] && rs[x] <= rs[x - 1]) throw new IllegalArgumentException("span " + j + ": resources must be sorted and distinct");
      }
      bound += 2L * (off[j + 1] - off[j]);
    }
    if (bound > Integer.MAX_VALUE - 16) throw new IllegalArgumentException("too many span segments: " + bound);
    Segments seg = new Segments();
    int m = (int) bound;
    seg.res = new int[m];
    seg.span = new int[m];
    seg.start = new long[m];
    seg.end = new long[m];
    seg.weight = new double[m];
    seg.tag = new byte[m];
    seg.hasPhase = new boolean[2 * n];
    int i = 0;
    long[] ps = new long[2], pe = new long[2];
    double[] pw = new double[2];
    byte[] pt = new byte[2];
    for (int j = 0; j < n; j++) {
      long s = sp.start()[j], e = sp.end()[j];
      if (e < s) throw new IllegalArgumentException("span " + j + ": end before start");
      long pS = at(sp.prefillStart(), j), pE = at(sp.prefillEnd(), j), dS = at(sp.decodeStart(), j), dE = at(sp.decodeEnd(), j);
      boolean hasP = pS != Columnar.NO_TIME && pE != Columnar.NO_TIME;
      boolean hasD = dS != Columnar.NO_TIME && dE != Columnar.NO_TIME;
      if (hasP) {
        pS = Math.max(pS, s);
        pE = Math.min(pE, e);
        hasP = pE > pS;
      }
      if (hasD) {
        dS = Math.max(dS, s);
        dE = Math.min(dE, e);
        hasD = dE > dS;
      }
      long in = sp.inputTokens() == null ? -1 : sp.inputTokens()[j];
      long outT = sp.outputTokens() == null ? -1 : sp.outputTokens()[j];
      int c = 0;
      byte mode;
      if (hasP || hasD) {
        seg.hasPhase[2 * j] = hasP;
        seg.hasPhase[2 * j + 1] = hasD;
        double wP = 0, wD = 0;
        if (in >= 0 && outT >= 0) {
          wP = hasP ? in / ((pE - pS) * NS) : 0;
          wD = hasD ? Math.max(0, outT - 1) / ((dE - dS) * NS) : 0;
        }
        if (wP > 0 || wD > 0) mode = PHASE_TOKEN_RATE;
        else {
          mode = TIME_SHARE;
          wP = hasP ? 1 : 0;
          wD = hasD ? 1 : 0;
        }
        if (wP > 0) {
          ps[c] = pS;
          pe[c] = pE;
          pw[c] = wP;
          pt[c++] = TAG_PREFILL;
        }
        if (wD > 0) {
          ps[c] = dS;
          pe[c] = dE;
          pw[c] = wD;
          pt[c++] = TAG_DECODE;
        }
      } else {
        long qS = at(sp.queueStart(), j), qE = at(sp.queueEnd(), j);
        boolean hasQ = qS != Columnar.NO_TIME && qE != Columnar.NO_TIME && Math.min(qE, e) > Math.max(qS, s);
        long length = 0;
        if (!hasQ) {
          if (e > s) {
            ps[c] = s;
            pe[c++] = e;
            length = e - s;
          }
        } else {
          qS = Math.max(qS, s);
          qE = Math.min(qE, e);
          if (qS > s) {
            ps[c] = s;
            pe[c++] = qS;
            length += qS - s;
          }
          if (e > qE) {
            ps[c] = qE;
            pe[c++] = e;
            length += e - qE;
          }
        }
        long tokens = Math.max(0, in) + Math.max(0, outT);
        double w;
        if ((in >= 0 || outT >= 0) && tokens > 0 && length > 0) {
          mode = SPAN_TOKENS;
          w = tokens / (length * NS);
        } else {
          mode = TIME_SHARE;
          w = 1;
        }
        for (int x = 0; x < c; x++) {
          pw[x] = w;
          pt[x] = TAG_SPAN;
        }
      }
      out.allocation[j] = mode;
      for (int x = off[j]; x < off[j + 1]; x++) {
        for (int y = 0; y < c; y++) {
          seg.res[i] = rs[x];
          seg.span[i] = j;
          seg.start[i] = ps[y];
          seg.end[i] = pe[y];
          seg.weight[i] = pw[y];
          seg.tag[i] = pt[y];
          i++;
        }
      }
    }
    seg.size = i;
    return seg;
  }

  // ------------------------------------------------------------------------------------------------------------------
  // Step 4

  /**
   * The virtual-energy sweep. Per segment, at its start it snapshots Φ (dynamic J per unit weight), Ψ (idle J per unit
   * weight), G (uncovered ns), R (reset ns) and B (meter boundaries passed); at its end it stores
   * {@code w·ΔΦ, w·ΔΨ, ΔG, ΔR, ΔB} in the same slots. Φ, Ψ and W are compensated (Neumaier) sums.
   */
  static final class Sweep {
    final double[] dyn, dynLo, idle, idleLo; // snapshot hi/lo of Φ and Ψ, then results in dyn / idle
    final long[] gap, reset;
    final int[] bounds;
    final double[] tenantReserved; // hi/lo pairs
    double unattributed, idleUnowned, reservedThisResource;

    Sweep(int nSeg, int tenants) {
      dyn = new double[nSeg];
      dynLo = new double[nSeg];
      idle = new double[nSeg];
      idleLo = new double[nSeg];
      gap = new long[nSeg];
      reset = new long[nSeg];
      bounds = new int[nSeg];
      tenantReserved = new double[2 * tenants];
    }

    // binary min-heap of active segments by (end, span, segment): deterministic order for equal ends; the end time is
    // kept beside the index so comparisons stay in the heap's own arrays
    int[] heap = new int[64];
    long[] heapEnd = new long[64];
    int size;

    private static boolean before(Segments seg, long ea, int a, long eb, int b) {
      if (ea != eb) return ea < eb;
      int sa = seg.span[a], sb = seg.span[b];
      return sa != sb ? sa < sb : a < b;
    }

    void push(Segments seg, int s) {
      if (size == heap.length) {
        heap = Arrays.copyOf(heap, 2 * size);
        heapEnd = Arrays.copyOf(heapEnd, 2 * size);
      }
      long e = seg.end[s];
      int i = size++;
      while (i > 0) {
        int parent = (i - 1) >>> 1;
        if (!before(seg, e, s, heapEnd[parent], heap[parent])) break;
        heap[i] = heap[parent];
        heapEnd[i] = heapEnd[parent];
        i = parent;
      }
      heap[i] = s;
      heapEnd[i] = e;
    }

    int pop(Segments seg) {
      int top = heap[0];
      int last = heap[--size];
      long lastEnd = heapEnd[size];
      int i = 0;
      while (true) {
        int c = 2 * i + 1;
        if (c >= size) break;
        if (c + 1 < size && before(seg, heapEnd[c + 1], heap[c + 1], heapEnd[c], heap[c])) c++;
        if (!before(seg, heapEnd[c], heap[c], lastEnd, last)) break;
        heap[i] = heap[c];
        heapEnd[i] = heapEnd[c];
        i = c;
      }
      heap[i] = last;
      heapEnd[i] = lastEnd;
      return top;
    }

    void sweep(Timeline t, double idleW, Segments seg, int from, int to, int[] spanTenant, boolean reservation) {
      int np = t.pieces();
      long[] b = t.b;
      byte[] q = t.q;
      // per-piece dynamic and idle power
      double[] pDyn = new double[np], pIdle = new double[np];
      for (int p = 0; p < np; p++) {
        if (q[p] == MEASURED || q[p] == GAP_KNOWN) {
          double power = t.e[p] / ((b[p + 1] - b[p]) * NS);
          double pi = q[p] == MEASURED ? Math.min(idleW, power) : 0;
          pIdle[p] = pi;
          pDyn[p] = power - pi;
        }
      }
      long[] segStart = seg.start;
      double[] w = seg.weight;
      size = 0;
      double phiH = 0, phiL = 0, psiH = 0, psiL = 0, wH = 0, wL = 0;
      long gAcc = 0, rAcc = 0;
      int bAcc = 0, active = 0, lastTenant = -1;
      double unH = 0, unL = 0, idH = 0, idL = 0, rsH = 0, rsL = 0;
      int si = from, bi = 0;
      long now = 0;
      boolean started = false;
      while (si < to || size > 0 || bi < b.length) {
        long next = Long.MAX_VALUE;
        if (size > 0) next = heapEnd[0];
        if (bi < b.length && b[bi] < next) next = b[bi];
        if (si < to && segStart[si] < next) next = segStart[si];
        if (started && next > now) {
          // integrate [now, next) with the current piece
          long dn = next - now;
          int cp = bi - 1;
          byte quality = cp >= 0 && cp < np ? q[cp] : NONE;
          if (quality == MEASURED) {
            double d = pDyn[cp] * (dn * NS), id = pIdle[cp] * (dn * NS);
            if (active > 0) {
              double W = wH + wL;
              double x = d / W;
              double tt = phiH + x;
              phiL += Math.abs(phiH) >= Math.abs(x) ? (phiH - tt) + x : (x - tt) + phiH;
              phiH = tt;
              x = id / W;
              tt = psiH + x;
              psiL += Math.abs(psiH) >= Math.abs(x) ? (psiH - tt) + x : (x - tt) + psiH;
              psiH = tt;
            } else {
              double tt = unH + d;
              unL += Math.abs(unH) >= Math.abs(d) ? (unH - tt) + d : (d - tt) + unH;
              unH = tt;
              if (reservation && lastTenant >= 0) {
                tt = rsH + id;
                rsL += Math.abs(rsH) >= Math.abs(id) ? (rsH - tt) + id : (id - tt) + rsH;
                rsH = tt;
                double[] tr = tenantReserved;
                int k = 2 * lastTenant;
                tt = tr[k] + id;
                tr[k + 1] += Math.abs(tr[k]) >= Math.abs(id) ? (tr[k] - tt) + id : (id - tt) + tr[k];
                tr[k] = tt;
              } else {
                tt = idH + id;
                idL += Math.abs(idH) >= Math.abs(id) ? (idH - tt) + id : (id - tt) + idH;
                idH = tt;
              }
            }
          } else {
            gAcc += dn;
            if (quality == RESET) rAcc += dn;
            if (quality == GAP_KNOWN) {
              double d = pDyn[cp] * (dn * NS);
              double tt = unH + d;
              unL += Math.abs(unH) >= Math.abs(d) ? (unH - tt) + d : (d - tt) + unH;
              unH = tt;
            }
          }
        }
        now = next;
        started = true;
        // ends, then meter boundaries, then starts: B counts only boundaries strictly inside a segment
        while (size > 0 && heapEnd[0] == now) {
          int s = pop(seg);
          double ws = w[s];
          // Φ and Ψ never decrease; max(0, …) only removes a rounding residue of the compensation terms
          dyn[s] = Math.max(0, ws * ((phiH - dyn[s]) + (phiL - dynLo[s])));
          idle[s] = Math.max(0, ws * ((psiH - idle[s]) + (psiL - idleLo[s])));
          gap[s] = gAcc - gap[s];
          reset[s] = rAcc - reset[s];
          bounds[s] = bAcc - bounds[s];
          if (--active == 0) {
            wH = 0;
            wL = 0;
          } else {
            double x = -ws, tt = wH + x;
            wL += Math.abs(wH) >= Math.abs(x) ? (wH - tt) + x : (x - tt) + wH;
            wH = tt;
          }
          if (spanTenant != null) lastTenant = spanTenant[seg.span[s]];
        }
        while (bi < b.length && b[bi] == now) {
          bi++;
          bAcc++;
        }
        while (si < to && segStart[si] == now) {
          int s = si++;
          dyn[s] = phiH;
          dynLo[s] = phiL;
          idle[s] = psiH;
          idleLo[s] = psiL;
          gap[s] = gAcc;
          reset[s] = rAcc;
          bounds[s] = bAcc;
          active++;
          push(seg, s);
          double x = w[s], tt = wH + x;
          wL += Math.abs(wH) >= Math.abs(x) ? (wH - tt) + x : (x - tt) + wH;
          wH = tt;
        }
      }
      unattributed = unH + unL;
      idleUnowned = idH + idL;
      reservedThisResource = rsH + rsL;
    }
  }
}
