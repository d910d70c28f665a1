package io.jouletrace.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.jouletrace.catalog.Catalog;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code GET /api/invocations/{id}/explain} and the energy score of the record view, over real HTTP on a real ledger. */
class ExplainRouteTest extends RunningServerTest {

  private static final String ADMIN = ServerTest.ADMIN;

  private String acmeKey;

  /** An acme record the leaderboard rates and a globex record it does not. */
  @BeforeEach
  void storeRecords() throws Exception {
    acmeKey = server.createKey("acme", "test");
    TestHttp.Reply stored = http.send("POST", "/api/invocations", ADMIN, "["
        + "{\"id\":\"c1\",\"timestamp\":\"2026-11-01T10:00:00Z\",\"provider\":\"huggingface_hub\",\"model\":\"meta-llama/Meta-Llama-3-70B\","
        + "\"output_tokens\":300,\"latency_s\":1.5,\"tenant\":\"acme\",\"zone\":\"FRA\"},"
        + "{\"id\":\"g1\",\"timestamp\":\"2026-11-01T11:00:00Z\",\"provider\":\"openai\",\"model\":\"gpt-4o\",\"output_tokens\":200,"
        + "\"tenant\":\"globex\"}]");
    assertThat(stored.status()).isEqualTo(200);
  }

  @Test
  void the_explanation_shows_each_step_and_matches_the_stored_figures() throws Exception {
    TestHttp.Reply reply = http.get("/api/invocations/c1/explain", ADMIN);
    assertThat(reply.status()).isEqualTo(200);
    JsonNode own = reply.json().get("figure_sets").get(0);
    assertThat(own.get("methodology_version").asText()).isEqualTo(Catalog.DEFAULT_METHODOLOGY);
    assertThat(own.get("kind").asText()).isEqualTo("own");
    assertThat(own.get("recomputed_matches_stored").asBoolean()).isTrue();
    assertThat(own.get("steps").findValuesAsText("name")).contains("request_latency_s", "low.gpu_required_count", "high.pue",
        "intensity_g_per_kwh", "energy_wh_low", "energy_wh_high", "carbon_g_low", "carbon_g_high");
    JsonNode record = http.get("/api/invocations/c1", ADMIN).json();
    assertThat(own.get("result").get("energy_wh_high").asDouble()).isEqualTo(record.get("figures").get("energy").get("wh_high").asDouble());
  }

  @Test
  void the_record_view_carries_the_energy_score_derived_at_read_time() throws Exception {
    JsonNode rated = http.get("/api/invocations/c1", ADMIN).json();
    assertThat(rated.get("energy_score").get("stars").asInt()).isEqualTo(5);
    assertThat(rated.get("energy_score").get("task").asText()).isEqualTo("text_generation");
    assertThat(rated.get("energy_score_null_reason").isNull()).isTrue();
    JsonNode unrated = http.get("/api/invocations/g1", ADMIN).json();
    assertThat(unrated.get("energy_score").isNull()).isTrue();
    assertThat(unrated.get("energy_score_null_reason").get("code").asText()).isEqualTo("model-not-registered");
  }

  @Test
  void the_explanation_lists_null_reasons_as_the_record_view_and_the_eco_block_do() throws Exception {
    JsonNode reasons = http.get("/api/invocations/g1/explain", ADMIN).json().get("figure_sets").get(0).get("null_reasons");
    assertThat(reasons).isEqualTo(http.get("/api/invocations/g1", ADMIN).json().get("figures").get("null_reasons"));
    assertThat(reasons.isArray()).isTrue();
    JsonNode unrated = reasons.get(reasons.size() - 1);
    assertThat(unrated.get("field").asText()).isEqualTo("energy_score");
    assertThat(unrated.get("code").asText()).isEqualTo("model-not-registered");
    assertThat(unrated.get("message").asText()).isNotBlank();
  }

  @Test
  void a_missing_or_another_tenants_id_is_answered_exactly_as_the_record_route_answers_it() throws Exception {
    assertThat(http.get("/api/invocations/c1/explain", acmeKey).status()).isEqualTo(200);
    for (String id : new String[] {"g1", "nope"}) {
      TestHttp.Reply record = http.get("/api/invocations/" + id, acmeKey);
      TestHttp.Reply explain = http.get("/api/invocations/" + id + "/explain", acmeKey);
      assertThat(record.status()).as(id).isEqualTo(404);
      assertThat(explain.status()).as(id).isEqualTo(record.status());
      assertThat(explain.body()).as(id).isEqualTo(record.body());
    }
    assertThat(http.get("/api/invocations/c1/explain", null).status()).isEqualTo(401);
  }
}
