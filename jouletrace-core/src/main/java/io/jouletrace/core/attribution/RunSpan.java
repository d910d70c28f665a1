package io.jouletrace.core.attribution;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A run or request that used metered resources during {@code [start, end)}, with optional phases
 * ({@code queue}, {@code prefill}, {@code decode}) and token counts.
 *
 * @param phases phase name → its interval, inside {@code [start, end)}; empty when unknown
 */
public record RunSpan(String id, List<String> resources, Instant start, Instant end, String tenant, String team, String model,
    Long inputTokens, Long outputTokens, Map<String, Interval> phases) {

  public static final String QUEUE = "queue";
  public static final String PREFILL = "prefill";
  public static final String DECODE = "decode";

  public RunSpan {
    Objects.requireNonNull(id, "id");
    resources = List.copyOf(resources);
    if (resources.isEmpty()) throw new IllegalArgumentException(id + ": a span needs at least one resource");
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(end, "end");
    if (end.isBefore(start)) throw new IllegalArgumentException(id + ": end " + end + " is before start " + start);
    if (inputTokens != null && inputTokens < 0) throw new IllegalArgumentException(id + ": input_tokens must be >= 0");
    if (outputTokens != null && outputTokens < 0) throw new IllegalArgumentException(id + ": output_tokens must be >= 0");
    phases = phases == null ? Map.of() : Map.copyOf(phases);
  }

  /** A half-open time interval {@code [start, end)}. */
  public record Interval(Instant start, Instant end) {
    public Interval {
      Objects.requireNonNull(start, "start");
      Objects.requireNonNull(end, "end");
      if (end.isBefore(start)) throw new IllegalArgumentException("interval end " + end + " is before start " + start);
    }
  }
}
