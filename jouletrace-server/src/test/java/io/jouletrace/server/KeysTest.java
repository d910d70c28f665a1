package io.jouletrace.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.jouletrace.catalog.Catalog;
import io.jouletrace.ledger.Ledger;
import io.jouletrace.ledger.store.DuckDbStore;
import org.junit.jupiter.api.Test;

/** API keys over HTTP: listed, made and revoked by an admin; bound to a team and cost center; a short admin key refused. */
class KeysTest extends RunningServerTest {

  private static String call(String id, String extra) {
    return "{\"id\":\"" + id + "\",\"timestamp\":\"2026-11-01T10:00:00Z\",\"provider\":\"openai\",\"model\":\"gpt-4o\",\"output_tokens\":300"
        + extra + "}";
  }

  @Test
  void an_admin_lists_makes_and_revokes_keys_and_a_revoked_key_is_refused_at_once() throws Exception {
    TestHttp.Reply made = http.send("POST", "/api/keys", ServerTest.ADMIN, "{\"role\":\"tenant\",\"tenant\":\"acme\",\"label\":\"ci\"}");
    assertThat(made.status()).as(made.body()).isEqualTo(201);
    String key = made.json().get("key").asText();
    String id = made.json().get("id").asText();
    assertThat(id).matches("[0-9a-f]{12}");
    assertThat(http.get("/api/energy/summary", key).status()).isEqualTo(200);

    JsonNode listed = http.get("/api/keys", ServerTest.ADMIN).json().get("keys");
    assertThat(listed).singleElement().satisfies(k -> {
      assertThat(k.get("id").asText()).isEqualTo(id);
      assertThat(k.get("role").asText()).isEqualTo("tenant");
      assertThat(k.get("tenant").asText()).isEqualTo("acme");
      assertThat(k.get("label").asText()).isEqualTo("ci");
      assertThat(k.get("revoked_at").isNull()).isTrue();
      assertThat(k.has("key")).as("a key is shown once, when made").isFalse();
    });
    assertThat(http.get("/api/keys", key).status()).as("admin only").isEqualTo(403);
    assertThat(http.send("POST", "/api/keys", ServerTest.ADMIN, "{\"role\":\"tenant\"}").status()).isEqualTo(400);

    TestHttp.Reply revoked = http.send("DELETE", "/api/keys/" + id, ServerTest.ADMIN, null);
    assertThat(revoked.status()).isEqualTo(200);
    assertThat(revoked.json().get("revoked_at").asText()).isNotEmpty();
    TestHttp.Reply refused = http.get("/api/energy/summary", key);
    assertThat(refused.status()).isEqualTo(401);
    assertThat(refused.json().get("error").get("message").asText()).contains("revoked");
    assertThat(http.get("/api/keys", ServerTest.ADMIN).json().get("keys").get(0).get("revoked_at").asText()).isNotEmpty();
    assertThat(http.send("DELETE", "/api/keys/000000000000", ServerTest.ADMIN, null).status()).isEqualTo(404);
  }

  @Test
  void a_bound_key_stamps_its_team_and_cost_center_and_refuses_another() throws Exception {
    String bound = server.createKey("acme", "search", "cc-7", "search service");
    assertThat(http.send("POST", "/api/invocations", bound, call("b1", "")).status()).isEqualTo(200);
    JsonNode record = http.get("/api/invocations/b1", ServerTest.ADMIN).json().get("record");
    assertThat(record.get("team").asText()).isEqualTo("search");
    assertThat(record.get("cost_center").asText()).isEqualTo("cc-7");

    TestHttp.Reply other = http.send("POST", "/api/invocations", bound, call("b2", ",\"team\":\"research\""));
    assertThat(other.status()).isEqualTo(403);
    assertThat(other.json().get("error").get("message").asText()).contains("body[0]").contains("team search").contains("research");
    assertThat(http.send("POST", "/api/invocations", bound, call("b3", ",\"cost_center\":\"cc-8\"")).status()).isEqualTo(403);
    assertThat(http.send("POST", "/api/invocations", bound, call("b4", ",\"team\":\"Search\"")).status()).as("names match ignoring case")
        .isEqualTo(200);
    assertThat(http.get("/api/invocations/b4", ServerTest.ADMIN).json().get("record").get("team").asText()).isEqualTo("search");

    assertThat(http.send("POST", "/v1/traces", bound, span("EEE19B7EC3C1B174", "")).status()).isEqualTo(200);
    JsonNode traced = http.get("/api/invocations/5b8efff798038103d269b633813fc60c:eee19b7ec3c1b174", ServerTest.ADMIN).json().get("record");
    assertThat(traced.get("team").asText()).isEqualTo("search");
    assertThat(traced.get("cost_center").asText()).isEqualTo("cc-7");
    TestHttp.Reply otherSpan = http.send("POST", "/v1/traces", bound, span("EEE19B7EC3C1B175",
        ",{\"key\":\"jouletrace.team\",\"value\":{\"stringValue\":\"research\"}}"));
    assertThat(otherSpan.status()).as("that span alone is refused, as OTLP's partial success").isEqualTo(200);
    assertThat(otherSpan.json().get("partialSuccess").get("rejectedSpans").asText()).isEqualTo("1");
    assertThat(otherSpan.json().get("partialSuccess").get("errorMessage").asText()).contains("bound to team search");

    // In a batch, an entry for another team or tenant is rejected alone, naming its place and field; the rest is stored.
    JsonNode batch = http.send("POST", "/api/invocations", bound, "[" + call("b5", "") + "," + call("b6", ",\"team\":\"research\"") + ","
        + call("b7", ",\"tenant\":\"globex\"") + "]").json();
    assertThat(batch.get("accepted").asLong()).isEqualTo(1);
    assertThat(batch.get("rejected")).extracting(r -> r.get("at").asText() + " " + r.get("field").asText())
        .containsExactly("body[1] team", "body[2] tenant");
  }

  /** One OTLP/JSON GenAI span, with more attributes where given. */
  private static String span(String spanId, String moreAttributes) {
    return "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"5B8EFFF798038103D269B633813FC60C\",\"spanId\":\"" + spanId
        + "\",\"name\":\"chat\",\"startTimeUnixNano\":\"1753500000000000000\",\"endTimeUnixNano\":1753500002000000000,\"attributes\":["
        + "{\"key\":\"gen_ai.system\",\"value\":{\"stringValue\":\"openai\"}},{\"key\":\"gen_ai.request.model\",\"value\":{\"stringValue\":\"gpt-4o\"}},"
        + "{\"key\":\"gen_ai.operation.name\",\"value\":{\"stringValue\":\"chat\"}},"
        + "{\"key\":\"gen_ai.usage.output_tokens\",\"value\":{\"intValue\":42}}" + moreAttributes + "]}]}]}]}";
  }

  @Test
  void an_admin_key_shorter_than_32_characters_is_refused_at_start() {
    assertThatThrownBy(() -> JouletraceServer.start(Ledger.open(DuckDbStore.open(dir.resolve("short")), null),
        new JouletraceServer.Config(0, "127.0.0.1", 64 * 1024, "a", Catalog.DEFAULT_METHODOLOGY)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(ApiKeys.ADMIN_KEY_ENV).hasMessageContaining("at least 32");
  }
}
