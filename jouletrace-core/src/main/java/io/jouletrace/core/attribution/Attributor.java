package io.jouletrace.core.attribution;

import io.jouletrace.core.figure.NullReason;
import io.jouletrace.core.figure.Tier;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Splits metered energy exactly among the runs that drew it (measured.md §5.3). Inputs may come in any order; the
 * result does not depend on it.
 *
 * <h2>1. Meters → intervals</h2>
 * Per resource and kind, readings are sorted by time; readings at the same instant collapse (counters: the largest,
 * gauges: the mean; a NaN only if all are NaN). g_max = {@code gapFactor ×} the median interval between readings (for
 * gauges at most {@code gaugeMaxGapSeconds}).
 * <ul>
 *   <li><b>Energy counter</b>: the energy of {@code [t_{i−1}, t_i)} between consecutive <em>valid</em> readings is their
 *   difference (a NaN reading is skipped: the next valid reading carries its energy). A decrease is a <em>reset</em>
 *   (energy unknown) unless a {@link AttributionOptions.CounterWrap} for the resource accepts it as a wrap. A difference
 *   over more than g_max is a <em>known-energy gap</em>: its energy is metered but cannot be placed in time, so it goes to
 *   {@code unattributed_j} and counts as uncovered time for spans. Time before the first / after the last valid reading
 *   (but within the readings) is missing. Prometheus' {@code increase()} reset convention is not used.</li>
 *   <li><b>Power gauge</b>: trapezoid between consecutive readings; an interval with a NaN end or longer than g_max is
 *   missing (never zero). Nothing is extrapolated beyond the first or last reading.</li>
 *   <li>When a resource has both, the counter is used; the gauge fills only the counter's unknown time (missing, reset,
 *   or outside its readings).</li>
 *   <li>Within an interval the power is taken as constant.</li>
 * </ul>
 *
 * <h2>2. Idle baseline</h2>
 * {@link AttributionOptions#idleWatts} for the resource; else learned: the {@code idlePercentile} (default 5th,
 * linear interpolation between closest ranks, over intervals, unweighted) of the power of measured intervals during
 * which no span segment of positive weight is active; else 0 ({@code idle_source: none}). Per interval the idle part is
 * {@code min(P_idle, p)·Δt}, the dynamic part the rest.
 *
 * <h2>3. Weights</h2> Constant per segment (identical on every resource of a tensor-parallel span):
 * <ul>
 *   <li>{@code phase_token_rate} (a prefill or decode phase and both token counts known): prefill
 *   {@code input_tokens / prefill duration}, decode {@code (output_tokens − 1) / decode duration}; queue and time outside
 *   the phases weigh 0.</li>
 *   <li>{@code span_tokens} (no prefill/decode phase, some tokens): {@code (input + output) / duration} over the span
 *   minus its queue phase.</li>
 *   <li>{@code time_share} (otherwise, or when token weights are all 0): weight 1 on the prefill and decode phases if any,
 *   else on the span minus its queue phase. Weights of different allocations share a resource as they are: a time-share
 *   span counts as 1 token/s next to token-weighted ones.</li>
 * </ul>
 * Phases other than {@code queue}, {@code prefill}, {@code decode} are ignored; phases are clipped to the span.
 *
 * <h2>4. Sweep</h2> Per resource one pass over the meter boundaries and the segment starts (radix-sorted) and ends (a
 * binary heap of the active segments), so O((N+M)·log) overall and never N×M, with compensated (Neumaier) accumulators
 * Φ (dynamic J per unit weight) and Ψ (idle J per unit weight): a segment gets {@code w·ΔΦ} and {@code w·ΔΨ} over its
 * life. While no positive-weight segment is active, dynamic energy goes to {@code unattributed_j} and idle to
 * {@code idle_unowned_j} (or to a tenant under idle_by_reservation).
 *
 * <h2>5–6. Roll-up and idle policy</h2> A span's {@code measured_j} is the sum over its resources and segments of its
 * dynamic share plus, under idle_to_active and idle_by_reservation, its idle share (also reported as its
 * {@code idle_j}); under idle_separate its idle share stays in the resource's {@code idle_j}. Under
 * <b>idle_by_reservation</b> a fully idle stretch of a resource is reserved by the tenant of the span whose segment on
 * that resource ended last before it (at equal end times, the span that sorts last by id); idle before any span on a
 * resource, or after a span without tenant, stays unowned. Reserved idle is reported per tenant and per resource, never
 * added to a span.
 *
 * <h2>7. Tiers and gap filling</h2> A span's uncovered time (missing, reset, known-energy gap, or no meter) on its
 * resources is filled:
 * <ul>
 *   <li>with {@link AttributionOptions#modelledJoules} when given and finite ≥ 0 for the span: each uncovered piece of the
 *   span gets {@code k_r × M × (uncovered ns / span weighted ns)}, where {@code k_r} = Σ measured / Σ modelled over the
 *   covered parts of all spans on that resource that have a model figure (the model figure spread uniformly over each
 *   span's weighted resource-time); without covered data on the resource, the same ratio over all resources, else 1;
 *   note {@code fill:modelled};</li>
 *   <li>otherwise by extrapolating the span's covered average power (its measured energy ÷ its covered resource-seconds)
 *   over its uncovered resource-seconds; note {@code fill:extrapolated};</li>
 *   <li>with neither model nor coverage the energy is unknown (null, {@link NullReason#ENERGY_UNKNOWN}), never 0.</li>
 * </ul>
 * The tier is {@code measured} when the uncovered fraction is ≤ {@code maxGapFraction} (default 5 %), no reset falls in
 * the span, some of it is covered (the small gap is still filled) and the declared clock skew
 * ({@link AttributionOptions#clockSkewSeconds}) is at most {@code maxGapFraction} of the span's duration; otherwise
 * {@code modelled}. Phase tiers: see
 * {@link Attribution.PhaseEnergy}. A span with no positive-weight time (zero length, or queue only) gets 0 J,
 * {@code measured}, measured_fraction 1, note {@code no_weighted_time}.
 *
 * <p>Figures per token use {@code energy_j}; {@code facility_j = energy_j × PUE}.
 */
public final class Attributor {

  private Attributor() {}

  /**
   * Attributes the energy of {@code samples} to {@code spans}. Span ids must be distinct; the result lists spans sorted
   * by id.
   */
  public static Attribution attribute(List<MeterSample> samples, List<RunSpan> spans, AttributionOptions options) {
    Objects.requireNonNull(options, "options");
    Prepared p = prepare(samples, spans, options);
    Columnar.Result r = attributeColumns(p.resources(), p.tenants().length, p.meters(), p.spans(), options);
    return toAttribution(r, p.resources(), p.tenants(), p.sorted(), options);
  }

  /** The object inputs as columns: spans sorted by id, resources and tenants sorted by name, times relative to a base. */
  record Prepared(String[] resources, String[] tenants, List<RunSpan> sorted, Columnar.Meters meters, Columnar.Spans spans) {}

  static Prepared prepare(List<MeterSample> samples, List<RunSpan> spans, AttributionOptions options) {
    Objects.requireNonNull(samples, "samples");
    Objects.requireNonNull(spans, "spans");
    List<RunSpan> sorted = new ArrayList<>(spans);
    sorted.sort(Comparator.comparing(RunSpan::id));
    for (int j = 1; j < sorted.size(); j++) {
      if (sorted.get(j).id().equals(sorted.get(j - 1).id())) throw new IllegalArgumentException("duplicate span id `" + sorted.get(j).id() + "`");
    }
    TreeSet<String> resourceSet = new TreeSet<>();
    TreeSet<String> tenantSet = new TreeSet<>();
    long baseSecond = Long.MAX_VALUE;
    for (MeterSample s : samples) {
      resourceSet.add(s.resource());
      baseSecond = Math.min(baseSecond, s.time().getEpochSecond());
    }
    for (RunSpan s : sorted) {
      resourceSet.addAll(s.resources());
      if (s.tenant() != null) tenantSet.add(s.tenant());
      baseSecond = Math.min(baseSecond, s.start().getEpochSecond());
      for (RunSpan.Interval i : s.phases().values()) baseSecond = Math.min(baseSecond, i.start().getEpochSecond());
    }
    String[] resources = resourceSet.toArray(String[]::new);
    String[] tenants = tenantSet.toArray(String[]::new);
    Map<String, Integer> resourceIndex = index(resources);
    Map<String, Integer> tenantIndex = index(tenants);

    int m = samples.size();
    int[] res = new int[m];
    long[] time = new long[m];
    boolean[] energy = new boolean[m];
    double[] value = new double[m];
    for (int i = 0; i < m; i++) {
      MeterSample s = samples.get(i);
      res[i] = resourceIndex.get(s.resource());
      time[i] = nanos(s.time(), baseSecond);
      energy[i] = s.kind() == MeterSample.Kind.ENERGY;
      value[i] = s.value();
    }

    int n = sorted.size();
    int[][] spanResources = new int[n][];
    int[] offsets = new int[n + 1];
    for (int j = 0; j < n; j++) {
      spanResources[j] = sorted.get(j).resources().stream().distinct().mapToInt(resourceIndex::get).sorted().toArray();
      offsets[j + 1] = offsets[j] + spanResources[j].length;
    }
    int[] spanRes = new int[offsets[n]];
    long[] start = new long[n], end = new long[n], qS = new long[n], qE = new long[n], pS = new long[n], pE = new long[n], dS = new long[n],
        dE = new long[n], in = new long[n], out = new long[n];
    long[][] bounds = {qS, qE, pS, pE, dS, dE};
    String[] names = {RunSpan.QUEUE, RunSpan.PREFILL, RunSpan.DECODE};
    int[] tenant = new int[n];
    double[] modelled = options.modelledJoules() == null ? null : new double[n];
    for (int j = 0; j < n; j++) {
      RunSpan s = sorted.get(j);
      System.arraycopy(spanResources[j], 0, spanRes, offsets[j], spanResources[j].length);
      start[j] = nanos(s.start(), baseSecond);
      end[j] = nanos(s.end(), baseSecond);
      for (int p = 0; p < 3; p++) {
        RunSpan.Interval interval = s.phases().get(names[p]);
        bounds[2 * p][j] = interval == null ? Columnar.NO_TIME : nanos(interval.start(), baseSecond);
        bounds[2 * p + 1][j] = interval == null ? Columnar.NO_TIME : nanos(interval.end(), baseSecond);
      }
      in[j] = s.inputTokens() == null ? -1 : s.inputTokens();
      out[j] = s.outputTokens() == null ? -1 : s.outputTokens();
      tenant[j] = s.tenant() == null ? -1 : tenantIndex.get(s.tenant());
      if (modelled != null) modelled[j] = options.modelledJoules().applyAsDouble(s);
    }
    return new Prepared(resources, tenants, sorted, new Columnar.Meters(m, res, time, energy, value),
        new Columnar.Spans(n, offsets, spanRes, start, end, qS, qE, pS, pE, dS, dE, in, out, tenant, modelled));
  }

  /**
   * The same attribution over primitive columns, for large workloads: memory O(N + M) primitives, time
   * O((N + M)·log) dominated by radix sorts and one sweep per resource. {@link AttributionOptions#modelledJoules} is not
   * used here: pass {@link Columnar.Spans#modelledJ} instead; {@code idleWatts} and {@code counterWraps} are looked up by
   * resource name.
   *
   * @param resourceNames the names the resource indices of {@code meters} and {@code spans} refer to
   * @param tenants number of tenants the tenant indices of {@code spans} refer to
   */
  public static Columnar.Result attributeColumns(String[] resourceNames, int tenants, Columnar.Meters meters, Columnar.Spans spans,
      AttributionOptions options) {
    Objects.requireNonNull(resourceNames, "resourceNames");
    Objects.requireNonNull(options, "options");
    return AttributionEngine.run(resourceNames, tenants, meters, spans, options);
  }

  private static Map<String, Integer> index(String[] names) {
    Map<String, Integer> index = new java.util.HashMap<>();
    for (int i = 0; i < names.length; i++) index.put(names[i], i);
    return index;
  }

  private static long nanos(Instant t, long baseSecond) {
    try {
      return Math.addExact(Math.multiplyExact(t.getEpochSecond() - baseSecond, 1_000_000_000L), t.getNano());
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("times span more than 292 years: " + t, e);
    }
  }

  private static Attribution toAttribution(Columnar.Result r, String[] resources, String[] tenants, List<RunSpan> spans,
      AttributionOptions o) {
    List<Attribution.SpanEnergy> out = new ArrayList<>(spans.size());
    double[] tenantEnergy = new double[tenants.length], tenantMeasured = new double[tenants.length];
    int[] tenantSpans = new int[tenants.length], tenantUnknown = new int[tenants.length];
    for (int j = 0; j < spans.size(); j++) {
      RunSpan s = spans.get(j);
      boolean unknown = Double.isNaN(r.energyJ[j]);
      Double energy = unknown ? null : r.energyJ[j];
      Map<String, Attribution.PhaseEnergy> phases = new LinkedHashMap<>();
      if ((r.phases[j] & 1) != 0) phases.put(RunSpan.PREFILL, phase(r.prefillJ[j], r.prefillTier[j]));
      if ((r.phases[j] & 2) != 0) phases.put(RunSpan.DECODE, phase(r.decodeJ[j], r.decodeTier[j]));
      Long inT = s.inputTokens(), outT = s.outputTokens();
      Double perOut = energy != null && outT != null && outT > 0 ? energy / outT : null;
      long tokens = (inT == null ? 0 : inT) + (outT == null ? 0 : outT);
      Double perToken = energy != null && tokens > 0 ? energy / tokens : null;
      Double facility = energy != null && o.pue() != null ? energy * o.pue() : null;
      List<String> notes = new ArrayList<>();
      for (int b = 0; b < Columnar.FLAG_NOTES.length; b++) if ((r.flags[j] & (1 << b)) != 0) notes.add(Columnar.FLAG_NOTES[b]);
      NullReason why = unknown ? new NullReason(NullReason.ENERGY_UNKNOWN, "No meter covered span `" + s.id()
          + "` on " + String.join(", ", new TreeSet<>(s.resources())) + " and no modelled estimate was given.") : null;
      out.add(new Attribution.SpanEnergy(s.id(), energy, r.tier[j] < 0 ? null : Tier.values()[r.tier[j]], r.measuredFraction[j], r.measuredJ[j],
          r.filledJ[j], r.idleJ[j], Collections.unmodifiableMap(phases), perOut, perToken, facility, Columnar.ALLOCATIONS[r.allocation[j]],
          o.idlePolicy(), new ArrayList<>(new TreeSet<>(s.resources())), Double.isNaN(r.sensorResolutionS[j]) ? null : r.sensorResolutionS[j],
          notes, why));
      if (s.tenant() != null) {
        int t = java.util.Arrays.binarySearch(tenants, s.tenant());
        tenantSpans[t]++;
        tenantMeasured[t] += r.measuredJ[j];
        if (unknown) tenantUnknown[t]++;
        else tenantEnergy[t] += r.energyJ[j];
      }
    }
    TreeMap<String, Attribution.ResourceEnergy> resourceMap = new TreeMap<>();
    for (int i = 0; i < resources.length; i++) {
      resourceMap.put(resources[i], new Attribution.ResourceEnergy(r.resMeteredJ[i], r.resAttributedJ[i], r.resIdleJ[i], r.resIdleUnownedJ[i],
          r.resReservedIdleJ[i], r.resUnattributedJ[i], r.resMissingS[i], r.resResetS[i], r.resResets[i], r.resIdleWatts[i],
          Columnar.IDLE_SOURCES[r.resIdleSource[i]], Columnar.METERS[r.resMeter[i]], nullIfNaN(r.resSensorIntervalS[i]),
          nullIfNaN(r.resMaxGapS[i])));
    }
    TreeMap<String, Attribution.TenantEnergy> tenantMap = new TreeMap<>();
    for (int t = 0; t < tenants.length; t++) {
      tenantMap.put(tenants[t], new Attribution.TenantEnergy(tenantEnergy[t], tenantMeasured[t], r.tenantReservedIdleJ[t], tenantSpans[t],
          tenantUnknown[t]));
    }
    Attribution.Totals totals = new Attribution.Totals(r.totalMeteredJ, r.totalAttributedJ, r.totalIdleJ, r.totalUnattributedJ, r.totalIdleUnownedJ,
        r.totalReservedIdleJ, r.totalFilledJ);
    return new Attribution(o.idlePolicy(), totals, out, Collections.unmodifiableSortedMap(resourceMap),
        Collections.unmodifiableSortedMap(tenantMap));
  }

  private static Attribution.PhaseEnergy phase(double energy, byte tier) {
    return new Attribution.PhaseEnergy(Double.isNaN(energy) ? null : energy, tier < 0 ? null : Tier.values()[tier]);
  }

  private static Double nullIfNaN(double x) {
    return Double.isNaN(x) ? null : x;
  }
}
