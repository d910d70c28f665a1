package io.jouletrace.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jouletrace.catalog.Catalog;
import io.jouletrace.ledger.Ledger;
import io.jouletrace.ledger.ingest.RecordFields;
import io.jouletrace.ledger.store.DuckDbStore;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile records on the REST and OTLP routes, fields drawn from control characters, lone surrogates, huge, negative
 * and non-numeric numbers, far dates, long strings, other tenants and wrong types: each is stored or rejected (never a
 * 5xx), and afterwards another tenant's good record is still accepted. Replays its seed corpus in every run; fuzz for
 * real with {@code JAZZER_FUZZ=1 ./mvnw -B -ntp -pl jouletrace-server -am test -Dtest=RecordRoutesFuzzTest}.
 */
class RecordRoutesFuzzTest {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  /** Escapes every non-ASCII character, so a lone surrogate reaches the server as {@code \ud800}, not as a replaced byte. */
  private static final JsonMapper JSON = JsonMapper.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final List<String> FIELDS = new ArrayList<>(RecordFields.NAMES);
  private static final List<String> TEXTS = List.of("gpt\u0000-4o", "\u0007", "a\nb", "\u001b[31m", "\ud800", "x\udfff", "globex", "", " ",
      "x".repeat(5_000), "9999-12-31T23:59:59Z", "1970-01-01T00:00:00Z", "0001-01-01T00:00:00Z", "+275760-09-13T00:00:00Z", "NaN",
      "Infinity", "-1", "1e308", "1e-400", "12ms", "-3s", "embeddings", "\u202egpt", "🔋");
  private static final List<JsonNode> NUMBERS = List.of(NODES.numberNode(1e308), NODES.numberNode(-1), NODES.numberNode(-0.0),
      NODES.numberNode(9_000_000_000_000_000_000L), NODES.numberNode(Long.MAX_VALUE), NODES.numberNode(new BigInteger("1" + "0".repeat(40))),
      NODES.numberNode(new BigDecimal("1e-999")), NODES.numberNode(new BigDecimal("1e999")), NODES.numberNode(253_402_300_800L),
      NODES.numberNode(0.5), NODES.numberNode(0));
  private static final Set<Integer> CLIENT_ERRORS = Set.of(200, 400, 403, 413);

  static {
    FIELDS.add(RecordFields.LATENCY_MS);
  }

  @TempDir
  static Path dir;

  private static JouletraceServer server;
  private static String acmeKey;
  private static String globexKey;
  private static final AtomicInteger goodIds = new AtomicInteger();

  @BeforeAll
  static void start() {
    server = JouletraceServer.start(Ledger.open(DuckDbStore.open(dir), null),
        new JouletraceServer.Config(0, "127.0.0.1", 1 << 20, ServerTest.ADMIN, Catalog.DEFAULT_METHODOLOGY));
    acmeKey = server.createKey("acme", "fuzz");
    globexKey = server.createKey("globex", "fuzz");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @FuzzTest(maxDuration = "30s")
  void hostile_records_are_stored_or_rejected_alone_and_a_good_record_is_accepted_after(FuzzedDataProvider data) throws Exception {
    String key = data.consumeBoolean() ? acmeKey : ServerTest.ADMIN;
    ArrayNode batch = NODES.arrayNode();
    for (int i = data.consumeInt(1, 3); i > 0; i--) batch.add(hostileRecord(data));
    HttpResponse<String> rest = post("/api/invocations", key, data.consumeBoolean() && batch.size() == 1 ? batch.get(0) : batch);
    assertThat(rest.statusCode()).as(rest.body()).isIn(CLIENT_ERRORS);
    if (rest.statusCode() == 200) {
      JsonNode answer = JSON.readTree(rest.body());
      assertThat(answer.get("ids").size() + answer.get("rejected").size()).isEqualTo(batch.size());
      for (JsonNode rejected : answer.get("rejected")) {
        assertThat(rejected.get("at").asText()).startsWith("body[");
        assertThat(rejected.get("reason").asText()).isNotBlank();
      }
    }

    HttpResponse<String> otlp = post("/v1/traces", key, hostileSpans(data));
    assertThat(otlp.statusCode()).as(otlp.body()).isIn(CLIENT_ERRORS);

    ObjectNode good = goodRecord("good-" + goodIds.incrementAndGet());
    HttpResponse<String> after = post("/api/invocations", globexKey, good);
    assertThat(after.statusCode()).as(after.body()).isEqualTo(200);
    assertThat(JSON.readTree(after.body()).get("accepted").asLong()).isEqualTo(1);
    assertThat(HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/health")).build(),
        HttpResponse.BodyHandlers.ofString()).body()).isEqualTo("ok");
  }

  private static ObjectNode goodRecord(String id) {
    return NODES.objectNode().put(RecordFields.ID, id).put(RecordFields.TIMESTAMP, Instant.now().minusSeconds(3600).toString())
        .put(RecordFields.PROVIDER, "openai").put(RecordFields.MODEL, "gpt-4o").put(RecordFields.OUTPUT_TOKENS, 10);
  }

  /** A good record with a few of its fields replaced by (or removed for) hostile values. */
  private static ObjectNode hostileRecord(FuzzedDataProvider data) {
    ObjectNode record = goodRecord("fuzz-" + data.consumeInt(0, 50));
    for (int i = data.consumeInt(1, 4); i > 0; i--) {
      String field = data.pickValue(FIELDS);
      if (data.consumeInt(0, 9) == 0) record.remove(field);
      else record.set(field, hostileValue(data));
    }
    return record;
  }

  private static JsonNode hostileValue(FuzzedDataProvider data) {
    return switch (data.consumeInt(0, 7)) {
      case 0 -> NODES.textNode(data.pickValue(TEXTS));
      case 1 -> data.pickValue(NUMBERS);
      case 2 -> NODES.textNode(data.consumeString(64));
      case 3 -> NODES.numberNode(data.consumeLong());
      case 4 -> NODES.numberNode(data.consumeDouble());
      case 5 -> NODES.objectNode().put("nested", data.consumeString(8));
      case 6 -> NODES.arrayNode().add(data.consumeInt());
      default -> data.consumeBoolean() ? NODES.booleanNode(true) : NODES.nullNode();
    };
  }

  /** One OTLP/JSON GenAI span whose model, token count and times are drawn from the hostile values. */
  private static ObjectNode hostileSpans(FuzzedDataProvider data) {
    ObjectNode span = NODES.objectNode().put("traceId", "5b8efff798038103d269b633813fc60c").put("spanId", String.format("%016x", data.consumeLong()))
        .put("name", "chat");
    span.set("startTimeUnixNano", hostileValue(data));
    span.set("endTimeUnixNano", hostileValue(data));
    ArrayNode attributes = span.putArray("attributes");
    attributes.addObject().put("key", "gen_ai.operation.name").putObject("value").put("stringValue", "chat");
    attributes.addObject().put("key", "gen_ai.system").putObject("value").put("stringValue", "openai");
    attributes.addObject().put("key", "gen_ai.request.model").putObject("value").set("stringValue", hostileValue(data));
    attributes.addObject().put("key", "gen_ai.usage.output_tokens").putObject("value").set("intValue", hostileValue(data));
    ObjectNode request = NODES.objectNode();
    request.putArray("resourceSpans").addObject().putArray("scopeSpans").addObject().putArray("spans").add(span);
    return request;
  }

  private static HttpResponse<String> post(String path, String key, JsonNode body) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
        .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(), HttpResponse.BodyHandlers.ofString());
  }
}
