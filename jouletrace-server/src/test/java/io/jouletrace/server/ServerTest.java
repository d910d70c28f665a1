package io.jouletrace.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import io.jouletrace.catalog.Catalog;
import io.jouletrace.catalog.EcoBlock;
import io.jouletrace.core.record.InvocationRecord;
import io.jouletrace.ledger.Ledger;
import io.jouletrace.ledger.store.DuckDbStore;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server over real HTTP on loopback, on a real embedded ledger. */
class ServerTest {

  static final String ADMIN = "test-admin-key-0123456789abcdef-0123";
  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir
  Path dir;

  private JouletraceServer server;
  private String acmeKey;

  @BeforeEach
  void start() {
    server = JouletraceServer.start(Ledger.open(DuckDbStore.open(dir), null),
        new JouletraceServer.Config(0, "127.0.0.1", 64 * 1024, ADMIN, Catalog.DEFAULT_METHODOLOGY));
    acmeKey = server.createKey("acme", "test");
  }

  @AfterEach
  void stop() {
    server.close();
  }

  record Reply(int status, String body, java.net.http.HttpHeaders headers) {
    JsonNode json() throws IOException {
      return JSON.readTree(body);
    }
  }

  private Reply send(String method, String path, String key, String contentType, byte[] body, String... headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    if (key != null) request.header("Authorization", "Bearer " + key);
    if (contentType != null) request.header("Content-Type", contentType);
    for (int i = 0; i < headers.length; i += 2) request.header(headers[i], headers[i + 1]);
    HttpResponse<byte[]> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    return new Reply(response.statusCode(), new String(response.body(), java.nio.charset.StandardCharsets.ISO_8859_1), response.headers());
  }

  private Reply get(String path, String key) throws Exception {
    return send("GET", path, key, null, null);
  }

