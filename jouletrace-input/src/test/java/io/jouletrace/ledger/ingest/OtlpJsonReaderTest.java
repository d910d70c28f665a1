package io.jouletrace.ledger.ingest;

import static io.jouletrace.ledger.ingest.Entries.accepted;
import static io.jouletrace.ledger.ingest.Entries.readFile;
import static io.jouletrace.ledger.ingest.Entries.rejected;
import static org.assertj.core.api.Assertions.assertThat;

import io.jouletrace.core.record.InvocationRecord;
import io.jouletrace.core.record.Operation;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OtlpJsonReaderTest {

  @TempDir Path dir;

  /** One collector file-exporter line: a request with the given span attributes (JSON array text). */
  private static String request(String spanId, String spanAttributes, String resourceAttributes) {
    return ("{\"resourceSpans\":[{\"resource\":{\"attributes\":" + resourceAttributes + "},"
        + "\"scopeSpans\":[{\"spans\":[{\"traceId\":\"5b8efff798038103d269b633813fc60c\",\"spanId\":\"" + spanId + "\","
        + "\"startTimeUnixNano\":\"1764064800000000000\",\"endTimeUnixNano\":1764064800500000000,"
        + "\"attributes\":" + spanAttributes + "}]}]}]}");
  }

  private static String attr(String key, String anyValue) {
    return "{\"key\":\"" + key + "\",\"value\":" + anyValue + "}";
  }

  private static final String NEW_CHAT = "[" + String.join(",",
      attr("gen_ai.operation.name", "{\"stringValue\":\"chat\"}"),
      attr("gen_ai.provider.name", "{\"stringValue\":\"openai\"}"),
      attr("gen_ai.request.model", "{\"stringValue\":\"gpt-4o-mini\"}"),
      attr("gen_ai.usage.input_tokens", "{\"intValue\":\"10\"}"),
      attr("gen_ai.usage.output_tokens", "{\"intValue\":20}")) + "]";

  @Test
  void maps_a_pretty_printed_request_with_old_and_new_conventions() throws Exception {
    String json;
    try (InputStream in = getClass().getResourceAsStream("otlp-genai-pretty.json")) {
      json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    List<Parsed> entries = readFile(dir, "traces.json", json);
    String file = dir.resolve("traces.json").toString();

    assertThat(entries).hasSize(3);
    InvocationRecord chat = accepted(entries.get(0));
    assertThat(entries.get(0).origin()).isEqualTo(file + ":1#span1");
    assertThat(chat.id()).isEqualTo("5b8efff798038103d269b633813fc60c:eee19b7ec3c1b174");
    assertThat(chat.traceId()).isEqualTo("5b8efff798038103d269b633813fc60c");
    assertThat(chat.timestamp()).isEqualTo(Instant.parse("2025-11-25T10:00:00Z"));
    assertThat(chat.latencySeconds()).isEqualTo(1.25);
    assertThat(chat.provider()).isEqualTo("openai");
    assertThat(chat.model()).as("response model beats request model").isEqualTo("gpt-4o-2024-08-06");
    assertThat(chat.modelRequested()).as("the request model is kept beside it").isEqualTo("gpt-4o");
    assertThat(chat.operation()).isEqualTo(Operation.CHAT);
    assertThat(chat.inputTokens()).isEqualTo(1200L);
    assertThat(chat.outputTokens()).isEqualTo(350L);
    assertThat(chat.reasoningTokens()).isEqualTo(64L);
    assertThat(chat.cachedInputTokens()).isEqualTo(1024L);
    assertThat(chat.region()).as("from the resource").isEqualTo("eu-west-1");
    assertThat(chat.tenant()).as("from the resource").isEqualTo("acme");
    assertThat(chat.team()).as("span attribute overrides resource").isEqualTo("escalations");
    assertThat(chat.intensityGramsPerKwh()).isEqualTo(285.5);
    assertThat(chat.zone()).isNull();

    assertThat(entries.get(1)).isEqualTo(new Parsed.Skipped(file + ":1#span2",
        "span \"GET /tickets\" has no gen_ai.operation.name, gen_ai.provider.name or gen_ai.system: not a GenAI call"));

    InvocationRecord legacy = accepted(entries.get(2));
    assertThat(entries.get(2).origin()).isEqualTo(file + ":1#span3");
    assertThat(legacy.provider()).as("gen_ai.system").isEqualTo("anthropic");
    assertThat(legacy.model()).isEqualTo("claude-2.1");
    assertThat(legacy.modelRequested()).as("the same name twice is not kept twice").isNull();
    assertThat(legacy.operation()).as("no operation name: chat").isEqualTo(Operation.CHAT);
    assertThat(legacy.inputTokens()).isEqualTo(40L);
    assertThat(legacy.outputTokens()).isEqualTo(12L);
    assertThat(legacy.timestamp()).isEqualTo(Instant.parse("2025-11-25T10:01:40.5Z"));
    assertThat(legacy.latencySeconds()).as("no end time").isNull();
    assertThat(legacy.zone()).isEqualTo("USA");
    assertThat(legacy.region()).isNull();
    assertThat(legacy.tenant()).isNull();
  }

  @Test
  void reads_one_request_per_line_and_names_the_line() throws Exception {
    String region = "[" + attr("cloud.region", "{\"stringValue\":\"us-east-1\"}") + "]";
    String spanRegion = "[" + String.join(",", NEW_CHAT.substring(1, NEW_CHAT.length() - 1),
        attr("cloud.region", "{\"stringValue\":\"eu-north-1\"}")) + "]";
    List<Parsed> entries = readFile(dir, "export.json", request("aa00000000000001", NEW_CHAT, region) + "\n"
        + request("aa00000000000002", spanRegion, region) + "\n");

    assertThat(entries).extracting(Parsed::origin).containsExactly(
        dir.resolve("export.json") + ":1#span1", dir.resolve("export.json") + ":2#span1");
    InvocationRecord first = accepted(entries.get(0));
    assertThat(first.id()).isEqualTo("5b8efff798038103d269b633813fc60c:aa00000000000001");
    assertThat(first.model()).isEqualTo("gpt-4o-mini");
    assertThat(first.inputTokens()).as("intValue as string").isEqualTo(10L);
    assertThat(first.outputTokens()).as("intValue as number").isEqualTo(20L);
    assertThat(first.latencySeconds()).isEqualTo(0.5);
    assertThat(first.region()).isEqualTo("us-east-1");
    assertThat(accepted(entries.get(1)).region()).as("span beats resource").isEqualTo("eu-north-1");
  }

  @Test
  void reads_snake_case_keys() throws Exception {
    String json = """
        {"resource_spans":[{"resource":{"attributes":[]},"scope_spans":[{"spans":[{
          "trace_id":"0af7651916cd43dd8448eb211c80319c","span_id":"b7ad6b7169203331",
          "start_time_unix_nano":1764064800000000000,"end_time_unix_nano":"1764064802000000000",
          "attributes":[
            {"key":"gen_ai.operation.name","value":{"string_value":"embeddings"}},
            {"key":"gen_ai.provider.name","value":{"string_value":"cohere"}},
            {"key":"gen_ai.request.model","value":{"string_value":"embed-v4"}},
            {"key":"gen_ai.usage.input_tokens","value":{"int_value":"77"}}]}]}]}]}
        """;
    List<Parsed> entries = readFile(dir, "snake.json", json);

    InvocationRecord r = accepted(entries.get(0));
    assertThat(r.id()).isEqualTo("0af7651916cd43dd8448eb211c80319c:b7ad6b7169203331");
    assertThat(r.operation()).isEqualTo(Operation.EMBEDDINGS);
    assertThat(r.provider()).isEqualTo("cohere");
    assertThat(r.inputTokens()).isEqualTo(77L);
    assertThat(r.outputTokens()).isZero();
    assertThat(r.latencySeconds()).isEqualTo(2.0);
  }

  @Test
  void a_genai_span_breaking_a_rule_is_rejected_with_its_origin() throws Exception {
    String noOutput = "[" + String.join(",",
        attr("gen_ai.operation.name", "{\"stringValue\":\"chat\"}"),
        attr("gen_ai.provider.name", "{\"stringValue\":\"openai\"}"),
        attr("gen_ai.request.model", "{\"stringValue\":\"gpt-4o\"}")) + "]";
    List<Parsed> entries = readFile(dir, "t.json", request("aa00000000000001", noOutput, "[]"));

    assertThat(rejected(entries.get(0)).line()).isEqualTo(dir.resolve("t.json") + ":1#span1: output_tokens: is required");
  }

  @Test
  void a_syntax_error_mid_stream_ends_the_file_keeping_what_came_before() throws Exception {
    List<Parsed> entries = readFile(dir, "broken.json", request("aa00000000000001", NEW_CHAT, "[]") + "\n"
        + "{\"resourceSpans\":[{\"scopeSpans\": oops\n"
        + request("aa00000000000003", NEW_CHAT, "[]") + "\n");

    assertThat(entries).hasSize(2);
    assertThat(accepted(entries.get(0)).outputTokens()).isEqualTo(20L);
    Parsed.Rejected end = rejected(entries.get(1));
    assertThat(end.origin()).isEqualTo(dir.resolve("broken.json") + ":2");
    assertThat(end.reason()).startsWith("not valid JSON, stopped reading this input: ");
  }

  @Test
  void a_root_value_that_is_no_request_is_rejected_and_reading_goes_on() throws Exception {
    List<Parsed> entries = readFile(dir, "mixed.json", request("aa00000000000001", NEW_CHAT, "[]") + "\n"
        + "{\"foo\":1}\n[1]\n" + request("aa00000000000004", NEW_CHAT, "[]") + "\n");

    assertThat(entries).hasSize(4);
    assertThat(rejected(entries.get(1)).line())
        .endsWith("mixed.json:2: not an OTLP ExportTraceServiceRequest: no resourceSpans");
    assertThat(rejected(entries.get(2)).line()).endsWith("mixed.json:3: expected an OTLP ExportTraceServiceRequest object");
    assertThat(accepted(entries.get(3)).id()).endsWith(":aa00000000000004");
  }

  @Test
  void the_public_mapping_takes_an_already_parsed_request() throws Exception {
    var request = RecordFields.jsonReader().readTree(request("AA00000000000001", NEW_CHAT, "[]"));

    List<Parsed> entries = OtlpTraces.map(request, "POST /v1/traces");

    assertThat(entries).hasSize(1);
    assertThat(entries.get(0).origin()).isEqualTo("POST /v1/traces#span1");
    assertThat(accepted(entries.get(0)).id()).isEqualTo("5b8efff798038103d269b633813fc60c:aa00000000000001");
  }

  @Test
  void base64_ids_are_kept_as_sent() throws Exception {
    String json = request("7q4bfsPBsXQ=", NEW_CHAT, "[]").replace("5b8efff798038103d269b633813fc60c", "W47/95gDgQPSabYzgT/GDA==");
    List<Parsed> entries = readFile(dir, "b64.json", json);

    assertThat(accepted(entries.get(0)).id()).isEqualTo("W47/95gDgQPSabYzgT/GDA==:7q4bfsPBsXQ=");
  }

  @Test
  void a_bad_start_time_is_rejected_as_the_timestamp() throws Exception {
    String json = request("aa00000000000001", NEW_CHAT, "[]").replace("\"1764064800000000000\"", "\"soon\"");
    Files.writeString(dir.resolve("bad.json"), json);
    List<Parsed> entries = Entries.readAll(InputFiles.open(dir.resolve("bad.json").toString(), InputStream.nullInputStream()));

    assertThat(rejected(entries.get(0)).line()).endsWith(
        "bad.json:1#span1: timestamp: startTimeUnixNano must be whole nanoseconds >= 0, got \"soon\"");
  }

  @Test
  void agent_and_tool_spans_are_skipped_so_their_token_totals_are_not_counted_twice() throws Exception {
    String agent = "[" + String.join(",",
        attr("gen_ai.operation.name", "{\"stringValue\":\"invoke_agent\"}"),
        attr("gen_ai.provider.name", "{\"stringValue\":\"openai\"}"),
        attr("gen_ai.usage.output_tokens", "{\"intValue\":500}")) + "]";
    List<Parsed> entries = readFile(dir, "agent.json", request("00f067aa0ba902b7", agent, "[]") + "\n"
        + request("00f067aa0ba902b8", NEW_CHAT, "[]") + "\n");
    assertThat(entries.get(0)).isInstanceOf(Parsed.Skipped.class);
    assertThat(((Parsed.Skipped) entries.get(0)).why()).contains("invoke_agent");
    assertThat(accepted(entries.get(1)).outputTokens()).isEqualTo(20);
  }
}
