package io.jouletrace.ledger.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.jouletrace.core.record.InvocationRecord;
import io.jouletrace.core.record.Operation;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RecordFieldsTest {

  private static final String BASE = "\"provider\":\"openai\",\"model\":\"gpt-4o\",\"timestamp\":\"2026-11-25T10:00:00Z\"";

  private static Parsed parseJson(String json) throws Exception {
    JsonNode node = RecordFields.jsonReader().readTree(json);
    return RecordFields.parse(node, "t:1");
  }

  private static InvocationRecord accept(String extraJson) throws Exception {
    return Entries.accepted(parseJson("{" + BASE + (extraJson.isEmpty() ? "" : "," + extraJson) + "}"));
  }

  private static Parsed.Rejected reject(String json) throws Exception {
    return Entries.rejected(parseJson(json));
  }

  @Test
  void maps_every_contract_field() throws Exception {
    InvocationRecord r = Entries.accepted(parseJson("""
        {"id":"call-1","timestamp":"2026-11-25T10:00:00.123+01:00","tenant":"acme","team":"search",
         "cost_center":"CC-7","trace_id":"abc","provider":"anthropic","model":"claude-sonnet-4",
         "operation":"Text_Completion","input_tokens":1200,"output_tokens":"350","reasoning_tokens":20,
         "cached_input_tokens":"800","latency_s":2.5,"zone":"FRA","intensity_g_per_kwh":56.2,"unknown":"ignored"}"""));

    assertThat(r.id()).isEqualTo("call-1");
    assertThat(r.timestamp()).isEqualTo(Instant.parse("2026-11-25T09:00:00.123Z"));
    assertThat(r.tenant()).isEqualTo("acme");
    assertThat(r.team()).isEqualTo("search");
    assertThat(r.costCenter()).isEqualTo("CC-7");
    assertThat(r.traceId()).isEqualTo("abc");
    assertThat(r.provider()).isEqualTo("anthropic");
    assertThat(r.model()).isEqualTo("claude-sonnet-4");
    assertThat(r.operation()).isEqualTo(Operation.TEXT_COMPLETION);
    assertThat(r.inputTokens()).isEqualTo(1200L);
    assertThat(r.outputTokens()).isEqualTo(350L);
    assertThat(r.reasoningTokens()).isEqualTo(20L);
    assertThat(r.cachedInputTokens()).isEqualTo(800L);
    assertThat(r.latencySeconds()).isEqualTo(2.5);
    assertThat(r.zone()).isEqualTo("FRA");
    assertThat(r.region()).isNull();
    assertThat(r.intensityGramsPerKwh()).isEqualTo(56.2);
  }

  @Test
  void absent_optional_fields_stay_null_and_operation_defaults_to_chat() throws Exception {
    InvocationRecord r = accept("\"output_tokens\":5,\"tenant\":\"\",\"latency_s\":null,\"region\":\"eu-west-1\"");

    assertThat(r.operation()).isEqualTo(Operation.CHAT);
    assertThat(r.tenant()).isNull();
    assertThat(r.latencySeconds()).isNull();
    assertThat(r.inputTokens()).isNull();
    assertThat(r.region()).isEqualTo("eu-west-1");
    assertThat(r.id()).startsWith("jt-").hasSize(35);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      1764064800                  | 2025-11-25T10:00:00Z
      "1764064800"                | 2025-11-25T10:00:00Z
      1764064800.25               | 2025-11-25T10:00:00.250Z
      "1764064800.123456789"      | 2025-11-25T10:00:00.123456789Z
      1764064800.123456789        | 2025-11-25T10:00:00.123456789Z
      "2026-11-25T10:00:00Z"      | 2026-11-25T10:00:00Z
      "2026-11-25T10:00:00-05:30" | 2026-11-25T15:30:00Z
      """)
  void timestamps_are_rfc3339_or_epoch_seconds(String json, String expected) throws Exception {
    InvocationRecord r = Entries.accepted(parseJson(
        "{\"provider\":\"p\",\"model\":\"m\",\"output_tokens\":1,\"timestamp\":" + json + "}"));
    assertThat(r.timestamp()).isEqualTo(Instant.parse(expected));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      "latency_s":1.2        | 1.2
      "latency_s":"1.2"      | 1.2
      "latency_s":"1.2s"     | 1.2
      "latency_s":"1200ms"   | 1.2
      "latency_s":"1200 ms"  | 1.2
      "latency_ms":1200      | 1.2
      "latency_ms":"1.1"     | 0.0011
      "latency_ms":"2s"      | 2.0
      "latency_s":0          | 0.0
      """)
  void latency_takes_seconds_milliseconds_and_unit_suffixes(String json, double seconds) throws Exception {
    assertThat(accept("\"output_tokens\":1," + json).latencySeconds()).isEqualTo(seconds);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
      {"model":"m","timestamp":1,"output_tokens":1}                            | provider            | is required
      {"provider":"p","timestamp":1,"output_tokens":1}                         | model               | is required
      {"provider":"p","model":"m","output_tokens":1}                           | timestamp           | is required
      {"provider":"p","model":"m","timestamp":"","output_tokens":1}            | timestamp           | is required
      {"provider":"p","model":"m","timestamp":1}                               | output_tokens       | is required
      {"provider":"p","model":"m","timestamp":1,"output_tokens":-3}            | output_tokens       | must be a whole number >= 0, got -3
      {"provider":"p","model":"m","timestamp":1,"output_tokens":"-3"}          | output_tokens       | must be a whole number >= 0, got -3
      {"provider":"p","model":"m","timestamp":1,"output_tokens":12.5}          | output_tokens       | must be a whole number >= 0, got 12.5
      {"provider":"p","model":"m","timestamp":1,"output_tokens":"abc"}         | output_tokens       | must be a whole number >= 0, got abc
      {"provider":"p","model":"m","timestamp":1,"output_tokens":true}          | output_tokens       | must be a whole number >= 0, got true
      {"provider":"p","model":"m","timestamp":1,"output_tokens":1e30}          | output_tokens       | must be a whole number >= 0, got 1E+30
      {"provider":"p","model":"m","timestamp":1,"output_tokens":1,"input_tokens":-1}       | input_tokens        | must be a whole number >= 0, got -1
      {"provider":"p","model":"m","timestamp":1,"output_tokens":1,"reasoning_tokens":0.5}  | reasoning_tokens    | must be a whole number >= 0, got 0.5
      {"provider":"p","model":"m","timestamp":1,"output_tokens":1,"cached_input_tokens":"x"} | cached_input_tokens | must be a whole number >= 0, got x
      {"provider":"p","model":"m","timestamp":"yesterday","output_tokens":1}   | timestamp           | must be an RFC 3339 time like 2026-11-25T10:00:00Z or epoch seconds, got yesterday
      {"provider":"p","model":"m","timestamp":"2026-11-25T10:00:00","output_tokens":1} | timestamp | must be an RFC 3339 time like 2026-11-25T10:00:00Z or epoch seconds, got 2026-11-25T10:00:00
      {"provider":"p","model":"m","timestamp":"1e-999999999","output_tokens":1} | timestamp         | must be an RFC 3339 time like 2026-11-25T10:00:00Z or epoch seconds, got 1e-999999999
      {"provider":"p","model":"m","timestamp":1e20,"output_tokens":1}          | timestamp           | epoch seconds out of range, got 1E+20
      {"provider":"p","model":"m","timestamp":1,"output_tokens":1,"latency_s":"1e-999999999s"} | latency_s | must be a finite number >= 0, got 1e-999999999s
      {"provider":"p","model":"m","timestamp":1,"output_tokens":1,"latency_s":"3min"}      | latency_s           | unknown unit "min" (use s or ms)
      {"provider":"p","model":"m","timestamp":1,"output_tokens":1,"latency_s":"5h"}        | latency_s           | unknown unit "h" (use s or ms)
      {"provider":"p","model":"m","timestamp":1,"output_tokens":1,"latency_s":-1}          | latency_s           | must be a finite number >= 0, got -1
      {"provider":"p","model":"m","timestamp":1,"output_tokens":1,"latency_s":"fast"}      | latency_s           | must be a finite number >= 0, got fast
      {"provider":"p","model":"m","timestamp":1,"output_tokens":1,"latency_ms":"-5"}       | latency_ms          | must be a finite number >= 0, got -5
      {"provider":"p","model":"m","timestamp":1,"output_tokens":1,"latency_s":1,"latency_ms":1000} | latency_s | give latency_s or latency_ms, not both
      {"provider":"p","model":"m","timestamp":1,"output_tokens":1,"intensity_g_per_kwh":"NaN"} | intensity_g_per_kwh | must be a finite number >= 0, got NaN
      {"provider":"p","model":"m","timestamp":1,"output_tokens":1,"intensity_g_per_kwh":1e999} | intensity_g_per_kwh | must be a finite number >= 0, got 1E+999
      {"provider":"p","model":"m","timestamp":1,"output_tokens":1,"zone":"FRA","region":"eu-west-3"} | zone | give zone or region, not both
      {"provider":["p"],"model":"m","timestamp":1,"output_tokens":1}           | provider            | must be a string, got an array
      """)
  void each_broken_rule_is_rejected_naming_its_field(String json, String field, String reason) throws Exception {
    Parsed.Rejected r = reject(json);
    assertThat(r.origin()).isEqualTo("t:1");
    assertThat(r.field()).isEqualTo(field);
    assertThat(r.reason()).isEqualTo(reason);
    assertThat(r.line()).isEqualTo("t:1: " + field + ": " + reason);
  }

  @Test
  void embeddings_need_no_output_tokens() throws Exception {
    InvocationRecord r = accept("\"operation\":\"embeddings\",\"input_tokens\":512");
    assertThat(r.operation()).isEqualTo(Operation.EMBEDDINGS);
    assertThat(r.outputTokens()).isZero();
    assertThat(r.inputTokens()).isEqualTo(512L);
  }

  @Test
  void whole_numbers_written_as_decimals_are_counts() throws Exception {
    assertThat(accept("\"output_tokens\":12.0").outputTokens()).isEqualTo(12L);
    assertThat(accept("\"output_tokens\":\" 7 \"").outputTokens()).isEqualTo(7L);
  }

  @Test
  void non_object_json_is_rejected() throws Exception {
    Parsed.Rejected r = reject("[1,2]");
    assertThat(r.line()).isEqualTo("t:1: expected a JSON object, got array");
  }

  @Test
  void content_id_is_the_same_for_the_same_values_whatever_their_spelling() throws Exception {
    InvocationRecord numbers = accept("\"output_tokens\":5,\"input_tokens\":10,\"latency_ms\":1500");
    InvocationRecord strings = Entries.accepted(RecordFields.parse(FieldAccess.ofText(Map.of(
        "provider", "openai", "model", "gpt-4o", "timestamp", "1795600800", "output_tokens", "5",
        "input_tokens", " 10", "latency_s", "1.5s", "tenant", "")), "t:2"));

    assertThat(strings.timestamp()).isEqualTo(numbers.timestamp());
    assertThat(strings.id()).isEqualTo(numbers.id());
    assertThat(numbers.id()).isEqualTo(RecordFields.contentId(numbers));
  }

  @Test
  void content_id_changes_with_any_field_and_tells_absent_from_present() throws Exception {
    String plain = accept("\"output_tokens\":5").id();

    assertThat(accept("\"output_tokens\":6").id()).isNotEqualTo(plain);
    assertThat(accept("\"output_tokens\":5,\"tenant\":\"a\"").id()).isNotEqualTo(plain);
    assertThat(accept("\"output_tokens\":5,\"team\":\"a\"").id())
        .isNotEqualTo(accept("\"output_tokens\":5,\"tenant\":\"a\"").id());
    assertThat(accept("\"output_tokens\":5,\"input_tokens\":0").id()).isNotEqualTo(plain);
    assertThat(accept("\"output_tokens\":5,\"timestamp\":\"2026-11-25T10:00:00.000000001Z\"").id())
        .isNotEqualTo(plain);
    assertThat(accept("\"output_tokens\":5").id()).isEqualTo(plain);
  }

  @Test
  void content_id_is_stable_across_runs() throws Exception {
    // pinned (computed independently: SHA-256 over 4-byte-length-prefixed UTF-8 values, -1 for absent);
    // changing the encoding changes every stored id, which must be a deliberate decision
    assertThat(accept("\"output_tokens\":5").id()).isEqualTo(PINNED_ID);
  }

  private static final String PINNED_ID = "jt-be76ebeb12832a94ec35a6bb6d1d7dc9";
}
