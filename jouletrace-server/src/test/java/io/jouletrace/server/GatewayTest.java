package io.jouletrace.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.errors.AnthropicServiceException;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.OpenAIServiceException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.models.Model;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCompletedEvent;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseStreamEvent;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.jouletrace.catalog.Catalog;
import io.jouletrace.core.record.InvocationRecord;
import io.jouletrace.ledger.Ledger;
import io.jouletrace.ledger.entry.LedgerEntry;
import io.jouletrace.ledger.store.DuckDbStore;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway between the official OpenAI and Anthropic Java clients and a stand-in upstream on loopback (a JDK
 * HttpServer speaking the OpenAI shapes and Anthropic's Messages shape, SSE included), recording into a real embedded
 * ledger.
 */
class GatewayTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  /** The random suffix of a gateway record id. */
  private static final int UUID_LENGTH = 36;

  @TempDir
  Path dir;

  private HttpServer upstream;
  private JouletraceServer server;
  private String acmeKey;
  private final AtomicInteger ids = new AtomicInteger();
  /** The Authorization header each upstream request carried. */
  private final Map<String, String> upstreamAuthorization = new ConcurrentHashMap<>();
  /** The Cookie header (or "none") of each upstream chat request, by answer id; every chat answer sets a cookie. */
  private final Map<String, String> upstreamCookies = new ConcurrentHashMap<>();
  /** The headers each upstream {@code /v1/messages} request carried. */
  private final Map<String, Headers> messagesHeaders = new ConcurrentHashMap<>();
  /** The request bodies of the "verbatim" and "own eco" scenarios, as the upstream received them. */
  private final List<String> verbatimRequests = new java.util.concurrent.CopyOnWriteArrayList<>();
  /** The "hold" scenario's stream waits here after its first chunk until the test has seen that chunk. */
  private final CountDownLatch firstChunkSeen = new CountDownLatch(1);

  @BeforeEach
  void start() throws IOException {
    upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    upstream.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    upstream.createContext("/v1/chat/completions", this::chat);
    upstream.createContext("/v1/embeddings", this::embeddings);
    upstream.createContext("/v1/completions", this::completions);
    upstream.createContext("/v1/messages", this::messages);
    upstream.createContext("/v1/responses", this::responses);
    upstream.createContext("/v1/models", this::models);
    upstream.start();
    server = startGateway(URI.create("http://127.0.0.1:" + upstream.getAddress().getPort() + "/v1"), Duration.ofSeconds(2));
    acmeKey = server.createKey("acme", "gateway test");
  }

  private JouletraceServer startGateway(URI upstreamUrl, Duration timeout) {
    Gateway.Config gateway = new Gateway.Config(List.of(new Gateway.Upstream("", upstreamUrl, "openai", "Bearer sk-configured"),
        new Gateway.Upstream("claude-", upstreamUrl, "anthropic", "Bearer sk-ant-configured")), null, "eu-west-1", timeout);
    return JouletraceServer.start(Ledger.open(DuckDbStore.open(dir.resolve("ledger-" + ids.incrementAndGet())), null),
        new JouletraceServer.Config(0, "127.0.0.1", JouletraceServer.Config.DEFAULT_MAX_BODY, ServerTest.ADMIN, Catalog.DEFAULT_METHODOLOGY,
            gateway));
  }

  @AfterEach
  void stop() {
    server.close();
    upstream.stop(0);
  }

  // ---- the stand-in upstream ---------------------------------------------------------------------

  private void chat(HttpExchange exchange) throws IOException {
    byte[] requestBytes = exchange.getRequestBody().readAllBytes();
    JsonNode request = JSON.readTree(requestBytes);
    String scenario = request.path("messages").path(0).path("content").asText();
    String id = scenario.equals("same id") ? "chatcmpl-7" : "chatcmpl-" + ids.incrementAndGet(); // Ollama's ids repeat
    upstreamAuthorization.put(id, String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
    upstreamCookies.put(id, Objects.requireNonNullElse(exchange.getRequestHeaders().getFirst("Cookie"), "none"));
    exchange.getResponseHeaders().add("Set-Cookie", "__cf_bm=" + id + "; Path=/; HttpOnly"); // as api.openai.com's CDN does
    if (scenario.equals("fail")) {
      respond(exchange, 503, "application/json", "{\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\"}}");
      return;
    }
    if (scenario.equals("slow")) sleep(3_000);
    if (scenario.equals("verbatim") || scenario.equals("own eco")) { // an answer laid out as no serialiser would write it
      verbatimRequests.add(new String(requestBytes, StandardCharsets.UTF_8));
      respond(exchange, 200, "application/json", verbatimAnswer(id, scenario.equals("own eco")));
      return;
    }
    if (scenario.equals("stall")) { // headers and the start of a body, then nothing for longer than the 2 s timeout
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, 0);
      exchange.getResponseBody().write("{\"id\":".getBytes(StandardCharsets.UTF_8));
      exchange.getResponseBody().flush();
      sleep(6_000);
      exchange.close();
      return;
    }
    String model = request.path("model").asText();
    boolean uncounted = scenario.equals("no output count"); // usage with the input only, as some compatible servers send
    if (!request.path("stream").asBoolean()) {
      respond(exchange, 200, "application/json", "{\"id\":\"" + id + "\",\"object\":\"chat.completion\",\"created\":1753500000,\"model\":\""
          + model + "-2024-07-18\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Hi!\"},\"finish_reason\":\"stop\","
          + "\"logprobs\":null}],\"usage\":{\"prompt_tokens\":1200," + (uncounted ? "" : "\"completion_tokens\":300,") + "\"total_tokens\":1500}}");
      return;
    }
    assertThat(request.path("stream_options").path("include_usage").asBoolean()).as("the gateway asks for usage").isTrue();
    exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
    exchange.sendResponseHeaders(200, 0);
    try (OutputStream out = exchange.getResponseBody()) {
      for (int i = 0; i < 5; i++) {
        event(out, "{\"id\":\"" + id + "\",\"object\":\"chat.completion.chunk\",\"created\":1753500000,\"model\":\"" + model
            + "\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"tok" + i + " \"},\"finish_reason\":null}],\"usage\":null}");
        sleep(20);
        if (scenario.equals("cut") && i == 2) return; // the connection drops mid-stream
        if (scenario.equals("hold") && i == 0) await(firstChunkSeen);
      }
      event(out, "{\"id\":\"" + id + "\",\"object\":\"chat.completion.chunk\",\"created\":1753500000,\"model\":\"" + model
          + "\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],\"usage\":null}");
      event(out, "{\"id\":\"" + id + "\",\"object\":\"chat.completion.chunk\",\"created\":1753500000,\"model\":\"" + model
          + "\",\"choices\":[],\"usage\":{\"prompt_tokens\":40," + (uncounted ? "" : "\"completion_tokens\":5,") + "\"total_tokens\":45}}");
      out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
    }
  }

  private static String verbatimAnswer(String id, boolean ownEco) {
    return "{\n  \"id\": \"" + id + "\",\n  \"object\": \"chat.completion\",\n  \"model\": \"gpt-4o-mini\",\n  \"x_temperature\": 1.50,\n"
        + (ownEco ? "  \"eco\": {\"theirs\": true},\n" : "")
        + "  \"choices\": [{\"index\": 0, \"message\": {\"role\": \"assistant\", \"content\": \"caf\\u00e9\"}, \"finish_reason\": \"stop\"}],\n"
        + "  \"usage\": {\"prompt_tokens\": 12, \"completion_tokens\": 30}\n}\n";
  }

  private void embeddings(HttpExchange exchange) throws IOException {
    exchange.getRequestBody().readAllBytes();
    respond(exchange, 200, "application/json", "{\"object\":\"list\",\"data\":[{\"object\":\"embedding\",\"index\":0,\"embedding\":[0.1,0.2]}],"
        + "\"model\":\"text-embedding-3-small\",\"usage\":{\"prompt_tokens\":8,\"total_tokens\":8}}");
  }

  private void completions(HttpExchange exchange) throws IOException {
    JsonNode request = JSON.readTree(exchange.getRequestBody());
    respond(exchange, 200, "application/json", "{\"id\":\"cmpl-" + ids.incrementAndGet() + "\",\"object\":\"text_completion\","
        + "\"created\":1753500000,\"model\":\"" + request.path("model").asText() + "\",\"choices\":[{\"index\":0,\"text\":\" world\","
        + "\"finish_reason\":\"stop\",\"logprobs\":null}],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2,\"total_tokens\":5}}");
  }

  /** Anthropic's Messages API: its answer, and its stream of named events (message_start … message_stop). */
  private void messages(HttpExchange exchange) throws IOException {
    JsonNode request = JSON.readTree(exchange.getRequestBody());
    String scenario = request.path("messages").path(0).path("content").asText();
    String id = "msg_" + ids.incrementAndGet();
    messagesHeaders.put(id, exchange.getRequestHeaders());
    String model = request.path("model").asText();
    exchange.getResponseHeaders().add("request-id", "req_" + id);
    if (!request.path("stream").asBoolean()) {
      respond(exchange, 200, "application/json", "{\"id\":\"" + id + "\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"" + model
          + "\",\"content\":[{\"type\":\"text\",\"text\":\"Hi!\"}],\"stop_reason\":\"end_turn\",\"stop_sequence\":null,"
          + "\"usage\":{\"input_tokens\":200,\"cache_creation_input_tokens\":100,\"cache_read_input_tokens\":1000,\"output_tokens\":300}}");
      return;
    }
    assertThat(request.has("stream_options")).as("a Messages stream reports usage unasked").isFalse();
    exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
    exchange.sendResponseHeaders(200, 0);
    try (OutputStream out = exchange.getResponseBody()) {
      namedEvent(out, "message_start", "{\"type\":\"message_start\",\"message\":{\"id\":\"" + id + "\",\"type\":\"message\","
          + "\"role\":\"assistant\",\"model\":\"" + model + "\",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,"
          + "\"usage\":{\"input_tokens\":40,\"cache_read_input_tokens\":8,\"output_tokens\":1}}}");
      namedEvent(out, "content_block_start", "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}");
      namedEvent(out, "ping", "{\"type\":\"ping\"}");
      for (int i = 0; i < 5; i++) {
        namedEvent(out, "content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\","
            + "\"text\":\"tok" + i + " \"}}");
        if (scenario.equals("cut") && i == 2) return;
      }
      namedEvent(out, "content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}");
      namedEvent(out, "message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},"
          + "\"usage\":{\"output_tokens\":5}}");
      namedEvent(out, "message_stop", "{\"type\":\"message_stop\"}");
    }
  }

  /** The Responses API: a response object, or its stream of events (response.created … response.completed). */
  private void responses(HttpExchange exchange) throws IOException {
    JsonNode request = JSON.readTree(exchange.getRequestBody());
    String id = "resp_" + ids.incrementAndGet();
    upstreamAuthorization.put(id, String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
    String model = request.path("model").asText() + "-2024-07-18";
    String message = "{\"type\":\"message\",\"id\":\"msg_" + id + "\",\"status\":\"completed\",\"role\":\"assistant\","
        + "\"content\":[{\"type\":\"output_text\",\"text\":\"tok0 tok1 \",\"annotations\":[]}]}";
    String usage = "{\"input_tokens\":900,\"input_tokens_details\":{\"cached_tokens\":600},\"output_tokens\":250,"
        + "\"output_tokens_details\":{\"reasoning_tokens\":200},\"total_tokens\":1150}";
    String response = "{\"id\":\"" + id + "\",\"object\":\"response\",\"created_at\":1753500000,\"status\":\"%s\",\"error\":null,"
        + "\"incomplete_details\":null,\"instructions\":null,\"metadata\":{},\"model\":\"" + model + "\",\"output\":[%s],"
        + "\"parallel_tool_calls\":true,\"temperature\":1.0,\"tool_choice\":\"auto\",\"tools\":[],\"top_p\":1.0,\"usage\":%s}";
    if (!request.path("stream").asBoolean()) {
      respond(exchange, 200, "application/json", response.formatted("completed", message, usage));
      return;
    }
    exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
    exchange.sendResponseHeaders(200, 0);
    try (OutputStream out = exchange.getResponseBody()) {
      namedEvent(out, "response.created", "{\"type\":\"response.created\",\"sequence_number\":0,\"response\":"
          + response.formatted("in_progress", "", "null") + "}");
      for (int i = 0; i < 2; i++) {
        namedEvent(out, "response.output_text.delta", "{\"type\":\"response.output_text.delta\",\"sequence_number\":" + (i + 1)
            + ",\"item_id\":\"msg_" + id + "\",\"output_index\":0,\"content_index\":0,\"delta\":\"tok" + i + " \",\"logprobs\":[]}");
      }
      namedEvent(out, "response.completed", "{\"type\":\"response.completed\",\"sequence_number\":3,\"response\":"
          + response.formatted("completed", message, usage) + "}");
    }
  }

  /** {@code GET /v1/models} and {@code /v1/models/{id}}, as OpenAI answers them. */
  private void models(HttpExchange exchange) throws IOException {
    upstreamAuthorization.put("models " + exchange.getRequestURI(), String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
    String path = exchange.getRequestURI().getPath();
    String model = "{\"id\":\"%s\",\"object\":\"model\",\"created\":1721172741,\"owned_by\":\"system\"}";
    if (path.equals("/v1/models")) {
      respond(exchange, 200, "application/json", "{\"object\":\"list\",\"data\":[" + model.formatted("gpt-4o-mini") + "]}");
    } else if (path.equals("/v1/models/gpt-4o-mini")) {
      respond(exchange, 200, "application/json", model.formatted("gpt-4o-mini"));
    } else {
      respond(exchange, 404, "application/json", "{\"error\":{\"message\":\"The model does not exist\",\"type\":\"invalid_request_error\","
          + "\"code\":\"model_not_found\"}}");
    }
  }

  private static void namedEvent(OutputStream out, String name, String json) throws IOException {
    out.write(("event: " + name + "\n").getBytes(StandardCharsets.UTF_8));
    event(out, json);
  }

  private static void await(CountDownLatch latch) {
    try {
      if (!latch.await(10, TimeUnit.SECONDS)) throw new IllegalStateException("the test never saw the first chunk");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void event(OutputStream out, String json) throws IOException {
    out.write(("data: " + json + "\n\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  private static void respond(HttpExchange exchange, int status, String type, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", type);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ---- the client side ---------------------------------------------------------------------------

  private OpenAIClient client(String key, String... headers) {
    OpenAIOkHttpClient.Builder builder = OpenAIOkHttpClient.builder().apiKey(key).baseUrl("http://127.0.0.1:" + server.port() + "/v1")
        .maxRetries(0).timeout(Duration.ofSeconds(20));
    for (int i = 0; i < headers.length; i += 2) builder.putHeader(headers[i], headers[i + 1]);
    return builder.build();
  }

  private AnthropicClient anthropic(String key, String... headers) {
    AnthropicOkHttpClient.Builder builder = AnthropicOkHttpClient.builder().apiKey(key).baseUrl("http://127.0.0.1:" + server.port())
        .maxRetries(0).timeout(Duration.ofSeconds(20));
    for (int i = 0; i < headers.length; i += 2) builder.putHeader(headers[i], headers[i + 1]);
    return builder.build();
  }

  private static MessageCreateParams message(String content) {
    return MessageCreateParams.builder().model("claude-haiku-4-5-20251001").maxTokens(1024).addUserMessage(content).build();
  }

  private static ChatCompletionCreateParams chat(String content) {
    return ChatCompletionCreateParams.builder().model("gpt-4o-mini").addUserMessage(content).build();
  }

  private JsonNode eco(Map<String, JsonValue> additional) throws IOException {
    return JSON.readTree(JSON.writeValueAsString(additional.get("eco").convert(Object.class)));
  }

  private JsonNode anthropicEco(Map<String, com.anthropic.core.JsonValue> additional) throws IOException {
    return JSON.readTree(JSON.writeValueAsString(additional.get("eco").convert(Object.class)));
  }

  /** The energy in Wh the default methodology gives a record: what its eco block must say. */
  private static double expectedWh(InvocationRecord record) {
    var estimate = Catalog.estimator(Catalog.Options.defaults()).estimate(record, Catalog.DEFAULT_METHODOLOGY);
    return ((io.jouletrace.core.figure.Figure.Known) estimate.energy()).value() / 3600;
  }

  /** The records the ledger holds once the recorder has stored everything (closing the server drains it). */
  private List<InvocationRecord> recordsAfterStop() {
    return entriesAfterStop().stream().map(LedgerEntry::record).toList();
  }

  private List<LedgerEntry> entriesAfterStop() {
    server.close();
    List<LedgerEntry> entries = new ArrayList<>();
    try (var store = DuckDbStore.open(dir.resolve("ledger-" + 1))) {
      store.scan(entries::add);
    }
    server = startGateway(URI.create("http://127.0.0.1:1/v1"), Duration.ofSeconds(1)); // a fresh one for @AfterEach
    return entries;
  }

  @Test
  void a_completion_passes_through_with_an_eco_block_headers_and_a_ledger_record() throws IOException {
    var raw = client(acmeKey, "x-jouletrace-team", "search", "traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
        .chat().completions().withRawResponse().create(chat("hello"));
    ChatCompletion completion = raw.parse();
    assertThat(completion.choices().getFirst().message().content()).contains("Hi!");
    JsonNode eco = eco(completion._additionalProperties());
    assertThat(eco.get("model").get("requested").asText()).as("what the client asked for").isEqualTo("gpt-4o-mini");
    assertThat(eco.get("model").get("served").asText()).as("what answered").isEqualTo("gpt-4o-mini-2024-07-18");
    assertThat(eco.get("energy").get("wh").asDouble()).isPositive();
    assertThat(raw.headers().values("x-jouletrace-energy-wh")).singleElement()
        .satisfies(wh -> assertThat(Double.parseDouble(wh)).isCloseTo(eco.get("energy").get("wh").asDouble(), within(1e-15)));
    assertThat(raw.headers().values("x-jouletrace-tier")).containsExactly(eco.get("energy").get("tier").asText());
    assertThat(raw.headers().values("x-jouletrace-carbon-g")).hasSize(1);
    assertThat(upstreamAuthorization.values()).containsExactly("Bearer sk-configured");

    List<InvocationRecord> records = recordsAfterStop();
    assertThat(records).singleElement().satisfies(r -> {
      assertThat(r.tenant()).isEqualTo("acme");
      assertThat(r.team()).isEqualTo("search");
      assertThat(r.traceId()).isEqualTo("0af7651916cd43dd8448eb211c80319c");
      assertThat(r.inputTokens()).isEqualTo(1200);
      assertThat(r.outputTokens()).isEqualTo(300);
      assertThat(r.region()).isEqualTo("eu-west-1");
      assertThat(r.latencySeconds()).isPositive();
      assertThat(r.model()).as("the snapshot that served the call, figured").isEqualTo("gpt-4o-mini-2024-07-18");
      assertThat(r.modelRequested()).as("the alias the client asked for").isEqualTo("gpt-4o-mini");
    });
  }

  @Test
  void a_stream_passes_through_chunk_by_chunk_and_the_usage_chunk_carries_eco() throws IOException {
    List<ChatCompletionChunk> chunks = new ArrayList<>();
    try (StreamResponse<ChatCompletionChunk> stream = client(acmeKey, Gateway.UPSTREAM_AUTHORIZATION, "Bearer sk-client-own")
        .chat().completions().createStreaming(chat("stream please"))) {
      stream.stream().forEach(chunks::add);
    }
    assertThat(chunks).as("5 content chunks and the finishing one; no usage-only chunk, which the client did not ask for").hasSize(6)
        .allSatisfy(c -> assertThat(c.choices()).hasSize(1));
    assertThat(chunks.subList(0, 5)).allSatisfy(c -> assertThat(c._additionalProperties()).doesNotContainKey("eco"));
    ChatCompletionChunk last = chunks.getLast();
    assertThat(last.choices().getFirst().finishReason()).hasValue(ChatCompletionChunk.Choice.FinishReason.STOP);
    assertThat(eco(last._additionalProperties()).get("energy").get("wh").asDouble()).as("eco rides on the finishing chunk").isPositive();
    assertThat(upstreamAuthorization.values()).containsExactly("Bearer sk-client-own");

    // A client that asks for usage gets the usage chunk as the upstream sent it, with eco.
    List<ChatCompletionChunk> asked = new ArrayList<>();
    ChatCompletionCreateParams withUsage = chat("stream please").toBuilder()
        .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build();
    try (StreamResponse<ChatCompletionChunk> stream = client(acmeKey).chat().completions().createStreaming(withUsage)) {
      stream.stream().forEach(asked::add);
    }
    assertThat(asked).hasSize(7);
    assertThat(asked.get(5)._additionalProperties()).doesNotContainKey("eco");
    ChatCompletionChunk usageChunk = asked.getLast();
    assertThat(usageChunk.choices()).isEmpty();
    assertThat(usageChunk.usage()).hasValueSatisfying(u -> assertThat(u.completionTokens()).isEqualTo(5));
    assertThat(eco(usageChunk._additionalProperties()).get("energy").get("wh").asDouble()).isPositive();
    assertThat(recordsAfterStop()).hasSize(2).allSatisfy(r -> assertThat(r.outputTokens()).isEqualTo(5));
  }

  @Test
  void openai_javas_streaming_loop_over_the_first_choice_runs_through_the_gateway() {
    // The loop of openai-java's README, reading choices().get(0) of every chunk.
    StringBuilder text = new StringBuilder();
    OpenAIClient client = client(acmeKey);
    try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(chat("Say this is a test"))) {
      stream.stream().forEach(chunk -> text.append(chunk.choices().get(0).delta().content().orElse("")));
    }
    assertThat(text).hasToString("tok0 tok1 tok2 tok3 tok4 ");
  }

  @Test
  void the_python_sdks_documented_streaming_snippets_run_verbatim_through_the_gateway() throws Exception {
    assumeTrue(pythonHas("openai") && pythonHas("anthropic"), "python3 with the openai and anthropic packages (scripts/test.sh installs them)");
    Map<String, String> env = Map.of("OPENAI_API_KEY", acmeKey, "OPENAI_BASE_URL", "http://127.0.0.1:" + server.port() + "/v1",
        "ANTHROPIC_API_KEY", acmeKey, "ANTHROPIC_BASE_URL", "http://127.0.0.1:" + server.port());
    assertThat(runPython("openai_chat_stream.py", env)).isEqualTo("tok0 tok1 tok2 tok3 tok4 ");
    assertThat(runPython("openai_responses_stream.py", env)).isEqualTo("tok0 tok1 ");
    assertThat(runPython("anthropic_messages_stream.py", env)).isEqualTo("tok0 tok1 tok2 tok3 tok4 \n");
    assertThat(recordsAfterStop()).hasSize(3);
  }

  private static boolean pythonHas(String module) throws InterruptedException {
    try {
      return new ProcessBuilder("python3", "-c", "import " + module).start().waitFor() == 0;
    } catch (IOException e) {
      return false;
    }
  }

  /** Runs a snippet of src/test/resources/sdk-snippets with {@code env}; its stdout, or a failure with its stderr. */
  private String runPython(String snippet, Map<String, String> env) throws Exception {
    Path script = dir.resolve(snippet);
    try (var in = Objects.requireNonNull(getClass().getResourceAsStream("/sdk-snippets/" + snippet), snippet)) {
      java.nio.file.Files.copy(in, script);
    }
    ProcessBuilder python = new ProcessBuilder("python3", script.toString()).redirectError(dir.resolve(snippet + ".err").toFile());
    python.environment().putAll(env);
    Process process = python.start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as(snippet + " finished").isTrue();
    assertThat(process.exitValue()).as(snippet + " failed: " + java.nio.file.Files.readString(dir.resolve(snippet + ".err"))).isZero();
    return out;
  }

  @Test
  void the_responses_api_passes_through_with_eco_plain_and_streamed_and_is_recorded() throws IOException {
    OpenAIClient client = client(acmeKey);
    ResponseCreateParams params = ResponseCreateParams.builder().model("gpt-4o-mini").input("hello").build();
    Response response = client.responses().create(params);
    assertThat(response.output().getFirst().asMessage().content().getFirst().asOutputText().text()).isEqualTo("tok0 tok1 ");
    assertThat(response.usage()).hasValueSatisfying(u -> assertThat(u.outputTokens()).isEqualTo(250));
    JsonNode eco = eco(response._additionalProperties());
    assertThat(eco.get("energy").get("wh").asDouble()).isPositive();

    List<ResponseStreamEvent> events = new ArrayList<>();
    try (StreamResponse<ResponseStreamEvent> stream = client.responses().createStreaming(params)) {
      stream.stream().forEach(events::add);
    }
    assertThat(events).hasSize(4);
    assertThat(events.subList(0, 3)).allSatisfy(e -> assertThat(JSON.<JsonNode>valueToTree(e).has("eco")).isFalse());
    ResponseCompletedEvent completed = events.getLast().asCompleted();
    assertThat(completed.response().usage()).hasValueSatisfying(u -> assertThat(u.outputTokens()).isEqualTo(250));
    assertThat(eco(completed._additionalProperties()).get("energy").get("wh").asDouble()).as("eco rides on response.completed").isPositive();

    assertThat(entriesAfterStop()).hasSize(2).allSatisfy(entry -> {
      InvocationRecord r = entry.record();
      assertThat(r.model()).isEqualTo("gpt-4o-mini-2024-07-18");
      assertThat(r.operation().code()).isEqualTo("chat");
      assertThat(r.inputTokens()).isEqualTo(900);
      assertThat(r.cachedInputTokens()).isEqualTo(600);
      assertThat(r.outputTokens()).isEqualTo(250);
      assertThat(r.reasoningTokens()).isEqualTo(200);
      assertThat(r.id()).startsWith("gw-openai-resp_");
    }).extracting(LedgerEntry::sourceRef).containsExactlyInAnyOrder("gateway:responses", "gateway:responses:stream");
  }

  @Test
  void models_and_other_v1_routes_pass_through_unchanged_and_unknown_paths_answer_json_404() throws Exception {
    OpenAIClient client = client(acmeKey);
    assertThat(client.models().list().data()).extracting(Model::id).containsExactly("gpt-4o-mini");
    assertThat(client.models().retrieve("gpt-4o-mini").ownedBy()).isEqualTo("system");
    assertThatThrownBy(() -> client.models().retrieve("no-such-model")).as("the upstream's own 404 comes back")
        .isInstanceOfSatisfying(OpenAIServiceException.class, e -> {
          assertThat(e.statusCode()).isEqualTo(404);
          assertThat(e.code()).hasValue("model_not_found");
        });
    assertThat(upstreamAuthorization).as("the provider key goes upstream, never the jouletrace key").hasSize(3)
        .allSatisfy((call, authorization) -> assertThat(authorization).isEqualTo("Bearer sk-configured"));
    assertThatThrownBy(() -> client("jt_not-a-key").models().list()).as("passthroughs take a jouletrace key too")
        .isInstanceOfSatisfying(OpenAIServiceException.class, e -> assertThat(e.statusCode()).isEqualTo(401));

    var outside = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + server.port() + "/nowhere")).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(outside.statusCode()).isEqualTo(404);
    assertThat(JSON.readTree(outside.body()).path("error").path("status").asInt()).as("the documented JSON 404").isEqualTo(404);
    assertThat(recordsAfterStop()).as("no usage, nothing recorded").isEmpty();
  }

  @Test
  void an_anthropic_message_passes_through_with_eco_and_is_recorded_with_its_cache_tokens() throws IOException {
    var raw = anthropic(acmeKey, "x-jouletrace-team", "search").messages().withRawResponse().create(message("hello"));
    Message answer = raw.parse();
    assertThat(answer.content().getFirst().text()).hasValueSatisfying(t -> assertThat(t.text()).isEqualTo("Hi!"));
    assertThat(raw.requestId()).hasValue("req_" + answer.id());
    JsonNode eco = anthropicEco(answer._additionalProperties());
    assertThat(raw.headers().values("x-jouletrace-tier")).containsExactly(eco.get("energy").get("tier").asText());
    assertThat(raw.headers().values("x-jouletrace-energy-wh")).singleElement()
        .satisfies(wh -> assertThat(Double.parseDouble(wh)).isCloseTo(eco.get("energy").get("wh").asDouble(), within(1e-15)));

    Headers upstreamSaw = messagesHeaders.get(answer.id());
    assertThat(upstreamSaw.getFirst("x-api-key")).as("Anthropic takes its key in x-api-key").isEqualTo("sk-ant-configured");
    assertThat(upstreamSaw.getFirst("anthropic-version")).as("the client's API version passes through").isNotBlank();
    assertThat(upstreamSaw.values()).as("the jouletrace key stays with the gateway").noneSatisfy(v -> assertThat(v).contains(acmeKey));

    assertThat(recordsAfterStop()).singleElement().satisfies(r -> {
      assertThat(r.provider()).isEqualTo("anthropic");
      assertThat(r.model()).isEqualTo("claude-haiku-4-5-20251001");
      assertThat(r.team()).isEqualTo("search");
      assertThat(r.operation().code()).isEqualTo("chat");
      assertThat(r.inputTokens()).as("input_tokens + cache writes + cache reads").isEqualTo(1300);
      assertThat(r.cachedInputTokens()).isEqualTo(1000);
      assertThat(r.outputTokens()).isEqualTo(300);
      assertThat(eco.get("energy").get("wh").asDouble()).isCloseTo(expectedWh(r), within(1e-15));
    });
  }

  @Test
  void an_anthropic_stream_passes_through_and_its_message_delta_carries_eco() throws IOException {
    List<RawMessageStreamEvent> events = new ArrayList<>();
    try (var stream = anthropic(acmeKey, Gateway.UPSTREAM_AUTHORIZATION, "Bearer sk-ant-client-own").messages()
        .createStreaming(message("stream please"))) {
      stream.stream().forEach(events::add);
    }
    assertThat(events).filteredOn(RawMessageStreamEvent::isContentBlockDelta).hasSize(5);
    assertThat(events.getLast().isMessageStop()).isTrue();
    var delta = events.stream().filter(RawMessageStreamEvent::isMessageDelta).findFirst().orElseThrow().asMessageDelta();
    assertThat(delta.usage().outputTokens()).isEqualTo(5);
    JsonNode eco = anthropicEco(delta._additionalProperties());
    String id = events.getFirst().asMessageStart().message().id();
    assertThat(messagesHeaders.get(id).getFirst("x-api-key")).isEqualTo("sk-ant-client-own");

    assertThat(recordsAfterStop()).singleElement().satisfies(r -> {
      assertThat(r.inputTokens()).as("from message_start: 40 + 8 cache reads").isEqualTo(48);
      assertThat(r.cachedInputTokens()).isEqualTo(8);
      assertThat(r.outputTokens()).as("message_delta's cumulative total").isEqualTo(5);
      assertThat(eco.get("energy").get("wh").asDouble()).isCloseTo(expectedWh(r), within(1e-15));
    });
  }

  @Test
  void an_anthropic_stream_cut_midway_is_recorded_with_the_deltas_it_delivered() {
    List<RawMessageStreamEvent> events = new ArrayList<>();
    try (var stream = anthropic(acmeKey).messages().createStreaming(message("cut"))) {
      stream.stream().forEach(events::add);
    } catch (RuntimeException endedEarly) {
      // The client may report the missing message_stop; the events before it were delivered either way.
    }
    assertThat(events).filteredOn(RawMessageStreamEvent::isContentBlockDelta).hasSize(3);
    assertThat(recordsAfterStop()).singleElement().satisfies(r -> {
      assertThat(r.outputTokens()).isEqualTo(3);
      assertThat(r.inputTokens()).isEqualTo(48);
    });
  }

  @Test
  void a_chunk_reaches_the_client_while_the_upstream_is_still_streaming() throws IOException {
    // The stand-in holds its stream open after the first chunk until the client has it: a gateway that buffered
    // the stream would deliver nothing and the stand-in would give up after 10 s with a broken stream.
    List<ChatCompletionChunk> chunks = new ArrayList<>();
    try (StreamResponse<ChatCompletionChunk> stream = client(acmeKey).chat().completions().createStreaming(chat("hold"))) {
      stream.stream().forEach(chunk -> {
        if (chunks.isEmpty()) firstChunkSeen.countDown();
        chunks.add(chunk);
      });
    }
    assertThat(firstChunkSeen.getCount()).isZero();
    assertThat(chunks).hasSize(6);
    assertThat(eco(chunks.getLast()._additionalProperties()).get("energy").get("wh").asDouble()).isPositive();
  }

  @Test
  void an_uncatalogued_model_gets_an_eco_block_with_null_figures_and_the_reason_and_is_still_recorded() throws IOException {
    var raw = client(acmeKey).chat().completions().withRawResponse()
        .create(ChatCompletionCreateParams.builder().model("acme-finetune-7").addUserMessage("hello").build());
    JsonNode eco = eco(raw.parse()._additionalProperties());
    assertThat(eco.get("energy").isNull()).isTrue();
    assertThat(eco.get("carbon").isNull()).isTrue();
    assertThat(eco.get("model").get("resolved").isNull()).isTrue();
    assertThat(eco.get("null_reasons")).anySatisfy(reason -> {
      assertThat(reason.get("field").asText()).isEqualTo("energy");
      assertThat(reason.get("message").asText()).contains("acme-finetune-7");
    });
    assertThat(raw.headers().values("x-jouletrace-tier")).containsExactly("unrated");
    assertThat(raw.headers().values("x-jouletrace-energy-wh")).as("no number where there is no figure").isEmpty();
    assertThat(recordsAfterStop()).singleElement().satisfies(r -> assertThat(r.model()).isEqualTo("acme-finetune-7-2024-07-18"));
  }

  @Test
  void a_legacy_completion_passes_through_with_eco_and_is_recorded_as_a_text_completion() throws IOException {
    Completion completion = client(acmeKey).completions()
        .create(CompletionCreateParams.builder().model("gpt-3.5-turbo-instruct").prompt("hello").build());
    assertThat(completion.choices().getFirst().text()).isEqualTo(" world");
    assertThat(eco(completion._additionalProperties()).get("model").get("requested").asText()).isEqualTo("gpt-3.5-turbo-instruct");
    assertThat(recordsAfterStop()).singleElement().satisfies(r -> {
      assertThat(r.operation().code()).isEqualTo("text_completion");
      assertThat(r.inputTokens()).isEqualTo(3);
      assertThat(r.outputTokens()).isEqualTo(2);
    });
  }

  @Test
  void embeddings_are_recorded_as_embeddings_with_the_core_rule_for_their_figures() throws IOException {
    CreateEmbeddingResponse response = client(acmeKey).embeddings()
        .create(EmbeddingCreateParams.builder().model("text-embedding-3-small").input("hello").build());
    JsonNode eco = eco(response._additionalProperties());
    InvocationRecord embedding = InvocationRecord.builder("openai", "text-embedding-3-small", 0)
        .operation(io.jouletrace.core.record.Operation.EMBEDDINGS).inputTokens(8L).region("eu-west-1").build();
    var expected = Catalog.estimator(Catalog.Options.defaults()).estimate(embedding, Catalog.DEFAULT_METHODOLOGY);
    assertThat(eco.get("methodology_version").asText()).isEqualTo(expected.methodologyVersion());
    assertThat(eco.get("energy").isNull()).isEqualTo(!expected.energy().isKnown());
    assertThat(recordsAfterStop()).singleElement().satisfies(r -> {
      assertThat(r.operation().code()).isEqualTo("embeddings");
      assertThat(r.inputTokens()).isEqualTo(8);
    });
  }

  @Test
  void upstream_failures_reach_the_client_as_errors_and_the_gateway_stays_up_and_each_is_logged() throws Exception {
    LogCapture log = new LogCapture();
    OpenAIClient client = client(acmeKey);
    assertThatThrownBy(() -> client.chat().completions().create(chat("fail")))
        .isInstanceOfSatisfying(OpenAIServiceException.class, e -> assertThat(e.statusCode()).isEqualTo(503));
    assertThatThrownBy(() -> client.chat().completions().create(chat("slow")))
        .isInstanceOfSatisfying(OpenAIServiceException.class, e -> assertThat(e.statusCode()).isEqualTo(504));

    // A stream cut after three chunks: the client sees it end; the call is recorded with the three tokens it got.
    List<ChatCompletionChunk> delivered = new ArrayList<>();
    try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(chat("cut"))) {
      stream.stream().forEach(delivered::add);
    } catch (RuntimeException endedEarly) {
      // Some clients report the missing [DONE]; the chunks before it were delivered either way.
    }
    assertThat(delivered).hasSize(3);
    assertThat(client.chat().completions().create(chat("still up?")).choices()).hasSize(1);

    List<InvocationRecord> records = recordsAfterStop();
    assertThat(records).hasSize(2);
    assertThat(records).anySatisfy(r -> assertThat(r.outputTokens()).isEqualTo(3));

    try (ServerSocket closed = new ServerSocket(0)) {
      int port = closed.getLocalPort();
      closed.close();
      server.close();
      server = startGateway(URI.create("http://127.0.0.1:" + port + "/v1"), Duration.ofSeconds(2));
    }
    String key = server.createKey("acme", "refused");
    assertThatThrownBy(() -> client(key).chat().completions().create(chat("anyone?")))
        .isInstanceOfSatisfying(OpenAIServiceException.class, e -> assertThat(e.statusCode()).isEqualTo(502));

    log.close();
    assertThat(log.events()).extracting(ILoggingEvent::getFormattedMessage)
        .anySatisfy(m -> assertThat(m).contains("upstream_error").contains("503"))
        .anySatisfy(m -> assertThat(m).contains("upstream_timeout"))
        .anySatisfy(m -> assertThat(m).contains("upstream_unreachable"));
    assertThat(log.events()).as("the gateway's own 5xx answers, with their stack trace")
        .anySatisfy(e -> {
          assertThat(e.getLevel()).isEqualTo(Level.ERROR);
          assertThat(e.getFormattedMessage()).startsWith("POST /v1/chat/completions answered 502");
          assertThat(e.getThrowableProxy()).isNotNull();
        })
        .anySatisfy(e -> assertThat(e.getFormattedMessage()).startsWith("POST /v1/chat/completions answered 504"));
  }

  private int admin(String method, String path, String json) throws Exception {
    var response = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + server.port() + path)).header("Authorization", "Bearer " + ServerTest.ADMIN)
        .header("Content-Type", "application/json").method(method, java.net.http.HttpRequest.BodyPublishers.ofString(json)).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    return response.statusCode();
  }

  @Test
  void a_whole_answer_and_its_request_pass_byte_for_byte_and_eco_is_added_as_the_last_field() throws Exception {
    String request = "{\"model\": \"gpt-4o-mini\",  \"temperature\": 1.50, \"messages\": [{\"role\": \"user\", \"content\": \"verbatim\"}]}";
    String answer = gatewayChat(request);
    assertThat(verbatimRequests).containsExactly(request);
    String sent = verbatimAnswer(JSON.readTree(answer).path("id").asText(), false);
    assertThat(answer).startsWith(sent.substring(0, sent.lastIndexOf('}')) + ",\"eco\":{").endsWith("}");
    JsonNode eco = JSON.readTree(answer).path("eco");
    assertThat(eco.path("energy").path("wh").asDouble()).isPositive();
    assertThat(recordsAfterStop()).singleElement().satisfies(r -> assertThat(r.outputTokens()).isEqualTo(30));
  }

  @Test
  void an_answer_with_an_eco_field_of_its_own_gets_the_gateways_in_its_place() throws Exception {
    String answer = gatewayChat("{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"own eco\"}]}");
    assertThat(answer.split("\"eco\"", -1)).hasSize(2);
    assertThat(JSON.readTree(answer).path("eco").has("theirs")).isFalse();
    assertThat(JSON.readTree(answer).path("eco").path("energy").path("wh").asDouble()).isPositive();
  }

  /** A chat call sent through the gateway as exactly {@code body}; its answer's body as the client gets it. */
  private String gatewayChat(String body) throws Exception {
    var response = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + server.port() + "/v1/chat/completions")).header("Authorization", "Bearer " + acmeKey)
        .header("Content-Type", "application/json").POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    return response.body();
  }

  @Test
  void a_spent_gate_budget_refuses_calls_with_429_naming_it_and_an_advisory_one_warns() throws Exception {
    LogCapture log = new LogCapture();
    String now = java.time.Instant.now().toString();
    assertThat(admin("POST", "/api/invocations", "{\"id\":\"spend-1\",\"timestamp\":\"" + now + "\",\"provider\":\"openai\","
        + "\"model\":\"gpt-4o\",\"input_tokens\":5000,\"output_tokens\":2000,\"tenant\":\"acme\",\"team\":\"search\"}")).isEqualTo(200);
    assertThat(admin("PUT", "/api/budgets/search-daily", "{\"scope\":\"team\",\"scope_value\":\"search\",\"quantity\":\"energy\","
        + "\"limit\":0.000001,\"period\":\"day\",\"mode\":\"gate\"}")).isEqualTo(200);
    assertThat(admin("PUT", "/api/budgets/acme-advice", "{\"scope\":\"tenant\",\"scope_value\":\"acme\",\"quantity\":\"carbon\","
        + "\"limit\":0.000001,\"period\":\"month\",\"mode\":\"advisory\"}")).isEqualTo(200);

    assertThatThrownBy(() -> client(acmeKey, "x-jouletrace-team", "search").chat().completions().create(chat("hello")))
        .isInstanceOfSatisfying(OpenAIServiceException.class, e -> {
          assertThat(e.statusCode()).isEqualTo(429);
          assertThat(e.getMessage()).contains("search-daily").contains("energy budget")
              .as("an admin-wide budget sums every tenant's calls: its figures are not shown to a tenant key").doesNotContain(" kWh)");
        });
    assertThatThrownBy(() -> anthropic(acmeKey, "x-jouletrace-team", "search").messages().create(message("hello")))
        .isInstanceOfSatisfying(AnthropicServiceException.class, e -> {
          assertThat(e.statusCode()).isEqualTo(429);
          assertThat(e.apiMessage()).hasValueSatisfying(m -> assertThat(m).contains("search-daily"));
          JsonNode body = JSON.valueToTree(e.body().convert(Object.class));
          assertThat(body.path("type").asText()).as("Anthropic's error shape").isEqualTo("error");
          assertThat(body.path("error").path("type").asText()).isEqualTo("budget_exceeded");
          assertThat(body.path("error").path("budget").asText()).isEqualTo("search-daily");
        });
    assertThatThrownBy(() -> client(acmeKey, "x-jouletrace-team", "Search").chat().completions().create(chat("hello")))
        .as("scopes match ignoring case").isInstanceOfSatisfying(OpenAIServiceException.class, e -> assertThat(e.statusCode()).isEqualTo(429));
    assertThat(upstreamAuthorization).as("a refused call never reaches the upstream").isEmpty();
    assertThat(messagesHeaders).isEmpty();
    assertThat(admin("POST", "/api/invocations", "{\"id\":\"spend-2\",\"timestamp\":\"" + now + "\",\"provider\":\"openai\","
        + "\"model\":\"gpt-4o\",\"output_tokens\":2000,\"tenant\":\"acme\",\"team\":\"search\"}"))
        .as("recording a call that happened is never refused by a budget").isEqualTo(200);
    log.close();
    assertThat(log.events()).extracting(ILoggingEvent::getFormattedMessage).as("each refusal is logged")
        .filteredOn(m -> m.contains("budget_refused") && m.contains("search-daily")).hasSize(3);

    var passed = client(acmeKey, "x-jouletrace-team", "support").chat().completions().withRawResponse().create(chat("hello"));
    assertThat(passed.statusCode()).isEqualTo(200);
    assertThat(passed.headers().values("x-jouletrace-budget-warning")).singleElement().asString()
        .matches("acme-advice crossed at \\d{4}-\\d{2}-\\d{2}T[0-9:.]+Z");
  }

  @Test
  void a_budget_refusal_says_when_the_period_resets_and_both_sdks_give_up_at_once() throws Exception {
    LogCapture log = new LogCapture();
    assertThat(admin("POST", "/api/invocations", "{\"id\":\"spend-1\",\"timestamp\":\"" + java.time.Instant.now() + "\",\"provider\":\"openai\","
        + "\"model\":\"gpt-4o\",\"input_tokens\":5000,\"output_tokens\":2000,\"tenant\":\"acme\"}")).isEqualTo(200);
    assertThat(admin("PUT", "/api/budgets/acme-daily", "{\"scope\":\"tenant\",\"scope_value\":\"acme\",\"quantity\":\"energy\","
        + "\"limit\":0.000001,\"period\":\"day\",\"mode\":\"gate\"}")).isEqualTo(200);
    // The SDKs' defaults: 2 retries each, which a 429 gets unless the answer says otherwise.
    OpenAIClient openai = OpenAIOkHttpClient.builder().apiKey(acmeKey).baseUrl("http://127.0.0.1:" + server.port() + "/v1").maxRetries(2).build();
    AnthropicClient anthropic = AnthropicOkHttpClient.builder().apiKey(acmeKey).baseUrl("http://127.0.0.1:" + server.port()).maxRetries(2).build();

    assertThatThrownBy(() -> openai.chat().completions().create(chat("hello"))).isInstanceOfSatisfying(OpenAIServiceException.class, e -> {
      assertThat(e.statusCode()).isEqualTo(429);
      assertThat(e.headers().values("x-should-retry")).containsExactly("false");
      long midnight = java.time.Instant.now().until(java.time.LocalDate.now(java.time.ZoneOffset.UTC).plusDays(1)
          .atStartOfDay(java.time.ZoneOffset.UTC).toInstant(), java.time.temporal.ChronoUnit.SECONDS);
      assertThat(e.headers().values("Retry-After")).singleElement().asString().as("whole seconds until the day's period ends")
          .satisfies(seconds -> assertThat(Long.parseLong(seconds)).isBetween(midnight - 60, midnight + 60));
    });
    assertThatThrownBy(() -> anthropic.messages().create(message("hello"))).isInstanceOfSatisfying(AnthropicServiceException.class, e -> {
      assertThat(e.statusCode()).isEqualTo(429);
      assertThat(e.headers().values("x-should-retry")).containsExactly("false");
    });
    log.close();
    assertThat(log.events()).extracting(ILoggingEvent::getFormattedMessage).as("one request per SDK reached the gateway, not three")
        .filteredOn(m -> m.contains("budget_refused")).hasSize(2);
  }

  @Test
  void a_key_bound_to_a_team_charges_its_calls_to_it_and_refuses_a_header_naming_another() throws Exception {
    String bound = server.createKey("acme", "search", "cc-7", "search service");
    assertThat(client(bound).chat().completions().create(chat("hello")).choices()).hasSize(1);
    assertThatThrownBy(() -> client(bound, "x-jouletrace-team", "research").chat().completions().create(chat("hello")))
        .isInstanceOfSatisfying(OpenAIServiceException.class, e -> {
          assertThat(e.statusCode()).isEqualTo(403);
          assertThat(e.getMessage()).contains("bound to team search");
        });
    assertThat(upstreamAuthorization).as("only the first call went upstream").hasSize(1);
    assertThat(recordsAfterStop()).singleElement().satisfies(r -> {
      assertThat(r.team()).isEqualTo("search");
      assertThat(r.costCenter()).isEqualTo("cc-7");
    });
  }

  private java.net.http.HttpResponse<String> rawChat(String key, String content) throws Exception {
    return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + server.port() + "/v1/chat/completions")).header("Authorization", "Bearer " + key)
        .header("Content-Type", "application/json").POST(java.net.http.HttpRequest.BodyPublishers.ofString(
            "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"" + content + "\"}]}")).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void a_body_that_stalls_after_the_headers_ends_in_504_and_calls_without_tokens_are_counted_not_recorded() throws Exception {
    long began = System.nanoTime();
    var stalled = rawChat(acmeKey, "stall");
    assertThat(stalled.statusCode()).isEqualTo(504);
    assertThat(JSON.readTree(stalled.body()).get("error").get("message").asText()).contains("did not answer within 2 s");
    assertThat(Duration.ofNanos(System.nanoTime() - began)).as("the stalled upstream sleeps 6 s").isLessThan(Duration.ofSeconds(5));
    assertThat(rawChat(acmeKey, "fail").statusCode()).isEqualTo(503);

    var metrics = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + server.port() + "/metrics")).header("Authorization", "Bearer " + ServerTest.ADMIN).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString()).body();
    assertThat(metrics).contains("jouletrace_gateway_unrecorded_calls_total{endpoint=\"chat/completions\",reason=\"upstream_stalled\"} 1.0")
        .contains("jouletrace_gateway_unrecorded_calls_total{endpoint=\"chat/completions\",reason=\"upstream_error\"} 1.0");
    assertThat(recordsAfterStop()).as("neither call produced tokens").isEmpty();
  }

  @Test
  void a_usage_without_an_output_count_is_not_read_as_zero_output() throws Exception {
    ChatCompletion completion = client(acmeKey).chat().completions().create(chat("no output count"));
    assertThat(completion.choices().getFirst().message().content()).contains("Hi!");
    assertThat(completion._additionalProperties()).as("no figure for a count the upstream did not give").doesNotContainKey("eco");

    List<ChatCompletionChunk> chunks = new ArrayList<>();
    try (StreamResponse<ChatCompletionChunk> stream = client(acmeKey).chat().completions().createStreaming(chat("no output count"))) {
      stream.stream().forEach(chunks::add);
    }
    assertThat(chunks).hasSize(6).noneSatisfy(chunk -> assertThat(chunk._additionalProperties()).containsKey("eco"));

    var metrics = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + server.port() + "/metrics")).header("Authorization", "Bearer " + ServerTest.ADMIN).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString()).body();
    assertThat(metrics).contains("jouletrace_gateway_unrecorded_calls_total{endpoint=\"chat/completions\",reason=\"no_usage\"} 1.0");
    assertThat(entriesAfterStop()).as("the stream is recorded with the 5 content chunks it delivered, as a lower bound").singleElement()
        .satisfies(entry -> {
          assertThat(entry.sourceRef()).isEqualTo("gateway:chat/completions:stream-without-usage");
          assertThat(entry.record().outputTokens()).isEqualTo(5);
        });
  }

  @Test
  void a_cookie_the_upstream_sets_for_one_call_is_never_sent_with_another() throws Exception {
    String globexKey = server.createKey("globex", "cookies");
    client(acmeKey).chat().completions().create(chat("hello"));
    client(globexKey).chat().completions().create(chat("hello"));
    client(acmeKey).chat().completions().create(chat("hello"));
    assertThat(upstreamCookies).hasSize(3).allSatisfy((id, cookie) -> assertThat(cookie).as(id).isEqualTo("none"));
  }

  @Test
  void a_call_without_a_jouletrace_key_is_refused_before_the_upstream_sees_it() {
    assertThatThrownBy(() -> client("sk-not-a-jouletrace-key").chat().completions().create(chat("hello")))
        .isInstanceOfSatisfying(OpenAIServiceException.class, e -> assertThat(e.statusCode()).isEqualTo(401));
    assertThatThrownBy(() -> anthropic("sk-ant-not-a-jouletrace-key").messages().create(message("hello")))
        .as("a key sent as x-api-key is checked the same way")
        .isInstanceOfSatisfying(AnthropicServiceException.class, e -> assertThat(e.statusCode()).isEqualTo(401));
    assertThat(upstreamAuthorization).isEmpty();
    assertThat(messagesHeaders).isEmpty();
  }

  @Test
  void two_calls_the_upstream_answers_with_one_id_are_two_records() throws Exception {
    OpenAIClient client = client(acmeKey);
    String first = client.chat().completions().create(chat("same id")).id();
    String second = client.chat().completions().create(chat("same id")).id();
    assertThat(second).isEqualTo(first);
    List<InvocationRecord> records = recordsAfterStop();
    assertThat(records).hasSize(2);
    assertThat(records).allSatisfy(r -> assertThat(r.id()).startsWith("gw-openai-" + first + "-"));
    assertThat(records.get(0).id()).isNotEqualTo(records.get(1).id());
  }

  @Test
  void many_clients_with_interleaved_streams_lose_and_duplicate_no_record() throws Exception {
    int clients = 16;
    int callsEach = 12;
    Set<String> answeredIds = ConcurrentHashMap.newKeySet();
    try (ExecutorService pool = Executors.newFixedThreadPool(clients)) {
      List<Future<?>> running = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        int clientIndex = c;
        running.add(pool.submit(() -> {
          OpenAIClient client = client(acmeKey, "x-jouletrace-team", "team-" + clientIndex);
          for (int i = 0; i < callsEach; i++) {
            if (i % 2 == 0) {
              answeredIds.add(client.chat().completions().create(chat("hello")).id());
            } else {
              try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(chat("stream"))) {
                stream.stream().forEach(chunk -> answeredIds.add(chunk.id()));
              }
            }
          }
          return null;
        }));
      }
      for (Future<?> f : running) f.get();
    }
    assertThat(answeredIds).hasSize(clients * callsEach);
    List<InvocationRecord> records = recordsAfterStop();
    Set<String> recorded = new HashSet<>();
    for (InvocationRecord r : records) recorded.add(r.id().substring("gw-openai-".length(), r.id().length() - UUID_LENGTH - 1));
    assertThat(records).hasSize(clients * callsEach);
    assertThat(recorded).isEqualTo(answeredIds);
  }
}
