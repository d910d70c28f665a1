package io.jouletrace.core.record;

/**
 * Optional per-phase durations of one request, in seconds; {@code null} where the source did not
 * report that phase. The modelled methods do not use them; measured attribution does.
 */
public record PhaseTimings(Double queueSeconds, Double prefillSeconds, Double decodeSeconds) {
  public PhaseTimings {
    check("queue", queueSeconds);
    check("prefill", prefillSeconds);
    check("decode", decodeSeconds);
  }

  private static void check(String phase, Double seconds) {
    if (seconds != null && !(seconds >= 0)) {
      throw new IllegalArgumentException(phase + " duration must be >= 0, got " + seconds);
    }
  }
}
