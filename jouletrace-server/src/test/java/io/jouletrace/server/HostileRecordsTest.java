package io.jouletrace.server;

import static io.jouletrace.server.ServerTest.HTTP;
import static io.jouletrace.server.ServerTest.JSON;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.jouletrace.catalog.Catalog;
import io.jouletrace.ledger.Ledger;
import io.jouletrace.ledger.store.DuckDbStore;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hostile records on the ingest routes: each is rejected alone, naming its place and field, and ingestion goes on for everyone. */
class HostileRecordsTest {

  @TempDir
  Path dir;

  private JouletraceServer server;
  private String acmeKey;
  private String globexKey;

  @BeforeEach
  void start() {
    server = JouletraceServer.start(Ledger.open(DuckDbStore.open(dir), null),
        new JouletraceServer.Config(0, "127.0.0.1", 1 << 20, ServerTest.ADMIN, Catalog.DEFAULT_METHODOLOGY));
    acmeKey = server.createKey("acme", "test");
    globexKey = server.createKey("globex", "test");
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private HttpResponse<String> post(String path, String key, String json) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
        .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private int get(String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
        .header("Authorization", "Bearer " + ServerTest.ADMIN).build(), HttpResponse.BodyHandlers.ofString()).statusCode();
  }

  static String call(String id, String extra) {
    return "{\"id\":\"" + id + "\",\"timestamp\":\"2026-11-01T10:00:00Z\",\"provider\":\"openai\",\"model\":\"gpt-4o\",\"output_tokens\":300"
        + extra + "}";
  }

  @Test
  void a_nul_in_a_model_and_an_overflowing_record_are_rejected_alone_and_every_tenant_goes_on_recording() throws Exception {
    String nul = "{\"id\":\"nul\",\"timestamp\":\"2026-11-01T10:00:00Z\",\"provider\":\"openai\",\"model\":\"gpt\\u0000-4o\",\"output_tokens\":3}";
    String huge = call("huge", ",\"intensity_g_per_kwh\":1e308,\"output_tokens\":9000000000000000000").replace("\"output_tokens\":300,", "");
    HttpResponse<String> batch = post("/api/invocations", acmeKey, "[" + call("a1", "") + "," + nul + "," + call("a2", "") + "," + huge + "]");
    assertThat(batch.statusCode()).isEqualTo(200);
    JsonNode answer = JSON.readTree(batch.body());
    assertThat(answer.get("accepted").asLong()).as(batch.body()).isEqualTo(2);
    assertThat(answer.get("rejected").get(0).get("at").asText()).isEqualTo("body[1]");
    assertThat(answer.get("rejected").get(0).get("field").asText()).isEqualTo("model");
    assertThat(answer.get("rejected").get(0).get("reason").asText()).contains("control character");
    assertThat(answer.get("rejected").get(1).get("at").asText()).isEqualTo("body[3]");
    assertThat(answer.get("rejected").get(1).get("field").asText()).isEqualTo("output_tokens");

    HttpResponse<String> alone = post("/api/invocations", acmeKey, nul);
    assertThat(alone.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(alone.body()).get("rejected").get(0).get("field").asText()).isEqualTo("model");
    assertThat(JSON.readTree(post("/api/invocations", acmeKey, huge).body()).get("rejected").get(0).get("at").asText()).isEqualTo("body[0]");

    HttpResponse<String> good = post("/api/invocations", globexKey, call("g1", ""));
    assertThat(good.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(good.body()).get("accepted").asLong()).isEqualTo(1);
    assertThat(get("/api/invocations/g1")).isEqualTo(200);
    assertThat(get("/api/invocations/a2")).isEqualTo(200);
    assertThat(get("/api/invocations/nul")).isEqualTo(404);
    assertThat(HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/health")).build(),
        HttpResponse.BodyHandlers.ofString()).body()).isEqualTo("ok");
  }

  @Test
  void far_dates_long_strings_and_out_of_bound_figures_are_rejected_by_field() throws Exception {
    String[][] cases = {
        {call("t1", "").replace("2026-11-01T10:00:00Z", "9999-12-31T00:00:00Z"), "timestamp"},
        {call("t2", "").replace("2026-11-01T10:00:00Z", "1970-01-01T00:00:01Z"), "timestamp"},
        {call("t3", ",\"team\":\"" + "x".repeat(1_000) + "\""), "team"},
        {call("t4", ",\"latency_s\":1e9"), "latency_s"},
        {call("t5", ",\"input_tokens\":100000000000"), "input_tokens"},
        {call("t6", ",\"intensity_g_per_kwh\":50000"), "intensity_g_per_kwh"},
        {call("t7", ",\"cost_center\":\"a\\ud800b\""), "cost_center"},
        {call("t8", ",\"trace_id\":\"a\\nb\""), "trace_id"},
    };
    StringBuilder body = new StringBuilder("[");
    for (String[] c : cases) body.append(c[0]).append(',');
    body.append(call("fine", "")).append(']');
    JsonNode answer = JSON.readTree(post("/api/invocations", acmeKey, body.toString()).body());
    assertThat(answer.get("accepted").asLong()).isEqualTo(1);
    for (int i = 0; i < cases.length; i++) {
      JsonNode rejected = answer.get("rejected").get(i);
      assertThat(rejected.get("at").asText()).isEqualTo("body[" + i + "]");
      assertThat(rejected.get("field").asText()).as(rejected.toString()).isEqualTo(cases[i][1]);
    }
  }

  @Test
  void an_otlp_span_outside_the_bounds_is_rejected_and_the_others_are_stored() throws Exception {
    String span = "{\"traceId\":\"5B8EFFF798038103D269B633813FC60C\",\"spanId\":\"%s\",\"name\":\"chat\",\"startTimeUnixNano\":\"1753500000000000000\","
        + "\"endTimeUnixNano\":1753500002000000000,\"attributes\":[{\"key\":\"gen_ai.operation.name\",\"value\":{\"stringValue\":\"chat\"}},"
        + "{\"key\":\"gen_ai.system\",\"value\":{\"stringValue\":\"openai\"}},{\"key\":\"gen_ai.request.model\",\"value\":{\"stringValue\":\"%s\"}},"
        + "{\"key\":\"gen_ai.usage.output_tokens\",\"value\":{\"intValue\":42}}]}";
    String json = "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[" + span.formatted("EEE19B7EC3C1B174", "gpt\\u0007-4o") + ","
        + span.formatted("EEE19B7EC3C1B175", "gpt-4o") + "]}]}]}";
    HttpResponse<String> answer = post("/v1/traces", acmeKey, json);
    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(answer.body()).get("partialSuccess").get("errorMessage").asText()).contains("control character");
    assertThat(get("/api/invocations/5b8efff798038103d269b633813fc60c:eee19b7ec3c1b175")).isEqualTo(200);
    assertThat(get("/api/invocations/5b8efff798038103d269b633813fc60c:eee19b7ec3c1b174")).isEqualTo(404);
  }
}
