package io.jouletrace.ledger.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/**
 * Known answers for the content id of a record with every field: re-ingesting a file must find the records it stored
 * before. The ids were computed outside this code base from the encoding ContentId documents (SHA-256 over each field's
 * length-prefixed text in schema order), not by running it: never change them to make this pass.
 */
class ContentIdKnownAnswerTest {

  private static final String EVERY_FIELD = "{\"timestamp\":\"2026-11-01T10:00:00.5Z\",\"tenant\":\"acme\",\"team\":\"search\","
      + "\"cost_center\":\"cc-7\",\"trace_id\":\"t-1\",\"provider\":\"openai\",\"model\":\"gpt-4o-2024-08-06\",\"operation\":\"chat\","
      + "\"input_tokens\":1200,\"output_tokens\":350,\"reasoning_tokens\":40,\"cached_input_tokens\":200,\"latency_s\":2.75,"
      + "\"region\":\"eu-west-1\",\"intensity_g_per_kwh\":250.5";

  @Test
  void a_record_without_the_requested_model_keeps_the_id_it_always_had() throws Exception {
    assertThat(id(EVERY_FIELD + "}")).isEqualTo("jt-4a7f5a28e300112067c1eaf4eb6344dd");
  }

  @Test
  void the_requested_model_is_hashed_after_the_other_fields_behind_its_marker() throws Exception {
    assertThat(id(EVERY_FIELD + ",\"model_requested\":\"gpt-4o\"}")).isEqualTo("jt-bcd7599dc48cf95c65cd0922becabf9b");
  }

  private static String id(String json) throws Exception {
    JsonNode node = RecordFields.jsonReader().readTree(json);
    return ((Parsed.Accepted) RecordFields.parse(node, "kat")).record().id();
  }
}
