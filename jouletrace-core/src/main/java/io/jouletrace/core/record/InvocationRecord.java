package io.jouletrace.core.record;

import java.time.Instant;
import java.util.Objects;

/**
 * One AI call, normalised from whatever source reported it. Optional fields are {@code null} when
 * the source did not say; token counts that are present are never negative.
 *
 * @param outputTokens tokens generated, as the provider reports them (OpenAI's completion tokens
 *     include reasoning tokens)
 * @param latencySeconds wall-clock latency of the request; {@code null} means unknown (no cap)
 * @param zone a grid zone: ISO 3166-1 alpha-3 country code, or {@code WOR} for the world average
 * @param region a cloud region code ({@code eu-west-1}) or a label ({@code eu-north}, {@code world})
 * @param intensityGramsPerKwh an explicit grid carbon intensity, which beats every other source
 * @param modelRequested the model the client asked for, where the caller knows it ({@code gpt-4o}); {@link #model} is the
 *     one that served the call ({@code gpt-4o-2024-08-06}) and the one figured
 */
public record InvocationRecord(
    String id,
    Instant timestamp,
    String tenant,
    String team,
    String costCenter,
    String traceId,
    String provider,
    String model,
    Operation operation,
    Long inputTokens,
    long outputTokens,
    Long reasoningTokens,
    Long cachedInputTokens,
    Double latencySeconds,
    String zone,
    String region,
    Double intensityGramsPerKwh,
    String modelRequested,
    PhaseTimings phases) {

  public InvocationRecord {
    Objects.requireNonNull(provider, "provider");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(operation, "operation");
    requireCount("output_tokens", outputTokens);
    if (inputTokens != null) requireCount("input_tokens", inputTokens);
    if (reasoningTokens != null) requireCount("reasoning_tokens", reasoningTokens);
    if (cachedInputTokens != null) requireCount("cached_input_tokens", cachedInputTokens);
    if (latencySeconds != null && !(latencySeconds >= 0)) {
      throw new IllegalArgumentException("latency_s must be >= 0, got " + latencySeconds);
    }
    if (intensityGramsPerKwh != null && !(intensityGramsPerKwh >= 0 && Double.isFinite(intensityGramsPerKwh))) {
      throw new IllegalArgumentException("intensity_g_per_kwh must be finite and >= 0, got " + intensityGramsPerKwh);
    }
  }

  private static void requireCount(String field, long count) {
    if (count < 0) {
      throw new IllegalArgumentException(field + " must be >= 0, got " + count);
    }
  }

  /** A record carrying only what an estimate needs; everything else is {@code null}. */
  public static Builder builder(String provider, String model, long outputTokens) {
    return new Builder(provider, model, outputTokens);
  }

  /** This record for {@code value}'s tenant (a server stamps a tenant key's tenant on what it writes). */
  public InvocationRecord withTenant(String value) {
    return new InvocationRecord(id, timestamp, value, team, costCenter, traceId, provider, model, operation, inputTokens, outputTokens,
        reasoningTokens, cachedInputTokens, latencySeconds, zone, region, intensityGramsPerKwh, modelRequested, phases);
  }

  /** This record at {@code value} (an estimate without a time is of a call made now). */
  public InvocationRecord withTimestamp(Instant value) {
    return new InvocationRecord(id, value, tenant, team, costCenter, traceId, provider, model, operation, inputTokens, outputTokens,
        reasoningTokens, cachedInputTokens, latencySeconds, zone, region, intensityGramsPerKwh, modelRequested, phases);
  }

  /** This record charged to {@code team} and {@code costCenter} (a server stamps those a key is bound to). */
  public InvocationRecord withTeamAndCostCenter(String team, String costCenter) {
    return new InvocationRecord(id, timestamp, tenant, team, costCenter, traceId, provider, model, operation, inputTokens, outputTokens,
        reasoningTokens, cachedInputTokens, latencySeconds, zone, region, intensityGramsPerKwh, modelRequested, phases);
  }

  /** This record with the model its client asked for ({@code gpt-4o}) beside the one that served it. */
  public InvocationRecord withModelRequested(String value) {
    return new InvocationRecord(id, timestamp, tenant, team, costCenter, traceId, provider, model, operation, inputTokens, outputTokens,
        reasoningTokens, cachedInputTokens, latencySeconds, zone, region, intensityGramsPerKwh, value, phases);
  }

  /** Input plus output tokens, the base of per-token rates; unknown input counts as none. */
  public long totalTokens() {
    return outputTokens + (inputTokens == null ? 0 : inputTokens);
  }

  /** Builder for the many optional fields. */
  public static final class Builder {
    private String id;
    private Instant timestamp;
    private String tenant;
    private String team;
    private String costCenter;
    private String traceId;
    private final String provider;
    private final String model;
    private Operation operation = Operation.CHAT;
    private Long inputTokens;
    private final long outputTokens;
    private Long reasoningTokens;
    private Long cachedInputTokens;
    private Double latencySeconds;
    private String zone;
    private String region;
    private Double intensityGramsPerKwh;
    private String modelRequested;
    private PhaseTimings phases;

    private Builder(String provider, String model, long outputTokens) {
      this.provider = provider;
      this.model = model;
      this.outputTokens = outputTokens;
    }

    public Builder id(String value) { this.id = value; return this; }
    public Builder timestamp(Instant value) { this.timestamp = value; return this; }
    public Builder tenant(String value) { this.tenant = value; return this; }
    public Builder team(String value) { this.team = value; return this; }
    public Builder costCenter(String value) { this.costCenter = value; return this; }
    public Builder traceId(String value) { this.traceId = value; return this; }
    public Builder operation(Operation value) { this.operation = value; return this; }
    public Builder inputTokens(Long value) { this.inputTokens = value; return this; }
    public Builder reasoningTokens(Long value) { this.reasoningTokens = value; return this; }
    public Builder cachedInputTokens(Long value) { this.cachedInputTokens = value; return this; }
    public Builder latencySeconds(Double value) { this.latencySeconds = value; return this; }
    public Builder zone(String value) { this.zone = value; return this; }
    public Builder region(String value) { this.region = value; return this; }
    public Builder intensityGramsPerKwh(Double value) { this.intensityGramsPerKwh = value; return this; }
    public Builder modelRequested(String value) { this.modelRequested = value; return this; }
    public Builder phases(PhaseTimings value) { this.phases = value; return this; }

    public InvocationRecord build() {
      return new InvocationRecord(id, timestamp, tenant, team, costCenter, traceId, provider, model, operation,
          inputTokens, outputTokens, reasoningTokens, cachedInputTokens, latencySeconds, zone, region,
          intensityGramsPerKwh, modelRequested, phases);
    }
  }
}
