package io.jouletrace.core.attribution;

import java.util.Objects;

/**
 * Primitive-array input and output of {@link Attributor#attributeColumns}: the same algorithm as
 * {@link Attributor#attribute}, without one object per sample or span, for workloads of millions of spans and samples.
 * Times are {@code long} nanoseconds on any common origin (epoch nanoseconds reach the year 2262). Arrays are used as
 * given, not copied: do not change them during a call.
 */
public final class Columnar {

  private Columnar() {}

  /** Marks an absent phase bound. */
  public static final long NO_TIME = Long.MIN_VALUE;

  /**
   * Meter readings, in any order.
   *
   * @param resource index into the resource names of the call, per reading
   * @param timeNanos reading time
   * @param energy true: a cumulative energy counter in J; false: a power gauge in W
   * @param value the reading; NaN: missing (never a zero)
   */
  public record Meters(int size, int[] resource, long[] timeNanos, boolean[] energy, double[] value) {
    public Meters {
      Objects.requireNonNull(resource, "resource");
      Objects.requireNonNull(timeNanos, "timeNanos");
      Objects.requireNonNull(energy, "energy");
      Objects.requireNonNull(value, "value");
      if (size < 0 || resource.length < size || timeNanos.length < size || energy.length < size || value.length < size) {
        throw new IllegalArgumentException("meter columns are shorter than size " + size);
      }
    }
  }

  /**
   * Spans; {@link Result} rows keep this order. Optional columns may be null.
   *
   * @param resourceOffsets span {@code j} runs on {@code resources[resourceOffsets[j] .. resourceOffsets[j+1])}, which must
   *     be sorted ascending and distinct
   * @param queueStart phase bounds: {@link #NO_TIME} (or a null column) when the phase is absent
   * @param inputTokens token counts; −1 (or a null column) when unknown
   * @param tenant index into the tenant names of the call; −1 (or a null column): none
   * @param modelledJ modelled-tier estimate of the whole span's energy, J; NaN (or a null column): none
   */
  public record Spans(int size, int[] resourceOffsets, int[] resources, long[] start, long[] end, long[] queueStart, long[] queueEnd,
      long[] prefillStart, long[] prefillEnd, long[] decodeStart, long[] decodeEnd, long[] inputTokens, long[] outputTokens, int[] tenant,
      double[] modelledJ) {
    public Spans {
      Objects.requireNonNull(resourceOffsets, "resourceOffsets");
      Objects.requireNonNull(resources, "resources");
      Objects.requireNonNull(start, "start");
      Objects.requireNonNull(end, "end");
      if (size < 0 || resourceOffsets.length < size + 1 || start.length < size || end.length < size) {
        throw new IllegalArgumentException("span columns are shorter than size " + size);
      }
    }
  }

  /** Codes of {@link Result#allocation}. */
  public static final String[] ALLOCATIONS = {"phase_token_rate", "span_tokens", "time_share"};

  /** Bits of {@link Result#flags}, in the order of {@link #FLAG_NOTES}. */
  public static final int FLAG_RESET = 1, FLAG_FILL_MODELLED = 2, FLAG_FILL_EXTRAPOLATED = 4, FLAG_PHASE_BELOW_RESOLUTION = 8,
      FLAG_NO_WEIGHTED_TIME = 16, FLAG_MODELLED_JOULES_INVALID = 32, FLAG_UNKNOWN = 64;

  /** The note each flag bit prints as (bit {@code 1 << i} is {@code FLAG_NOTES[i]}). */
  public static final String[] FLAG_NOTES = {"reset", "fill:modelled", "fill:extrapolated", "phase_split_below_resolution",
      "no_weighted_time", "modelled_joules_invalid", "energy_unknown"};

  /** Codes of {@link Result#idleSource}. */
  public static final String[] IDLE_SOURCES = {"configured", "learned", "none"};

  /** Codes of {@link Result#meter}. */
  public static final String[] METERS = {"none", "energy_counter", "power_gauge", "energy_counter+power_gauge"};

  /**
   * Per-span, per-resource and per-tenant figures; see {@link Attribution} for their meaning. Tiers are
   * {@link io.jouletrace.core.figure.Tier} ordinals, −1 where unknown or absent; energies are NaN where unknown or absent.
   */
  public static final class Result {
    public final io.jouletrace.core.attribution.IdlePolicy idlePolicy;
    // spans
    public final double[] energyJ, measuredJ, filledJ, idleJ, measuredFraction, prefillJ, decodeJ, sensorResolutionS;
    /** Tier ordinals; −1 unknown or absent. */
    public final byte[] tier, prefillTier, decodeTier;
    /** Index into {@link Columnar#ALLOCATIONS}. */
    public final byte[] allocation;
    /** Which phases a span has: bit 0 prefill, bit 1 decode. */
    public final byte[] phases;
    public final int[] flags;
    // resources
    public final double[] resMeteredJ, resAttributedJ, resIdleJ, resIdleUnownedJ, resReservedIdleJ, resUnattributedJ, resMissingS,
        resResetS, resIdleWatts, resSensorIntervalS, resMaxGapS;
    public final int[] resResets;
    public final byte[] resIdleSource, resMeter;
    // tenants
    public final double[] tenantReservedIdleJ;
    // totals
    public double totalMeteredJ, totalAttributedJ, totalIdleJ, totalUnattributedJ, totalIdleUnownedJ, totalReservedIdleJ, totalFilledJ;

    Result(IdlePolicy idlePolicy, int spans, int resources, int tenants) {
      this.idlePolicy = idlePolicy;
      energyJ = new double[spans];
      measuredJ = new double[spans];
      filledJ = new double[spans];
      idleJ = new double[spans];
      measuredFraction = new double[spans];
      prefillJ = new double[spans];
      decodeJ = new double[spans];
      sensorResolutionS = new double[spans];
      tier = new byte[spans];
      prefillTier = new byte[spans];
      decodeTier = new byte[spans];
      allocation = new byte[spans];
      phases = new byte[spans];
      flags = new int[spans];
      resMeteredJ = new double[resources];
      resAttributedJ = new double[resources];
      resIdleJ = new double[resources];
      resIdleUnownedJ = new double[resources];
      resReservedIdleJ = new double[resources];
      resUnattributedJ = new double[resources];
      resMissingS = new double[resources];
      resResetS = new double[resources];
      resIdleWatts = new double[resources];
      resSensorIntervalS = new double[resources];
      resMaxGapS = new double[resources];
      resResets = new int[resources];
      resIdleSource = new byte[resources];
      resMeter = new byte[resources];
      tenantReservedIdleJ = new double[tenants];
    }

    public int spans() {
      return energyJ.length;
    }
  }
}
