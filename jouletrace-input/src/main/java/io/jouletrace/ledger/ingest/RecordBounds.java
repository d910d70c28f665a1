package io.jouletrace.ledger.ingest;

import io.jouletrace.core.record.InvocationRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * What a new record may hold (docs/ledger.md, "Record bounds"): text without control characters and at most
 * {@code maxTextLength} characters, token counts up to {@code maxTokens}, a latency up to {@code maxLatencySeconds},
 * an explicit grid intensity up to {@code maxIntensityGramsPerKwh}, and a time from {@link #EARLIEST} to now plus
 * {@code maxFutureSkew}. Every surface that admits records (REST, OTLP, file ingest, the gateway, the stream) judges
 * each one with it before the writer sees it, so one hostile record is rejected alone, naming its place and field.
 *
 * <p>Records already in a ledger are not judged again: the bounds guard what comes in, not what was stored.
 */
public record RecordBounds(int maxTextLength, long maxTokens, double maxLatencySeconds, double maxIntensityGramsPerKwh,
    Duration maxFutureSkew) {

  /** No AI call recorded here happened before this. */
  public static final Instant EARLIEST = Instant.parse("2000-01-01T00:00:00Z");

  /**
   * Generous for any real call: the longest context windows are ~10 M tokens, a batch call takes at most a day, the
   * dirtiest grids emit ~1,200 g/kWh; a clock may run an hour ahead.
   */
  public static final RecordBounds DEFAULTS = new RecordBounds(256, 100_000_000L, 86_400, 2_000, Duration.ofHours(1));

  public RecordBounds {
    if (maxTextLength < 1 || maxTokens < 0 || !(maxLatencySeconds >= 0) || !(maxIntensityGramsPerKwh >= 0)
        || maxFutureSkew == null || maxFutureSkew.isNegative()) {
      throw new IllegalArgumentException("record bounds must be positive");
    }
  }

  /** A field outside the bounds: its contract name and why. */
  public record Violation(String field, String reason) {}

  /** The record as it was parsed, or its rejection when a field breaks these bounds; rejections and skips pass through. */
  public Parsed judge(Parsed parsed) {
    return judge(parsed, Instant.now());
  }

  /** {@link #judge(Parsed)} at time {@code now} (a server's clock: the composition root's). */
  public Parsed judge(Parsed parsed, Instant now) {
    if (!(parsed instanceof Parsed.Accepted accepted)) return parsed;
    return violation(accepted.record(), now)
        .<Parsed>map(v -> new Parsed.Rejected(accepted.origin(), v.field(), v.reason()))
        .orElse(parsed);
  }

  /** The first field of {@code record} that breaks these bounds at time {@code now}; empty when none does. */
  public Optional<Violation> violation(InvocationRecord r, Instant now) {
    Violation found = firstOf(
        text(RecordFields.ID, r.id()), text(RecordFields.TENANT, r.tenant()), text(RecordFields.TEAM, r.team()),
        text(RecordFields.COST_CENTER, r.costCenter()), text(RecordFields.TRACE_ID, r.traceId()),
        text(RecordFields.PROVIDER, r.provider()), text(RecordFields.MODEL, r.model()),
        text(RecordFields.OPERATION, r.operation().code()), text(RecordFields.ZONE, r.zone()), text(RecordFields.REGION, r.region()),
        tokens(RecordFields.INPUT_TOKENS, r.inputTokens()), tokens(RecordFields.OUTPUT_TOKENS, r.outputTokens()),
        tokens(RecordFields.REASONING_TOKENS, r.reasoningTokens()), tokens(RecordFields.CACHED_INPUT_TOKENS, r.cachedInputTokens()),
        upTo(RecordFields.LATENCY_S, r.latencySeconds(), maxLatencySeconds, " s"),
        upTo(RecordFields.INTENSITY_G_PER_KWH, r.intensityGramsPerKwh(), maxIntensityGramsPerKwh, " g/kWh"),
        time(r.timestamp(), now));
    return Optional.ofNullable(found);
  }

  private static Violation firstOf(Violation... checks) {
    for (Violation v : checks) if (v != null) return v;
    return null;
  }

  private Violation text(String field, String value) {
    if (value == null) return null;
    if (value.length() > maxTextLength) {
      return new Violation(field, "longer than " + maxTextLength + " characters (" + value.length() + ")");
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (Character.isISOControl(c)) return new Violation(field, String.format("holds a control character (U+%04X) at %d", (int) c, i));
      if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
        i++; // a pair: one character beyond the BMP
      } else if (Character.isSurrogate(c)) {
        // A lone surrogate has no UTF-8 form: the store would keep a replacement, and the chain would no longer verify.
        return new Violation(field, String.format("holds an unpaired surrogate (U+%04X) at %d", (int) c, i));
      }
    }
    return null;
  }

  private Violation tokens(String field, Long count) {
    if (count == null) return null;
    if (count < 0) return new Violation(field, "must be >= 0, got " + count);
    return count > maxTokens ? new Violation(field, "more than " + maxTokens + " tokens for one call, got " + count) : null;
  }

  private static Violation upTo(String field, Double value, double max, String unit) {
    if (value == null) return null;
    if (!(value >= 0) || Double.isInfinite(value)) return new Violation(field, "must be a finite number >= 0, got " + value);
    return value > max ? new Violation(field, "must be at most " + max + unit + ", got " + value) : null;
  }

  private Violation time(Instant timestamp, Instant now) {
    if (timestamp == null) return null;
    if (timestamp.isBefore(EARLIEST)) return new Violation(RecordFields.TIMESTAMP, "before " + EARLIEST + ": " + timestamp);
    Instant latest = now.plus(maxFutureSkew);
    return timestamp.isAfter(latest)
        ? new Violation(RecordFields.TIMESTAMP, "more than " + maxFutureSkew.toSeconds() + " s in the future: " + timestamp)
        : null;
  }
}
