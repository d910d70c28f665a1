package io.jouletrace.ledger.telemetry;

import static io.jouletrace.ledger.telemetry.TestFiles.gzip;
import static io.jouletrace.ledger.telemetry.TestFiles.write;
import static org.assertj.core.api.Assertions.assertThat;

import io.jouletrace.core.attribution.RunSpan;
import io.jouletrace.core.attribution.RunSpan.Interval;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpanReaderTest {

  @TempDir Path dir;

  private static Instant t(String secondsAfter14) {
    return Instant.parse("2026-03-01T14:00:" + secondsAfter14 + "Z");
  }

  @Test
  void reads_a_span_with_phases_tokens_and_labels() throws Exception {
    Path file = write(dir, "spans.jsonl", """
        {"id":"req-1","resources":["gpu0","gpu1"],"start":"2026-03-01T14:00:01Z","end":"2026-03-01T14:00:06.5Z","tenant":"acme","team":"search","model":"m","input_tokens":1800,"output_tokens":410,"phases":{"queue":{"start":"2026-03-01T14:00:01Z","end":"2026-03-01T14:00:01.15Z"},"prefill":{"start":"2026-03-01T14:00:01.15Z","end":1772373601.82},"decode":{"start":1772373601.82,"end":"2026-03-01T14:00:06.500Z"}}}

        {"id":"req-2","resources":["gpu0"],"start":1772373604,"end":"1772373611"}
        """);

    Readings<RunSpan> read = SpanReader.read(file);

    assertThat(read.rejected()).isEmpty();
    assertThat(read.values()).containsExactly(
        new RunSpan("req-1", java.util.List.of("gpu0", "gpu1"), t("01"), t("06.5"), "acme", "search", "m", 1800L, 410L,
            Map.of(RunSpan.QUEUE, new Interval(t("01"), t("01.15")), RunSpan.PREFILL, new Interval(t("01.15"), t("01.82")),
                RunSpan.DECODE, new Interval(t("01.82"), t("06.5")))),
        new RunSpan("req-2", java.util.List.of("gpu0"), t("04"), t("11"), null, null, null, null, null, Map.of()));
  }

  @Test
  void vllm_request_timestamps_become_queue_prefill_and_decode() throws Exception {
    Path file = write(dir, "vllm.jsonl", """
        {"request_id":"cmpl-1","resources":["gpu0"],"arrival_time":1772373601.0,"first_scheduled_time":1772373601.25,"first_token_time":1772373601.75,"last_token_time":1772373603.5,"output_tokens":64}
        {"request_id":"cmpl-2","resources":["gpu0"],"arrival_time":1772373601.0,"first_scheduled_time":1772373601.25}
        """);

    Readings<RunSpan> read = SpanReader.read(file);

    RunSpan first = read.values().get(0);
    assertThat(first.id()).isEqualTo("cmpl-1");
    assertThat(first.start()).isEqualTo(t("01"));
    assertThat(first.end()).isEqualTo(t("03.5"));
    assertThat(first.outputTokens()).isEqualTo(64L);
    assertThat(first.phases()).isEqualTo(Map.of(
        RunSpan.QUEUE, new Interval(t("01"), t("01.25")),
        RunSpan.PREFILL, new Interval(t("01.25"), t("01.75")),
        RunSpan.DECODE, new Interval(t("01.75"), t("03.5"))));
    assertThat(read.values()).hasSize(1);
    assertThat(read.rejectedLines()).containsExactly(file + ":2: end: is required");
  }

  @Test
  void each_bad_line_is_rejected_with_its_field_and_reading_goes_on() throws Exception {
    String ok = "\"resources\":[\"gpu0\"],\"start\":\"2026-03-01T14:00:01Z\",\"end\":\"2026-03-01T14:00:05Z\"";
    Path file = write(dir, "spans.jsonl", String.join("\n",
        "{\"id\":\"a\",\"resources\":[\"gpu0\"],\"start\":\"2026-03-01T14:00:05Z\",\"end\":\"2026-03-01T14:00:01Z\"}",
        "{\"id\":\"b\"," + ok + ",\"phases\":{\"decode\":{\"start\":\"2026-03-01T14:00:02Z\",\"end\":\"2026-03-01T14:00:06Z\"}}}",
        "{\"id\":\"c\"," + ok + ",\"input_tokens\":-3}",
        "{\"id\":\"d\",\"resources\":[],\"start\":1,\"end\":2}",
        "{\"id\":\"e\"," + ok + ",\"phases\":{\"think\":{\"start\":1772373602,\"end\":1772373603}}}",
        "{\"id\":\"f\"," + ok + ",\"phases\":{\"prefill\":{\"start\":1772373602,\"end\":1772373603.5},"
            + "\"decode\":{\"start\":1772373603,\"end\":1772373604}}}",
        "{\"id\":\"g\"," + ok + ",\"phases\":{\"prefill\":{\"start\":1772373603,\"end\":1772373602}}}",
        "{\"id\":\"h\"," + ok + ",\"output_tokens\":1.5}",
        "{\"id\":\"i\"," + ok + ",\"phases\":{\"prefill\":{\"start\":\"soon\",\"end\":1772373602}}}",
        "{\"resources\":[\"gpu0\"],\"start\":1,\"end\":2}",
        "{\"id\":\"k\",\"resources\":\"gpu0\",\"start\":1,\"end\":2}",
        "{\"id\":\"l\",\"resources\":[\"gpu0\",\"gpu0\"],\"start\":1,\"end\":2}",
        "{\"id\":\"m\",\"resources\":[\"gpu0\"],\"end\":2}",
        "{\"id\":\"n\", oops}",
        "[1,2]",
        "{\"id\":\"ok\"," + ok + "}",
        "{\"id\":\"ok\"," + ok + "}",
        ""));

    Readings<RunSpan> read = SpanReader.read(file);

    String f = file.toString();
    assertThat(read.rejectedLines()).containsExactly(
        f + ":1: end: 2026-03-01T14:00:01Z is before start 2026-03-01T14:00:05Z",
        f + ":2: phases.decode: [2026-03-01T14:00:02Z, 2026-03-01T14:00:06Z) is outside the span "
            + "[2026-03-01T14:00:01Z, 2026-03-01T14:00:05Z)",
        f + ":3: input_tokens: must be a whole number >= 0, got -3",
        f + ":4: resources: must name at least one resource",
        f + ":5: phases.think: unknown phase (use queue, prefill or decode)",
        f + ":6: phases.decode: overlaps phase prefill",
        f + ":7: phases.prefill.end: 2026-03-01T14:00:02Z is before its start 2026-03-01T14:00:03Z",
        f + ":8: output_tokens: must be a whole number >= 0, got 1.5",
        f + ":9: phases.prefill.start: must be an RFC 3339 time like 2026-03-01T14:00:00Z or epoch seconds, got \"soon\"",
        f + ":10: id: is required",
        f + ":11: resources: must be a list of resource ids, got \"gpu0\"",
        f + ":12: resources: names \"gpu0\" twice",
        f + ":13: start: is required",
        f + ":14: not valid JSON: Unexpected character ('o' (code 111)): was expecting double-quote to start field name",
        f + ":15: each line must be a JSON object, got an array",
        f + ":17: id: \"ok\" is already the id of the span at " + f + ":16");
    assertThat(read.values()).extracting(RunSpan::id).containsExactly("ok");
  }

  @Test
  void reads_gzip() throws Exception {
    Path file = gzip(dir, "spans.jsonl.gz", "{\"id\":\"a\",\"resources\":[\"gpu0\"],\"start\":1772373601,\"end\":1772373602}\n");

    assertThat(SpanReader.read(file).values()).extracting(RunSpan::start).containsExactly(t("01"));
  }
}
