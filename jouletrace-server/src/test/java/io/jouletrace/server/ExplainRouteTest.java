package io.jouletrace.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jouletrace.catalog.Catalog;
import io.jouletrace.ledger.Ledger;
import io.jouletrace.ledger.store.DuckDbStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /api/invocations/{id}/explain} and the energy score of the record view, over real HTTP on a real ledger. */
class ExplainRouteTest {

  private static final String ADMIN = ServerTest.ADMIN;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private JouletraceServer server;
  private String acmeKey;

  /** A server on {@code dir}'s ledger with an acme record the leaderboard rates and a globex record it does not. */
  @BeforeEach
  void start(@TempDir Path dir) throws Exception {
    server = JouletraceServer.start(Ledger.open(DuckDbStore.open(dir), null),
        new JouletraceServer.Config(0, "127.0.0.1", 64 * 1024, ADMIN, Catalog.DEFAULT_METHODOLOGY));
    acmeKey = server.createKey("acme", "test");
    HttpResponse<String> stored = HTTP.send(HttpRequest.newBuilder(uri("/api/invocations")).header("Authorization", "Bearer " + ADMIN)
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("["
            + "{\"id\":\"c1\",\"timestamp\":\"2026-11-01T10:00:00Z\",\"provider\":\"huggingface_hub\",\"model\":\"meta-llama/Meta-Llama-3-70B\","
            + "\"output_tokens\":300,\"latency_s\":1.5,\"tenant\":\"acme\",\"zone\":\"FRA\"},"
            + "{\"id\":\"g1\",\"timestamp\":\"2026-11-01T11:00:00Z\",\"provider\":\"openai\",\"model\":\"gpt-4o\",\"output_tokens\":200,"
            + "\"tenant\":\"globex\"}]", StandardCharsets.UTF_8)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(stored.statusCode()).isEqualTo(200);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.port() + path);
  }

  private HttpResponse<String> get(String path, String key) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).GET();
    if (key != null) request.header("Authorization", "Bearer " + key);
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void the_explanation_shows_each_step_and_matches_the_stored_figures() throws Exception {
    HttpResponse<String> reply = get("/api/invocations/c1/explain", ADMIN);
    assertThat(reply.statusCode()).isEqualTo(200);
    JsonNode explanation = JSON.readTree(reply.body());
    JsonNode own = explanation.get("figure_sets").get(0);
    assertThat(own.get("methodology_version").asText()).isEqualTo(Catalog.DEFAULT_METHODOLOGY);
    assertThat(own.get("kind").asText()).isEqualTo("own");
    assertThat(own.get("recomputed_matches_stored").asBoolean()).isTrue();
    assertThat(own.get("steps").findValuesAsText("name")).contains("request_latency_s", "low.gpu_required_count", "high.pue",
        "intensity_g_per_kwh", "energy_wh_low", "energy_wh_high", "carbon_g_low", "carbon_g_high");
    JsonNode record = JSON.readTree(get("/api/invocations/c1", ADMIN).body());
    assertThat(own.get("result").get("energy_wh_high").asDouble()).isEqualTo(record.get("figures").get("energy").get("wh_high").asDouble());
  }

  @Test
  void the_record_view_carries_the_energy_score_derived_at_read_time() throws Exception {
    JsonNode rated = JSON.readTree(get("/api/invocations/c1", ADMIN).body());
    assertThat(rated.get("energy_score").get("stars").asInt()).isEqualTo(5);
    assertThat(rated.get("energy_score").get("task").asText()).isEqualTo("text_generation");
    assertThat(rated.get("energy_score_null_reason").isNull()).isTrue();
    JsonNode unrated = JSON.readTree(get("/api/invocations/g1", ADMIN).body());
    assertThat(unrated.get("energy_score").isNull()).isTrue();
    assertThat(unrated.get("energy_score_null_reason").get("code").asText()).isEqualTo("model-not-registered");
  }

  @Test
  void a_missing_or_another_tenants_id_is_answered_exactly_as_the_record_route_answers_it() throws Exception {
    assertThat(get("/api/invocations/c1/explain", acmeKey).statusCode()).isEqualTo(200);
    for (String id : new String[] {"g1", "nope"}) {
      HttpResponse<String> record = get("/api/invocations/" + id, acmeKey);
      HttpResponse<String> explain = get("/api/invocations/" + id + "/explain", acmeKey);
      assertThat(record.statusCode()).as(id).isBetween(400, 499);
      assertThat(explain.statusCode()).as(id).isEqualTo(record.statusCode());
      assertThat(explain.body()).as(id).isEqualTo(record.body());
    }
    assertThat(get("/api/invocations/c1/explain", null).statusCode()).isEqualTo(401);
  }
}
