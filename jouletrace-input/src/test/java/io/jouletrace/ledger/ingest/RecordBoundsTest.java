package io.jouletrace.ledger.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.jouletrace.core.record.InvocationRecord;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RecordBoundsTest {

  private static final Instant NOW = Instant.parse("2026-12-01T00:00:00Z");
  private static final RecordBounds BOUNDS = new RecordBounds(10, 1_000, 60, 800, Duration.ofMinutes(5));

  private static InvocationRecord.Builder call() {
    return InvocationRecord.builder("openai", "gpt-4o", 1_000).timestamp(NOW);
  }

  private static String violated(InvocationRecord.Builder record) {
    return BOUNDS.violation(record.build(), NOW).map(v -> v.field() + ": " + v.reason()).orElse("none");
  }

  @Test
  void values_up_to_each_bound_pass_and_characters_beyond_the_bmp_are_text() {
    assertThat(violated(call().team("🔋⚡ é 电").inputTokens(1_000L).latencySeconds(60.0).intensityGramsPerKwh(800.0)
        .timestamp(NOW.plus(Duration.ofMinutes(5))))).isEqualTo("none");
    assertThat(violated(call().timestamp(RecordBounds.EARLIEST))).isEqualTo("none");
  }

  @Test
  void each_bound_names_its_field() {
    assertThat(violated(call().team("x".repeat(11)))).isEqualTo("team: longer than 10 characters (11)");
    assertThat(violated(call().costCenter("a\u0000"))).isEqualTo("cost_center: holds a control character (U+0000) at 1");
    assertThat(violated(call().traceId("\u0085"))).startsWith("trace_id: holds a control character (U+0085)");
    assertThat(violated(call().zone("\ud800x"))).isEqualTo("zone: holds an unpaired surrogate (U+D800) at 0");
    assertThat(violated(call().region("x\udc00"))).isEqualTo("region: holds an unpaired surrogate (U+DC00) at 1");
    assertThat(violated(call().cachedInputTokens(1_001L))).startsWith("cached_input_tokens: more than 1000 tokens");
    assertThat(violated(call().latencySeconds(61.0))).startsWith("latency_s: must be at most 60.0 s");
    assertThat(violated(call().intensityGramsPerKwh(801.0))).startsWith("intensity_g_per_kwh: must be at most 800.0 g/kWh");
    assertThat(violated(call().timestamp(NOW.plus(Duration.ofMinutes(5)).plusNanos(1000)))).startsWith("timestamp: more than 300 s in the future");
    assertThat(violated(call().timestamp(RecordBounds.EARLIEST.minusNanos(1000)))).startsWith("timestamp: before 2000-01-01T00:00:00Z");
  }

  @Test
  void judge_turns_an_accepted_record_outside_the_bounds_into_a_rejection_at_its_place() {
    Parsed judged = BOUNDS.judge(new Parsed.Accepted(InvocationRecord.builder("openai", "gpt\u0007", 1).timestamp(Instant.now()).build(), "calls.jsonl:3"));
    assertThat(judged).isEqualTo(new Parsed.Rejected("calls.jsonl:3", "model", "holds a control character (U+0007) at 3"));
    Parsed rejected = new Parsed.Rejected("calls.jsonl:4", "", "not valid JSON");
    assertThat(BOUNDS.judge(rejected)).isSameAs(rejected);
  }
}