  private Reply post(String path, String key, String json) throws Exception {
    return send("POST", path, key, "application/json", json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  private static final String ACME_CALL = "{\"id\":\"c1\",\"timestamp\":\"2026-11-01T10:00:00Z\",\"provider\":\"openai\",\"model\":\"gpt-4o\","
      + "\"input_tokens\":1000,\"output_tokens\":300,\"tenant\":\"acme\",\"team\":\"search\",\"zone\":\"FRA\"}";
  private static final String GLOBEX_CALL = "{\"id\":\"g1\",\"timestamp\":\"2026-11-01T11:00:00Z\",\"provider\":\"openai\","
      + "\"model\":\"gpt-4o-mini\",\"output_tokens\":200,\"tenant\":\"globex\",\"team\":\"research\"}";

  @Test
  void calls_the_ledger_stored_go_to_the_publisher_too_once_committed() throws Exception {
    server.close();
    List<InvocationRecord> published = new java.util.concurrent.CopyOnWriteArrayList<>();
    server = JouletraceServer.start(Ledger.open(DuckDbStore.open(dir), null),
        new JouletraceServer.Config(0, "127.0.0.1", 64 * 1024, ADMIN, Catalog.DEFAULT_METHODOLOGY), published::addAll);
    assertThat(post("/api/invocations", ADMIN, "[" + ACME_CALL + "," + GLOBEX_CALL + "]").status()).isEqualTo(200);
    assertThat(published).extracting(InvocationRecord::id).containsExactly("c1", "g1");
    assertThat(get("/api/invocations/c1", ADMIN).status()).as("published after the commit").isEqualTo(200);
    assertThat(published.getFirst()).satisfies(r -> {
      assertThat(r.tenant()).isEqualTo("acme");
      assertThat(r.outputTokens()).isEqualTo(300L);
    });
  }

  @Test
  void a_posted_call_keeps_the_model_its_client_asked_for_and_the_record_view_shows_both() throws Exception {
    String call = GLOBEX_CALL.replace("\"g1\"", "\"m1\"").replace("\"model\":\"gpt-4o-mini\"",
        "\"model\":\"gpt-4o-mini-2024-07-18\",\"model_requested\":\"gpt-4o-mini\"");
    assertThat(post("/api/invocations", ADMIN, call).status()).isEqualTo(200);
    JsonNode record = get("/api/invocations/m1", ADMIN).json().get("record");
    assertThat(record.get("model").asText()).isEqualTo("gpt-4o-mini-2024-07-18");
    assertThat(record.get("model_requested").asText()).isEqualTo("gpt-4o-mini");
  }

  @Test
  void every_api_and_otlp_route_needs_a_key_and_errors_are_json_without_stack_traces() throws Exception {
    for (String path : new String[] {"/api/energy/summary", "/api/invocations/c1", "/api/energy/series", "/api/verify", "/metrics"}) {
      Reply reply = get(path, null);
      assertThat(reply.status()).as(path).isEqualTo(401);
      assertThat(reply.json().get("error").get("message").asText()).contains("API key");
    }
    assertThat(post("/v1/traces", null, "{}").status()).isEqualTo(401);
    assertThat(get("/api/energy/summary", "not-a-key").status()).isEqualTo(401);
    assertThat(get("/health", null).body()).isEqualTo("ok");

    Reply malformed = post("/api/energy/estimate", ADMIN, "{\"provider\": \"openai\", ");
    assertThat(malformed.status()).isEqualTo(400);
    assertThat(malformed.json().get("error").get("message").asText()).startsWith("request body is not valid JSON");
    assertThat(malformed.body()).doesNotContain("\tat ").doesNotContain("Exception");
    Reply tooBig = post("/api/invocations", ADMIN, "[" + (ACME_CALL + ",").repeat(500) + ACME_CALL + "]");
    assertThat(tooBig.status()).isEqualTo(413);
    assertThat(tooBig.json().get("error").get("message").asText()).contains("larger than 65536 bytes");
  }

  @Test
  void estimate_returns_the_eco_block_of_the_core_and_names_a_bad_field() throws Exception {
    Reply reply = post("/api/energy/estimate", acmeKey,
        "{\"provider\":\"openai\",\"model\":\"gpt-4o\",\"input_tokens\":1000,\"output_tokens\":300,\"zone\":\"FRA\"}");
    assertThat(reply.status()).isEqualTo(200);
    InvocationRecord record = InvocationRecord.builder("openai", "gpt-4o", 300).inputTokens(1000L).zone("FRA").build();
    ObjectNode expected = EcoBlock.of(record, Catalog.estimator(Catalog.Options.defaults()).estimate(record, Catalog.DEFAULT_METHODOLOGY));
    expected.set("wh", expected.get("energy").get("wh"));
    expected.set("co2_grams", expected.get("carbon").get("g"));
    assertThat(reply.json()).isEqualTo(expected);

    Reply bad = post("/api/energy/estimate", acmeKey, "{\"provider\":\"openai\",\"model\":\"gpt-4o\",\"output_tokens\":-3}");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.json().get("error").get("message").asText()).isEqualTo("field 'output_tokens': must be a whole number >= 0, got -3");
    Reply unknown = post("/api/energy/estimate", acmeKey, "{\"provider\":\"openai\",\"model\":\"gpt-4o\",\"output_tokens\":3,\"methodology\":\"nope\"}");
    assertThat(unknown.json().get("error").get("message").asText()).startsWith("field 'methodology'");
  }

  /** One figure JSON shape (issue 20): a stored call's figures read back exactly as the estimate route shows them. */
  @Test
  void the_record_view_shows_the_figures_of_the_eco_block_for_the_same_call() throws Exception {
    String[] calls = {"\"provider\":\"openai\",\"model\":\"gpt-4o\",\"input_tokens\":1000,\"output_tokens\":300,\"zone\":\"FRA\"",
        "\"provider\":\"openai\",\"model\":\"house-model-7\",\"output_tokens\":300,\"zone\":\"FRA\""};
    for (int i = 0; i < calls.length; i++) {
      JsonNode eco = post("/api/energy/estimate", ADMIN, "{" + calls[i] + "}").json();
      Reply stored = post("/api/invocations", ADMIN, "{\"id\":\"same-" + i + "\",\"timestamp\":\"2026-11-01T10:00:00Z\"," + calls[i] + "}");
      assertThat(stored.json().get("accepted").asLong()).as(stored.body()).isEqualTo(1);
      JsonNode figures = get("/api/invocations/same-" + i, ADMIN).json().get("figures");
      for (String field : List.of("energy", "carbon", "embodied_carbon", "water", "null_reasons")) {
        assertThat(figures.get(field)).as(calls[i] + ": " + field).isEqualTo(eco.get(field));
      }
    }
    JsonNode unknown = get("/api/invocations/same-1", ADMIN).json().get("figures").get("null_reasons");
    assertThat(unknown.findValuesAsText("field")).containsExactly("energy", "carbon", "embodied_carbon", "water", "energy_score");
    assertThat(unknown.get(0).get("code").asText()).isEqualTo("model-not-registered");
    assertThat(unknown.get(0).get("message").asText()).contains("house-model-7");
  }

  /** BIJOTEL's documented call: no provider, one token count, a region label; answered with its wh and co2_grams. */
  @Test
  void estimate_takes_bijotels_model_tokens_and_region_and_says_what_it_assumed() throws Exception {
    Reply reply = post("/api/energy/estimate", acmeKey, "{\"model\":\"claude-haiku-4-5-20251001\",\"tokens\":1500,\"region\":\"us-east\"}");
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    InvocationRecord record = InvocationRecord.builder("anthropic", "claude-haiku-4-5-20251001", 1500).region("us-east").build();
    JsonNode asOutput = EcoBlock.of(record, Catalog.estimator(Catalog.Options.defaults()).estimate(record, Catalog.DEFAULT_METHODOLOGY));
    JsonNode answer = reply.json();
    assertThat(answer.get("model").get("provider").asText()).isEqualTo("anthropic");
    assertThat(answer.get("energy")).as("all 1500 tokens figured as output tokens").isEqualTo(asOutput.get("energy"));
    assertThat(answer.get("wh").asDouble()).isPositive().isEqualTo(answer.get("energy").get("wh").asDouble());
    assertThat(answer.get("co2_grams").asDouble()).isPositive().isEqualTo(answer.get("carbon").get("g").asDouble());
    assertThat(answer.get("carbon").get("intensity_source").asText()).isEqualTo(asOutput.get("carbon").get("intensity_source").asText());
    assertThat(answer.get("warnings").toString()).contains("provider anthropic inferred from the model name")
        .contains("all 1500 counted as output tokens");

    Reply unknown = post("/api/energy/estimate", acmeKey, "{\"model\":\"house-model-7\",\"tokens\":10}");
    assertThat(unknown.status()).isEqualTo(400);
    assertThat(unknown.json().get("error").get("message").asText()).startsWith("field 'provider': is required: model 'house-model-7' is not in");
    Reply both = post("/api/energy/estimate", acmeKey, "{\"provider\":\"openai\",\"model\":\"gpt-4o\",\"tokens\":10,\"output_tokens\":3}");
    assertThat(both.json().get("error").get("message").asText()).startsWith("field 'tokens': give either tokens or");
  }

  @Test
  void invocations_are_stored_once_with_their_rejects_named_and_shown_with_provenance() throws Exception {
    Reply first = post("/api/invocations", ADMIN, "[" + ACME_CALL + ",{\"id\":\"bad\",\"provider\":\"openai\",\"model\":\"gpt-4o\","
        + "\"timestamp\":\"2026-11-01T10:00:00Z\"}," + GLOBEX_CALL + "]");
    assertThat(first.status()).isEqualTo(200);
    JsonNode result = first.json();
    assertThat(result.get("accepted").asLong()).isEqualTo(2);
    assertThat(result.get("rejected")).hasSize(1);
    assertThat(result.get("rejected").get(0).get("at").asText()).isEqualTo("body[1]");
    assertThat(result.get("rejected").get(0).get("field").asText()).isEqualTo("output_tokens");
    Reply again = post("/api/invocations", ADMIN, ACME_CALL);
    assertThat(again.json().get("accepted").asLong()).isZero();
    assertThat(again.json().get("duplicates").asLong()).isEqualTo(1);

    JsonNode stored = get("/api/invocations/c1", ADMIN).json();
    assertThat(stored.get("chain").get("seq").asLong()).isEqualTo(1);
    assertThat(stored.get("chain").get("hash").asText()).hasSize(64);
    JsonNode energy = stored.get("figures").get("energy");
    InvocationRecord record = InvocationRecord.builder("openai", "gpt-4o", 300).inputTokens(1000L).zone("FRA").build();
    var estimate = Catalog.estimator(Catalog.Options.defaults()).estimate(record, Catalog.DEFAULT_METHODOLOGY);
    assertThat(energy.get("wh").asDouble()).isCloseTo(((io.jouletrace.core.figure.Figure.Known) estimate.energy()).value() / 3600, within(1e-12));
    assertThat(energy.get("tier").asText()).isEqualTo("modelled");
    assertThat(energy.get("method").asText()).as("the method the figure follows from").isEqualTo(((io.jouletrace.core.figure.Figure.Known) estimate.energy()).method());
    assertThat(stored.get("figures").get("carbon").get("method").asText()).isEqualTo(((io.jouletrace.core.figure.Figure.Known) estimate.carbon()).method());
    assertThat(stored.get("figures").get("carbon").get("intensity_source").asText()).isNotBlank();
    assertThat(stored.get("figures").get("methodology_version").asText()).isEqualTo(Catalog.DEFAULT_METHODOLOGY);
    assertThat(get("/api/invocations/nope", ADMIN).status()).isEqualTo(404);
  }

  @Test
  void a_tenant_key_sees_and_writes_only_its_tenant() throws Exception {
    post("/api/invocations", ADMIN, "[" + ACME_CALL + "," + GLOBEX_CALL + "]");
    assertThat(get("/api/energy/summary", acmeKey).json().get("total_calls").asLong()).isEqualTo(1);
    assertThat(get("/api/energy/summary", ADMIN).json().get("total_calls").asLong()).isEqualTo(2);
    assertThat(get("/api/energy/summary?tenant=globex", acmeKey).status()).isEqualTo(403);
    assertThat(get("/api/invocations/g1", acmeKey).status()).as("another tenant's record is a missing one").isEqualTo(404);
    assertThat(get("/api/invocations/c1", acmeKey).status()).isEqualTo(200);
    assertThat(post("/api/invocations", acmeKey, GLOBEX_CALL.replace("\"g1\"", "\"g2\"")).status()).isEqualTo(403);
    assertThat(get("/api/verify", acmeKey).status()).isEqualTo(403);
    assertThat(get("/metrics", acmeKey).status()).isEqualTo(403);

    // A call without a tenant, sent with a tenant key, is stamped with that tenant.
    post("/api/invocations", acmeKey, GLOBEX_CALL.replace("\"g1\"", "\"a9\"").replace(",\"tenant\":\"globex\"", ""));
    assertThat(get("/api/invocations/a9", ADMIN).json().get("record").get("tenant").asText()).isEqualTo("acme");
  }

  @Test
  void the_ledger_head_is_served_as_a_checkpoint_to_admin_keys_only_and_verify_reports_the_derived_tables() throws Exception {
    assertThat(post("/api/invocations", ADMIN, "[" + ACME_CALL + "," + GLOBEX_CALL + "]").status()).isEqualTo(200);
    Reply head = get("/api/ledger/head", ADMIN);
    assertThat(head.status()).isEqualTo(200);
    io.jouletrace.ledger.Checkpoint checkpoint = io.jouletrace.ledger.Checkpoint.parse(head.body(), "/api/ledger/head");
    assertThat(checkpoint.seq()).isEqualTo(2);
    assertThat(checkpoint.hmac()).isNull();
    assertThat(head.json().has("hmac")).isTrue();
    assertThat(get("/api/ledger/head", acmeKey).status()).isEqualTo(403);
    assertThat(get("/api/ledger/head", null).status()).isEqualTo(401);

    assertThat(get("/api/energy/summary", ADMIN).status()).isEqualTo(200); // fills the daily rollup
    JsonNode verify = get("/api/verify", ADMIN).json();
    assertThat(verify.get("head_hash").asText()).isEqualTo(checkpoint.hash());
    assertThat(verify.get("first_altered_id").isNull()).isTrue();
    JsonNode derived = verify.get("derived");
    assertThat(derived.get("ok").asBoolean()).isTrue();
    assertThat(derived.get("report_rollup_day").get("through_seq").asLong()).isEqualTo(2);
    assertThat(derived.get("report_rollup_day").get("groups_compared").asLong()).isEqualTo(2);
    assertThat(derived.get("examples")).isEmpty();
  }

  private static String order(String tenant, long outputTokens) {
    return "{\"id\":\"globex-order-42\",\"timestamp\":\"2026-11-01T10:00:00Z\",\"provider\":\"openai\",\"model\":\"gpt-4o\","
        + "\"output_tokens\":" + outputTokens + ",\"tenant\":\"" + tenant + "\"}";
  }

  @Test
  void one_id_in_two_tenants_is_two_records_and_another_tenants_record_answers_like_a_missing_one() throws Exception {
    String globexKey = server.createKey("globex", "test");
    JsonNode globexStored = post("/api/invocations", globexKey, order("globex", 200)).json();
    JsonNode acmeStored = post("/api/invocations", acmeKey, order("acme", 300)).json();
    assertThat(globexStored.get("accepted").asLong()).isEqualTo(1);
    assertThat(acmeStored.get("accepted").asLong()).as("not a duplicate of globex's record").isEqualTo(1);
    assertThat(acmeStored.get("duplicates").asLong()).isZero();

    assertThat(get("/api/invocations/globex-order-42", globexKey).json().get("record").get("output_tokens").asLong()).isEqualTo(200);
    assertThat(get("/api/invocations/globex-order-42", acmeKey).json().get("record").get("output_tokens").asLong()).isEqualTo(300);
    assertThat(get("/api/energy/summary", ADMIN).json().get("total_calls").asLong()).isEqualTo(2);
    assertThat(get("/api/energy/summary", acmeKey).json().get("total_calls").asLong()).isEqualTo(1);
    assertThat(get("/api/energy/summary", globexKey).json().get("total_calls").asLong()).isEqualTo(1);

    post("/api/invocations", globexKey, GLOBEX_CALL);
    Reply others = get("/api/invocations/g1", acmeKey);
    Reply missing = get("/api/invocations/g0", acmeKey);
    assertThat(others.status()).isEqualTo(404);
    assertThat(others.body()).isEqualTo(missing.body().replace("g0", "g1"));
    assertThat(get("/api/invocations/globex-order-42?tenant=globex", acmeKey).status()).as("a tenant key names no other tenant").isEqualTo(404);

    Reply ambiguous = get("/api/invocations/globex-order-42", ADMIN);
    assertThat(ambiguous.status()).isEqualTo(409);
    assertThat(ambiguous.json().get("error").get("message").asText()).contains("acme", "globex", "?tenant=");
    assertThat(get("/api/invocations/globex-order-42?tenant=globex", ADMIN).json().get("record").get("tenant").asText()).isEqualTo("globex");
    assertThat(get("/api/invocations/globex-order-42?tenant=initech", ADMIN).status()).isEqualTo(404);
  }

  @Test
  void the_same_id_with_other_content_is_a_conflict_and_the_stored_record_stays() throws Exception {
    assertThat(post("/api/invocations", acmeKey, ACME_CALL).json().get("accepted").asLong()).isEqualTo(1);
    String changed = ACME_CALL.replace("\"output_tokens\":300", "\"output_tokens\":999");

    JsonNode batch = post("/api/invocations", acmeKey, "[" + changed + "," + ACME_CALL.replace("\"c1\"", "\"c2\"") + "]").json();
    assertThat(batch.get("accepted").asLong()).isEqualTo(1);
    assertThat(batch.get("duplicates").asLong()).isZero();
    assertThat(batch.get("conflicts")).singleElement().satisfies(conflict -> {
      assertThat(conflict.get("at").asText()).isEqualTo("body[0]");
      assertThat(conflict.get("id").asText()).isEqualTo("c1");
      assertThat(conflict.get("reason").asText()).endsWith("conflicts with stored record seq 1");
    });
    assertThat(batch.get("ids")).extracting(JsonNode::asText).containsExactly("c2");

    Reply single = post("/api/invocations", acmeKey, changed);
    assertThat(single.status()).isEqualTo(409);
    assertThat(single.json().get("error").get("message").asText()).isEqualTo("body[0]: id: the same id with different content conflicts with stored record seq 1");
    assertThat(get("/api/invocations/c1", acmeKey).json().get("record").get("output_tokens").asLong()).as("the stored record stays").isEqualTo(300);

    JsonNode again = post("/api/invocations", acmeKey, ACME_CALL).json();
    assertThat(again.get("duplicates").asLong()).isEqualTo(1);
    assertThat(again.get("conflicts")).isEmpty();
  }

  /** A call of today (budgets gate the current period), 2000 output tokens of gpt-4o. */
  private static String callNow(String id, String tenant, String team) {
    return "{\"id\":\"" + id + "\",\"timestamp\":\"" + java.time.Instant.now() + "\",\"provider\":\"openai\",\"model\":\"gpt-4o\","
        + "\"output_tokens\":2000" + (tenant == null ? "" : ",\"tenant\":\"" + tenant + "\"") + ",\"team\":\"" + team + "\"}";
  }

  private Reply putBudget(String name, String key, String json) throws Exception {
    return send("PUT", "/api/budgets/" + name, key, "application/json", json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  @Test
  void a_tenant_key_neither_spends_nor_reads_another_tenants_budgets_and_a_spent_gate_never_refuses_a_record() throws Exception {
    assertThat(putBudget("globex-research", ADMIN, "{\"scope\":\"team\",\"scope_value\":\"research\",\"tenant\":\"globex\","
        + "\"quantity\":\"energy\",\"limit\":0.000001,\"period\":\"day\",\"mode\":\"gate\"}").status()).isEqualTo(200);
    assertThat(putBudget("mine", acmeKey, "{\"scope\":\"tenant\",\"scope_value\":\"globex\",\"quantity\":\"energy\","
        + "\"limit\":1,\"period\":\"day\"}").status()).isEqualTo(403);
    assertThat(post("/api/invocations", ADMIN, callNow("g-now", "globex", "research")).status()).isEqualTo(200);

    // acme names globex's team: its calls neither count against globex's budget nor are refused by it.
    assertThat(post("/api/invocations", acmeKey, callNow("a-now", null, "research")).status()).isEqualTo(200);
    assertThat(get("/api/budgets", acmeKey).json().get("budgets")).isEmpty();
    assertThat(get("/api/budgets/status", acmeKey).json().get("budgets")).isEmpty();
    JsonNode globex = get("/api/budgets/status", ADMIN).json().get("budgets").get(0);
    assertThat(globex.get("budget").get("tenant").asText()).isEqualTo("globex");
    assertThat(globex.get("calls").asLong()).as("acme's call on team research is not globex's").isEqualTo(1);
    assertThat(globex.get("state").asText()).isEqualTo("crossed");

    // The gate is spent, but a record is of a call that happened already: stored, whatever the spelling of its team.
    assertThat(post("/api/invocations", ADMIN, callNow("g-again", "globex", "Research")).status()).isEqualTo(200);
    assertThat(get("/api/invocations/g-again", ADMIN).status()).isEqualTo(200);
  }

  @Test
  void a_gzip_body_inflates_only_up_to_the_body_limit_and_bad_gzip_is_a_client_error() throws Exception {
    ByteArrayOutputStream bomb = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(bomb)) {
      gzip.write(new byte[1 << 20]); // 1 MiB of zeros: about 1 KiB compressed, 16 times the 64 KiB limit
    }
    assertThat(bomb.size()).isLessThan(64 * 1024);
    Reply tooBig = send("POST", "/v1/traces", ADMIN, "application/json", bomb.toByteArray(), "Content-Encoding", "gzip");
    assertThat(tooBig.status()).isEqualTo(413);
    assertThat(tooBig.json().get("error").get("message").asText()).contains("larger than 65536 bytes");

    Reply notGzip = send("POST", "/v1/traces", ADMIN, "application/json", "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8),
        "Content-Encoding", "gzip");
    assertThat(notGzip.status()).isEqualTo(400);
    assertThat(notGzip.json().get("error").get("message").asText()).startsWith("Content-Encoding gzip: the body is not valid gzip");
    ByteArrayOutputStream small = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(small)) {
      gzip.write("{\"resourceSpans\":[]}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    byte[] truncated = java.util.Arrays.copyOf(small.toByteArray(), small.size() - 6); // cut into the trailer
    assertThat(send("POST", "/v1/traces", ADMIN, "application/json", truncated, "Content-Encoding", "gzip").status()).isEqualTo(400);
  }

  @Test
  void the_focus_export_downloads_csv_costed_from_stored_prices_and_a_tenant_key_gets_only_its_tenant() throws Exception {
    post("/api/invocations", ADMIN, "[" + ACME_CALL + "," + GLOBEX_CALL + "]");
    Reply all = get("/api/export/focus?sub_account=tenant", ADMIN);
    assertThat(all.status()).isEqualTo(200);
    assertThat(all.headers().firstValue("Content-Type").orElse("")).startsWith("text/csv");
    assertThat(all.headers().firstValue("Content-Disposition").orElse("")).contains("focus.csv");
    String[] lines = all.body().split("\r?\n");
    assertThat(lines).hasSize(3);
    assertThat(all.body()).contains("acme").contains("globex");

    Reply acme = get("/api/export/focus?sub_account=tenant", acmeKey);
    assertThat(acme.status()).isEqualTo(200);
    assertThat(acme.body().split("\r?\n")).hasSize(2);
    assertThat(acme.body()).contains("acme").doesNotContain("globex");
    java.util.List<String> header = java.util.List.of(lines[0].split(","));
    String[] acmeRow = acme.body().split("\r?\n")[1].split(",", -1);
    // gpt-4o's bundled list price (2.50 and 10 USD per million tokens), stored on the record when it was posted.
    assertThat(acmeRow[header.indexOf("BilledCost")]).as("1,000 input and 300 output tokens").isEqualTo("0.0055");
    assertThat(acmeRow[header.indexOf("x_ListPriceSource")]).isEqualTo("https://platform.openai.com/docs/pricing");
    assertThat(get("/api/export/focus?tenant=globex", acmeKey).status()).isEqualTo(403);
  }

  @Test
  void summary_keeps_the_contract_names_and_verify_reports_the_chain() throws Exception {
    post("/api/invocations", ADMIN, "[" + ACME_CALL + "," + GLOBEX_CALL + "]");
    JsonNode summary = get("/api/energy/summary?by=team,tenant&since=2026-11-01&until=2026-11-02", ADMIN).json();
    for (String name : new String[] {"total_wh", "total_co2_grams", "total_calls", "by_model", "by_region", "by_team", "by_tenant"}) {
      assertThat(summary.has(name)).as(name).isTrue();
    }
    assertThat(summary.get("by_team").get("search").get("wh").asDouble()).isPositive();
    JsonNode verify = get("/api/verify", ADMIN).json();
    assertThat(verify.get("ok").asBoolean()).isTrue();
    assertThat(verify.get("records_checked").asLong()).isEqualTo(2);
    assertThat(get("/api/energy/summary?since=yesterday", ADMIN).status()).isEqualTo(400);
  }

  private static KeyValue attribute(String key, String value) {
    return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setStringValue(value)).build();
  }

  private static KeyValue attribute(String key, long value) {
    return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setIntValue(value)).build();
  }

  @Test
  void otlp_protobuf_and_json_spans_become_records_and_non_genai_spans_are_skipped() throws Exception {
    byte[] traceId = HexFormat.of().parseHex("0af7651916cd43dd8448eb211c80319c");
    Span chat = Span.newBuilder().setTraceId(ByteString.copyFrom(traceId)).setSpanId(ByteString.copyFrom(HexFormat.of().parseHex("b7ad6b7169203331")))
        .setName("chat gpt-4o-mini").setStartTimeUnixNano(1_753_500_000_000_000_000L).setEndTimeUnixNano(1_753_500_001_200_000_000L)
        .addAttributes(attribute("gen_ai.operation.name", "chat")).addAttributes(attribute("gen_ai.provider.name", "openai"))
        .addAttributes(attribute("gen_ai.request.model", "gpt-4o-mini")).addAttributes(attribute("gen_ai.usage.input_tokens", 1200))
        .addAttributes(attribute("gen_ai.usage.output_tokens", 300)).build();
    Span http = chat.toBuilder().setSpanId(ByteString.copyFrom(HexFormat.of().parseHex("00000000000000aa"))).setName("GET /")
        .clearAttributes().build();
    ExportTraceServiceRequest request = ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder()
        .addScopeSpans(ScopeSpans.newBuilder().addSpans(chat).addSpans(http))).build();
    ByteArrayOutputStream gzipped = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(gzipped)) {
      gzip.write(request.toByteArray());
    }
    Reply proto = send("POST", "/v1/traces", acmeKey, "application/x-protobuf", gzipped.toByteArray(), "Content-Encoding", "gzip");
    assertThat(proto.status()).isEqualTo(200);
    assertThat(proto.headers().firstValue("Content-Type").orElse("")).startsWith("application/x-protobuf");
    assertThat(ExportTraceServiceResponse.parseFrom(proto.body().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)).hasPartialSuccess()).isFalse();
    JsonNode stored = get("/api/invocations/0af7651916cd43dd8448eb211c80319c:b7ad6b7169203331", ADMIN).json();
    assertThat(stored.get("record").get("output_tokens").asLong()).isEqualTo(300);
    assertThat(stored.get("record").get("tenant").asText()).isEqualTo("acme");

    String json = "{\"resourceSpans\":[{\"resource\":{\"attributes\":[]},\"scopeSpans\":[{\"spans\":["
        + "{\"traceId\":\"5B8EFFF798038103D269B633813FC60C\",\"spanId\":\"EEE19B7EC3C1B174\",\"name\":\"chat\",\"kind\":3,"
        + "\"startTimeUnixNano\":\"1753500000000000000\",\"endTimeUnixNano\":1753500002000000000,\"attributes\":["
        + "{\"key\":\"gen_ai.operation.name\",\"value\":{\"stringValue\":\"chat\"}},{\"key\":\"gen_ai.system\",\"value\":{\"stringValue\":\"openai\"}},"
        + "{\"key\":\"gen_ai.request.model\",\"value\":{\"stringValue\":\"gpt-4o\"}},{\"key\":\"gen_ai.usage.output_tokens\",\"value\":{\"intValue\":42}}]},"
        + "{\"traceId\":\"5B8EFFF798038103D269B633813FC60C\",\"spanId\":\"EEE19B7EC3C1B175\",\"name\":\"broken\",\"attributes\":["
        + "{\"key\":\"gen_ai.operation.name\",\"value\":{\"stringValue\":\"chat\"}},{\"key\":\"gen_ai.system\",\"value\":{\"stringValue\":\"openai\"}}]}"
        + "]}]}]}";
    Reply partial = post("/v1/traces", ADMIN, json);
    assertThat(partial.status()).isEqualTo(200);
    assertThat(partial.json().get("partialSuccess").get("rejectedSpans").asText()).isEqualTo("1");
    assertThat(partial.json().get("partialSuccess").get("errorMessage").asText()).as("names the span and its attribute")
        .isEqualTo("1 spans could not become records: otlp#span2: gen_ai.response.model: is required");
    assertThat(get("/api/invocations/5b8efff798038103d269b633813fc60c:eee19b7ec3c1b174", ADMIN).status()).isEqualTo(200);
    // The stored span again with other usage: refused as a span that conflicts, and the stored record stays.
    String changed = json.substring(0, json.indexOf(",{\"traceId\":\"5B8EFFF798038103D269B633813FC60C\",\"spanId\":\"EEE19B7EC3C1B175\""))
        .replace("{\"intValue\":42}", "{\"intValue\":43}") + "]}]}]}";
    JsonNode conflict = post("/v1/traces", ADMIN, changed).json().get("partialSuccess");
    assertThat(conflict.get("rejectedSpans").asText()).isEqualTo("1");
    assertThat(conflict.get("errorMessage").asText()).endsWith("conflicts with stored record seq 2");
    assertThat(post("/v1/traces", ADMIN, "{}").body()).isEqualTo("{}");
    assertThat(send("POST", "/v1/traces", ADMIN, "application/x-protobuf", new byte[] {1, 2, 3}).status()).isEqualTo(400);
  }

  @Test
  void metrics_expose_ledger_totals_by_tier_and_the_ingest_counters() throws Exception {
    post("/api/invocations", ADMIN, "[" + ACME_CALL + "," + GLOBEX_CALL + ",{\"id\":\"u1\",\"timestamp\":\"2026-11-01T10:00:00Z\","
        + "\"provider\":\"acme\",\"model\":\"mystery\",\"output_tokens\":5,\"tenant\":\"acme\",\"team\":\"search\"}]");
    String metrics = get("/metrics", ADMIN).body();
    double acmeWh = get("/api/energy/summary?tenant=acme&team=search&model=gpt-4o", ADMIN).json().get("total_wh").asDouble();
    assertThat(value(metrics, "jouletrace_energy_joules_total{model=\"gpt-4o\",team=\"search\",tenant=\"acme\",tier=\"modelled\"}"))
        .isCloseTo(acmeWh * 3600, within(1e-6));
    assertThat(value(metrics, "jouletrace_unrated_calls_total{model=\"mystery\",team=\"search\",tenant=\"acme\"}")).isEqualTo(1.0);
    assertThat(value(metrics, "jouletrace_ingest_records_total{outcome=\"accepted\",source=\"api\"}")).isEqualTo(3.0);
  }

  /** A tenant sending a new team and model name per call gets its top ten of each by name and the rest as "other", totals kept. */
  @Test
  void metrics_name_each_tenants_top_teams_and_models_and_sum_the_rest_as_other() throws Exception {
    StringBuilder batch = new StringBuilder("[");
    for (int i = 0; i < 40; i++) {
      if (i > 0) batch.append(',');
      // team-0 and model-0 carry most calls, so they stay named; every call after the 10th brings a new team and model
      int name = i < 10 ? 0 : i - 9;
      batch.append("{\"id\":\"m").append(i).append("\",\"timestamp\":\"2026-11-01T10:00:00Z\",\"provider\":\"acme\",\"model\":\"model-")
          .append(name).append("\",\"output_tokens\":5,\"tenant\":\"acme\",\"team\":\"team-").append(name).append("\"}");
    }
    assertThat(post("/api/invocations", ADMIN, batch.append(']').toString()).json().get("accepted").asInt()).isEqualTo(40);
    String metrics = get("/metrics", ADMIN).body();
    List<String> unrated = metrics.lines().filter(l -> l.startsWith("jouletrace_unrated_calls_total{")).toList();
    assertThat(unrated.stream().map(l -> l.replaceAll(".*team=\"([^\"]*)\".*", "$1")).distinct())
        .as("ten named teams and other").hasSize(11).contains("team-0", "other");
    assertThat(unrated.stream().map(l -> l.replaceAll(".*model=\"([^\"]*)\".*", "$1")).distinct()).hasSize(11).contains("model-0", "other");
    assertThat(value(metrics, "jouletrace_unrated_calls_total{model=\"model-0\",team=\"team-0\",tenant=\"acme\"}")).isEqualTo(10.0);
    assertThat(value(metrics, "jouletrace_unrated_calls_total{model=\"other\",team=\"other\",tenant=\"acme\"}")).isEqualTo(21.0);
    assertThat(unrated.stream().mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum())
        .as("folding keeps every call").isEqualTo(40.0);
  }

  /** Before anything happened every counter of this process is there at 0, and Prometheus' own linter finds nothing. */
  @Test
  void metrics_show_every_counter_at_zero_from_start_and_pass_promtool() throws Exception {
    String fresh = get("/metrics", ADMIN).body();
    assertThat(value(fresh, "jouletrace_ingest_records_total{outcome=\"rejected\",source=\"otlp\"}")).isZero();
    assertThat(value(fresh, "jouletrace_gateway_unrecorded_calls_total{endpoint=\"messages\",reason=\"budget_refused\"}")).isZero();
    assertThat(value(fresh, "jouletrace_ledger_write_failures_total")).isZero();
    post("/api/invocations", ADMIN, "[" + ACME_CALL + "]");
    String metrics = get("/metrics", ADMIN).body();
    assertThat(metrics).doesNotContain("watt_hours").contains("# TYPE jouletrace_energy_joules_total counter")
        .contains("# TYPE jouletrace_carbon_grams_total counter");
    assertThat(Promtool.check(metrics)).isEmpty();
  }

  private static double value(String exposition, String series) {
    return exposition.lines().filter(l -> l.startsWith(series + " ")).findFirst()
        .map(l -> Double.parseDouble(l.substring(series.length() + 1))).orElseThrow(() -> new AssertionError(series + " not in\n" + exposition));
  }

  @Test
  void every_route_of_the_openapi_document_under_api_and_v1_answers_401_without_a_key() throws Exception {
    JsonNode paths = get("/openapi.json", null).json().get("paths");
    int checked = 0;
    for (var path : paths.properties()) {
      if (!path.getKey().startsWith("/api/") && !path.getKey().startsWith("/v1/")) continue;
      String concrete = path.getKey().replaceAll("\\{[^}]+}", "x");
      for (var operation : path.getValue().properties()) {
        String method = operation.getKey().toUpperCase(java.util.Locale.ROOT);
        Reply reply = send(method, concrete, null, "application/json", method.equals("GET") || method.equals("DELETE") ? null : new byte[] {'{', '}'});
        assertThat(reply.status()).as(method + " " + concrete).isEqualTo(401);
        checked++;
      }
    }
    assertThat(checked).as("the document's /api and /v1 operations").isGreaterThanOrEqualTo(20);
  }

  @Test
  void a_tenant_key_gets_403_for_another_tenant_on_every_report_route() throws Exception {
    post("/api/invocations", ADMIN, "[" + ACME_CALL + "," + GLOBEX_CALL + "]");
    for (String path : new String[] {"/api/reports/ranking?tenant=globex", "/api/energy/series?by=team&tenant=globex",
        "/api/reports/trace/t1?tenant=globex", "/api/export/focus?tenant=globex", "/api/reports/recommendations?tenant=globex"}) {
      Reply reply = get(path, acmeKey);
      assertThat(reply.status()).as(path).isEqualTo(403);
      assertThat(reply.json().get("error").get("message").asText()).as(path).isNotBlank();
    }
    // Budgets take no tenant filter; what a tenant key sees of them is in the budget test. Changing them is admin-only.
    assertThat(send("PUT", "/api/budgets/x", acmeKey, "application/json", "{}".getBytes()).status()).isEqualTo(403);
    assertThat(send("DELETE", "/api/budgets/x", acmeKey, null, null).status()).isEqualTo(403);
  }

  @Test
  void api_keys_are_stored_only_as_their_sha256() throws Exception {
    server.close();
    java.util.List<String> stored = new java.util.ArrayList<>();
    try (var store = DuckDbStore.open(dir)) {
      store.select("read keys", "SELECT key_sha256, role, coalesce(tenant, ''), coalesce(label, '') FROM api_keys", java.util.List.of(),
          rs -> stored.add(rs.getString(1) + " " + rs.getString(2) + " " + rs.getString(3) + " " + rs.getString(4)));
    } finally {
      server = JouletraceServer.start(Ledger.open(DuckDbStore.open(dir), null),
          new JouletraceServer.Config(0, "127.0.0.1", 64 * 1024, ADMIN, Catalog.DEFAULT_METHODOLOGY));
    }
    String sha256 = HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
        .digest(acmeKey.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    assertThat(stored).singleElement().asString().startsWith(sha256 + " tenant acme").doesNotContain(acmeKey);
    assertThat(get("/api/energy/summary", acmeKey).status()).as("the key still resolves from its hash").isEqualTo(200);
  }

  @Test
  void the_openapi_document_lists_every_route() throws Exception {
    JsonNode spec = get("/openapi.json", null).json();
    assertThat(spec.get("openapi").asText()).startsWith("3.");
    for (String path : new String[] {"/api/energy/estimate", "/api/energy/summary", "/api/energy/series", "/api/invocations",
        "/api/invocations/{id}", "/api/reports/trace/{traceId}", "/api/reports/measured-vs-modelled", "/api/verify", "/v1/traces", "/metrics",
        "/api/reports/ranking", "/api/reports/recommendations", "/api/reports/compare", "/api/budgets", "/api/budgets/status",
        "/api/budgets/{name}", "/api/export/focus", "/api/keys", "/api/keys/{id}", "/v1/chat/completions", "/v1/completions",
        "/v1/embeddings", "/v1/messages"}) {
      assertThat(spec.get("paths").has(path)).as(path).isTrue();
    }
    assertThat(spec.get("paths").has("/api/ledger/head")).isTrue();
  }
}
