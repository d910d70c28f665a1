package io.jouletrace.server;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.jouletrace.catalog.EcoBlock;
import io.jouletrace.core.figure.Energy;
import io.jouletrace.core.figure.Figure;
import io.jouletrace.core.methodology.Estimate;
import io.jouletrace.core.record.InvocationRecord;
import io.jouletrace.ledger.CallFigurer;
import io.jouletrace.ledger.RecordQueue;
import io.jouletrace.ledger.budget.BudgetGate;
import io.jouletrace.ledger.ingest.RecordBounds;
import io.jouletrace.ledger.ingest.RecordFields;
import io.jouletrace.core.record.Operation;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.InputStreamResponseListener;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.http.HttpCookieStore;
import org.eclipse.jetty.http.HttpMethod;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OpenAI-compatible gateway (docs/gateway.md): forwards {@code /v1/chat/completions}, {@code /v1/completions},
 * {@code /v1/embeddings} and Anthropic's {@code /v1/messages} to an upstream unchanged, adds an {@code eco} block to
 * the answer (to the event of a stream that reports usage), and records the call. Streams pass through line by line
 * as they arrive, never buffered. What differs between the two API shapes is {@link ApiShape}'s.
 */
public final class Gateway {

  /** Where calls for models starting with {@code prefix} go; the longest matching prefix wins ("" matches all). */
  public record Upstream(String prefix, URI baseUrl, String provider, String authorization) {
    public Upstream {
      if (!baseUrl.toString().endsWith("/")) baseUrl = URI.create(baseUrl + "/");
    }
  }

  /**
   * @param zone the zone (ISO alpha-3) the upstreams' calls are figured in; null: see {@code region}
   * @param region the cloud region or label they are figured in; with neither, the provider's own zone applies
   */
  public record Config(List<Upstream> upstreams, String zone, String region, Duration timeout) {
    public Config {
      upstreams = upstreams.stream().sorted(Comparator.comparingInt((Upstream u) -> u.prefix().length()).reversed()).toList();
    }

    Upstream route(String model) {
      return upstreams.stream().filter(u -> model.startsWith(u.prefix())).findFirst().orElse(null);
    }
  }

  /**
   * Counts calls that produced no tokens and so no record (refused, upstream error or timeout, no usage) for
   * {@code /metrics} ({@link LedgerMetrics}), since the ledger records only what was produced; the gateway logs them.
   *
   * @param reason a code: {@code budget_refused}, {@code upstream_unreachable}, {@code upstream_timeout},
   *     {@code upstream_stalled}, {@code upstream_error}, {@code no_usage}, {@code stream_without_output},
   *     {@code record_queue_full} (passed with {@code --record-overflow pass}), {@code record_rejected} (outside the
   *     record bounds, e.g. a model name the upstream answered with control characters)
   */
  interface Unrecorded {
    /** Every reason code, so that each counter is exposed at 0 before its first call. */
    List<String> REASONS = List.of("budget_refused", "upstream_unreachable", "upstream_timeout", "upstream_stalled", "upstream_error",
        "no_usage", "stream_without_output", "record_queue_full", "record_rejected");

    void unrecorded(String endpoint, String reason);
  }

  /** The routes under {@code /v1/} the gateway serves, and the API shape each speaks. */
  static final Map<String, ApiShape> ENDPOINTS = Map.of("chat/completions", ApiShape.OPENAI, "completions", ApiShape.OPENAI,
      "embeddings", ApiShape.OPENAI, "responses", ApiShape.OPENAI_RESPONSES, "messages", ApiShape.ANTHROPIC);

  private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);
  private static final ObjectMapper JSON = Json.MAPPER;
  /** Request headers not passed upstream: hop-by-hop ones, and the client's jouletrace key in either of its headers. */
  private static final Set<String> NOT_FORWARDED = Set.of("connection", "content-length", "host", "transfer-encoding", "authorization",
      "x-api-key", "x-upstream-authorization", "expect", "upgrade", "keep-alive", "te", "trailer", "proxy-authorization", "accept-encoding");
  /** The upstream's request id, under OpenAI's and Anthropic's names, is passed back to the client. */
  private static final List<String> REQUEST_ID_HEADERS = List.of("x-request-id", "request-id");
  static final String UPSTREAM_AUTHORIZATION = "x-upstream-authorization";

  private final Config config;
  private final CallFigurer figurer;
  private final RecordQueue recorder;
  private final RecordBounds bounds;
  private final boolean passWhenFull;
  private final BudgetGate budgets;
  private final Unrecorded unrecorded;
  private final HttpClient client;
  /** Watches upstream bodies for stalls ({@link StallGuard}). */
  private final ScheduledExecutorService stallTimer = StallGuard.timer();

  /**
   * @param bounds what a call's record may hold: a caller header or model outside them is refused (400) before the call
   *     goes upstream
   * @param passWhenFull with no room left to record a call: pass it unrecorded (counted) instead of refusing it (503)
   */
  Gateway(Config config, CallFigurer figurer, RecordQueue recorder, RecordBounds bounds, boolean passWhenFull, BudgetGate budgets,
      Unrecorded unrecorded) {
    this.config = config;
    this.figurer = figurer;
    this.recorder = recorder;
    this.bounds = bounds;
    this.passWhenFull = passWhenFull;
    this.budgets = budgets;
    this.unrecorded = unrecorded;
    this.client = upstreamClient();
  }

  /** A call that produced nothing to record: the ledger stays what happened, the log and /metrics say it. */
  private void unrecorded(String endpoint, String reason, String detail) {
    LOG.warn("gateway {} call not recorded: {} ({})", endpoint, reason, detail);
    unrecorded.unrecorded(endpoint, reason);
  }

  /**
   * Jetty's HTTP/1.1 client: it passes bodies through as the upstream sent them (no content decoding, no redirects, no
   * User-Agent of its own) and keeps as many connections per upstream as the calls in flight need. It keeps no
   * cookies: its default store would send a cookie the upstream set on one tenant's call (a CDN's, say) with every
   * later call, whoever made it.
   */
  private static HttpClient upstreamClient() {
    HttpClient client = new HttpClient();
    client.setConnectTimeout(Duration.ofSeconds(10).toMillis());
    client.setFollowRedirects(false);
    client.setUserAgentField(null);
    client.setMaxConnectionsPerDestination(4096);
    client.getContentDecoderFactories().clear();
    client.setHttpCookieStore(new HttpCookieStore.Empty());
    try {
      client.start();
    } catch (Exception e) {
      throw new IllegalStateException("cannot start the gateway's upstream client", e);
    }
    return client;
  }

  /**
   * Who and what a call is charged to: from the key, the {@code x-jouletrace-*} headers and {@code traceparent}. A key
   * bound to a team or cost center charges its calls to them; a header naming another is refused (403).
   */
  private record Caller(String tenant, String team, String costCenter, String traceId) {
    private static final Pattern TRACEPARENT = Pattern.compile("[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}");

    static Caller of(Context ctx, ApiKeys.Principal principal) {
      String tenant = principal.isAdmin() ? ctx.header("x-jouletrace-tenant") : principal.tenant();
      String traceparent = ctx.header("traceparent");
      String traceId = traceparent != null && TRACEPARENT.matcher(traceparent).matches()
          ? traceparent.substring(3, 35) : null;
      return new Caller(tenant, ApiKeys.charged(principal.team(), ctx.header("x-jouletrace-team"), "team"),
          ApiKeys.charged(principal.costCenter(), ctx.header("x-jouletrace-cost-center"), "cost center"), traceId);
    }
  }

  void handle(Context ctx, ApiKeys.Principal principal, String endpoint) throws IOException {
    byte[] requestBody = ctx.bodyAsBytes();
    ObjectNode request;
    try {
      request = (ObjectNode) JSON.readTree(requestBody);
    } catch (IOException | ClassCastException e) {
      throw new ApiError(HttpStatus.BAD_REQUEST, "request body must be a JSON object");
    }
    JsonNode modelNode = request.get("model");
    if (modelNode == null || !modelNode.isTextual()) throw new ApiError(HttpStatus.BAD_REQUEST, "field 'model' is required");
    String model = modelNode.asText();
    Upstream upstream = config.route(model);
    if (upstream == null) throw new ApiError(HttpStatus.BAD_REQUEST, "no upstream is configured for model " + model);
    ApiShape shape = ENDPOINTS.get(endpoint);
    Caller caller = Caller.of(ctx, principal);
    Instant started = Instant.now();
    refuseOutOfBounds(upstream, model, caller, started);
    boolean recording = recorder.hasRoom();
    if (!recording && !passWhenFull) {
      throw new ApiError(HttpStatus.SERVICE_UNAVAILABLE, "the gateway cannot record calls now: its recording queue is "
          + "full while the ledger catches up; try again shortly");
    }
    BudgetGate.Verdict verdict = budgets.check(caller.tenant(), caller.team(), caller.costCenter(), started);
    if (verdict.refusedBy() != null) {
      // Retrying cannot help before the period ends: Retry-After says when, x-should-retry stops the SDKs' own retries.
      long untilReset = (long) Math.ceil(Math.max(0, Duration.between(Instant.now(), verdict.resumesAt()).toMillis()) / 1000.0);
      ctx.status(HttpStatus.TOO_MANY_REQUESTS).contentType("application/json").header("Retry-After", Long.toString(untilReset))
          .header("x-should-retry", "false").result(shape.budgetRefusal(verdict.refusal(), verdict.refusedBy()).toString());
      unrecorded(endpoint, "budget_refused", verdict.refusedBy());
      return;
    }
    if (!verdict.warnings().isEmpty()) ctx.header("x-jouletrace-budget-warning", String.join("; ", verdict.warnings()));
    boolean stream = request.path("stream").asBoolean(false);
    boolean usageAsked = shape.usageAsked(request);
    boolean askForUsage = stream && !endpoint.equals("embeddings");
    if (askForUsage) shape.askForUsage(request);

    // Only a stream's request changes (it asks for usage); any other goes as the client sent it, not re-serialised.
    Request upstreamRequest = upstreamRequest(ctx, upstream, shape, HttpMethod.POST.asString(), upstream.baseUrl().resolve(endpoint))
        .body(new BytesRequestContent("application/json", askForUsage ? JSON.writeValueAsBytes(request) : requestBody));
    long sentAt = System.nanoTime();
    InputStreamResponseListener listener = new InputStreamResponseListener();
    Response response = send(upstreamRequest, listener, upstream, endpoint);
    relayHeaders(ctx, response);
    String contentType = response.getHeaders().get("content-type");
    Call call = new Call(upstream, shape, caller, endpoint, model, started, sentAt, recording, usageAsked);
    boolean eventStream = contentType != null && contentType.startsWith("text/event-stream");
    if (response.getStatus() / 100 == 2 && eventStream) {
      relayStream(ctx, listener.getInputStream(), call);
    } else {
      relayWhole(ctx, response.getStatus(), listener.getInputStream(), call);
    }
  }

  /**
   * Any other route under {@code /v1/} ({@code models}, {@code models/{id}}, {@code files}, …): passed to the default
   * upstream (prefix "") as it came, its answer passed back as it came. Nothing is recorded: no usage is known.
   *
   * @param path the route below {@code /v1/}
   */
  void passThrough(Context ctx, String path) throws IOException {
    Upstream upstream = config.route("");
    URI target = upstream == null ? null : upstream.baseUrl().resolve(path + (ctx.queryString() == null ? "" : "?" + ctx.queryString()));
    if (target == null || !target.toString().startsWith(upstream.baseUrl().toString())) {
      throw new ApiError(HttpStatus.NOT_FOUND, "no route " + ctx.method() + " " + ctx.path());
    }
    Request upstreamRequest = upstreamRequest(ctx, upstream, ApiShape.OPENAI, ctx.method().name(), target);
    byte[] body = ctx.bodyAsBytes();
    if (body.length > 0) upstreamRequest.body(new BytesRequestContent(ctx.contentType(), body));
    InputStreamResponseListener listener = new InputStreamResponseListener();
    relayHeaders(ctx, send(upstreamRequest, listener, upstream, null));
    OutputStream out = ctx.res().getOutputStream();
    byte[] buffer = new byte[8192];
    try (InputStream in = new StallGuard(listener.getInputStream(), config.timeout(), stallTimer)) {
      for (int read; (read = in.read(buffer)) > 0; ) {
        out.write(buffer, 0, read);
        out.flush(); // a streamed answer reaches the client as it comes
      }
    } catch (IOException e) {
      // The upstream cut or stalled the answer: the client sees it end, as with a stream.
    }
  }

  /**
   * The request to the upstream: the client's headers but for hop-by-hop ones, its jouletrace key and
   * {@code x-jouletrace-*}; the provider key in the shape's header.
   */
  private Request upstreamRequest(Context ctx, Upstream upstream, ApiShape shape, String method, URI target) {
    String authorization = ctx.header(UPSTREAM_AUTHORIZATION) != null ? ctx.header(UPSTREAM_AUTHORIZATION) : upstream.authorization();
    // Jetty's own idle timeout (30 s) would cut a slow answer before --upstream-timeout; the StallGuard owns stalls.
    return client.newRequest(target).method(method)
        .idleTimeout(config.timeout().toMillis() + 1_000, TimeUnit.MILLISECONDS)
        .headers(headers -> {
          ctx.headerMap().forEach((name, value) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (!NOT_FORWARDED.contains(lower) && !lower.startsWith("x-jouletrace-")) headers.put(name, value);
          });
          if (authorization != null) shape.authorize(headers, authorization);
        });
  }

  /** The status, content type and request id of the upstream's answer, passed to the client. */
  private static void relayHeaders(Context ctx, Response response) {
    ctx.status(response.getStatus());
    String contentType = response.getHeaders().get("content-type");
    if (contentType != null) ctx.contentType(contentType);
    for (String name : REQUEST_ID_HEADERS) {
      String requestId = response.getHeaders().get(name);
      if (requestId != null) ctx.header(name, requestId);
    }
  }

  /**
   * Sends the request and waits up to the timeout for the answer's headers; a failure becomes the gateway's 502 or 504.
   *
   * @param endpoint the figured route, whose failures are counted as unrecorded calls; null for a passed-through route
   *     (never recorded, so not counted)
   */
  private Response send(Request upstreamRequest, InputStreamResponseListener listener, Upstream upstream, String endpoint) {
    upstreamRequest.send(listener);
    try {
      // The timeout runs until the answer's headers, as before; a body that stalls after them is the StallGuard's.
      return listener.get(config.timeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      upstreamRequest.abort(e);
      if (endpoint != null) unrecorded(endpoint, "upstream_timeout", "no answer within " + config.timeout());
      throw timedOut(upstream);
    } catch (InterruptedException e) {
      upstreamRequest.abort(e);
      Thread.currentThread().interrupt();
      throw new ApiError(HttpStatus.SERVICE_UNAVAILABLE, "the gateway is stopping");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (endpoint != null) unrecorded(endpoint, "upstream_unreachable", String.valueOf(cause.getMessage()));
      String how = cause instanceof ConnectException || cause instanceof SocketTimeoutException ? " cannot be reached: " : " failed: ";
      throw new ApiError(HttpStatus.BAD_GATEWAY, "upstream " + upstream.baseUrl() + how + cause.getMessage());
    }
  }

  private ApiError timedOut(Upstream upstream) {
    return new ApiError(HttpStatus.GATEWAY_TIMEOUT, "upstream " + upstream.baseUrl() + " did not answer within "
        + config.timeout().toSeconds() + " s");
  }

  /** Stops watching upstream bodies; the server calls it when it stops. */
  void close() {
    stallTimer.shutdownNow();
    try {
      client.stop();
    } catch (Exception e) {
      // Stopping: a client that does not stop cleanly leaves nothing behind that matters.
    }
  }

  /**
   * One call on its way through: what is known before the answer.
   *
   * @param usageAsked whether the client asked for a stream's usage (or its API reports it unasked): if not, it gets no
   *     usage-only chunk
   */
  private record Call(Upstream upstream, ApiShape shape, Caller caller, String endpoint, String requestedModel, Instant started,
      long sentAtNanos, boolean recording, boolean usageAsked) {
    boolean embeddings() {
      return endpoint.equals("embeddings");
    }

    /** The latency so far: from sending the request upstream until now. */
    double secondsSinceSent() {
      return (System.nanoTime() - sentAtNanos) / 1e9;
    }
  }

  private void relayWhole(Context ctx, int status, InputStream upstreamBody, Call call) throws IOException {
    byte[] body;
    StallGuard guarded = new StallGuard(upstreamBody, config.timeout(), stallTimer);
    try (InputStream in = guarded) {
      body = in.readAllBytes();
    } catch (IOException e) {
      if (!guarded.stalled()) throw e;
      unrecorded(call.endpoint(), "upstream_stalled", "the body stalled after the headers");
      throw timedOut(call.upstream());
    }
    double latency = call.secondsSinceSent();
    if (status / 100 != 2) {
      ctx.result(body); // the upstream's own error, unchanged; nothing was produced, so nothing is recorded
      unrecorded(call.endpoint(), "upstream_error", "upstream answered " + status);
      return;
    }
    AnswerHead head = AnswerHead.read(body);
    ApiShape.Usage usage = head == null ? null : call.shape().usage(head.fields());
    if (usage == null || !figurable(call, usage)) {
      ctx.result(body);
      unrecorded(call.endpoint(), "no_usage", usage == null ? "a 2xx answer without usage" : "a 2xx answer whose usage has no output tokens");
      return;
    }
    InvocationRecord record = record(call, usage, latency);
    Estimate estimate = figurer.figure(record);
    ObjectNode eco = EcoBlock.of(record, estimate);
    if (estimate.energy() instanceof Figure.Known energy) {
      ctx.header("x-jouletrace-energy-wh", Double.toString(new Energy(energy.value()).wh()));
      ctx.header("x-jouletrace-tier", energy.tier().code());
    } else {
      ctx.header("x-jouletrace-tier", "unrated");
    }
    if (estimate.carbon() instanceof Figure.Known carbon) ctx.header("x-jouletrace-carbon-g", Double.toString(carbon.value()));
    ctx.contentType("application/json").result(head.withEco(body, eco));
    record(call, record, "gateway:" + call.endpoint());
  }

  /**
   * What the gateway reads of a whole answer, found in one streaming pass that skips everything else (the choices, the
   * content): a profile of the gateway found parsing the whole answer into a tree and writing it back out a third of
   * its JSON time (issue 23).
   *
   * @param fields the answer's top-level {@code id}, {@code model} and {@code usage}, all that {@link ApiShape#usage}
   *     reads
   * @param closeAt where the answer's closing brace is
   * @param hasEco whether the answer carries an {@code eco} field of its own (which the gateway's replaces)
   */
  private record AnswerHead(ObjectNode fields, int closeAt, boolean hasEco) {
    private static final Set<String> READ = Set.of("id", "model", "usage");

    /** The head of {@code body}, or null when it is not one JSON object. */
    static AnswerHead read(byte[] body) {
      ObjectNode fields = JSON.createObjectNode();
      boolean hasEco = false;
      try (JsonParser parser = JSON.createParser(body)) {
        if (parser.nextToken() != JsonToken.START_OBJECT) return null;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
          String name = parser.currentName();
          parser.nextToken();
          if (READ.contains(name)) {
            fields.set(name, parser.readValueAsTree());
          } else {
            hasEco |= name.equals("eco");
            parser.skipChildren();
          }
        }
        return new AnswerHead(fields, (int) parser.currentTokenLocation().getByteOffset(), hasEco);
      } catch (IOException e) {
        return null;
      }
    }

    /**
     * {@code body} with {@code eco} as its last field: the upstream's bytes up to its closing brace, then the block. An
     * answer with an {@code eco} of its own is rewritten whole, so that it keeps one.
     */
    byte[] withEco(byte[] body, ObjectNode eco) throws IOException {
      if (hasEco) return JSON.writeValueAsBytes(((ObjectNode) JSON.readTree(body)).set("eco", eco));
      byte[] block = JSON.writeValueAsBytes(eco);
      ByteArrayOutputStream out = new ByteArrayOutputStream(closeAt + ECO_FIELD.length + block.length + 1);
      out.write(body, 0, closeAt);
      out.write(ECO_FIELD);
      out.write(block);
      out.write('}');
      return out.toByteArray();
    }

    private static final byte[] ECO_FIELD = ",\"eco\":".getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Copies the event stream line by line, flushing each, so the client gets every chunk as it arrives. The event that
   * reports usage (OpenAI's final chunk with {@code choices: []}, Anthropic's {@code message_delta}, the Responses
   * API's {@code response.completed}) gains {@code eco}; nothing else is touched. A client that did not ask for usage
   * gets no usage-only chunk (a loop over {@code choices[0]} would fail on it): the chunk with {@code finish_reason} is
   * held until the usage arrives and then sent with {@code eco}. If the stream breaks before usage arrives, the call
   * is recorded with the content events it delivered as its output tokens (a lower bound); so is a stream that ends
   * without usable usage.
   */
  private void relayStream(Context ctx, InputStream upstreamBody, Call call) throws IOException {
    ctx.header("Cache-Control", "no-cache");
    OutputStream out = ctx.res().getOutputStream();
    ApiShape.StreamReader reader = call.shape().streamReader();
    boolean recorded = false;
    boolean cut = false;
    ObjectNode held = null; // the finishing chunk, waiting for the usage the client did not ask for
    boolean dropBlank = false; // the blank line that ends a held or dropped event
    StallGuard guarded = new StallGuard(upstreamBody, config.timeout(), stallTimer);
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(guarded, StandardCharsets.UTF_8))) {
      String line;
      while ((line = lines.readLine()) != null) {
        if (dropBlank && line.isEmpty()) {
          dropBlank = false;
          continue;
        }
        dropBlank = false;
        if (line.startsWith("data: {")) {
          ObjectNode chunk = parse(line.substring(6));
          ApiShape.Usage usage = chunk == null ? null : reader.read(chunk);
          ObjectNode ecoCarrier = chunk;
          boolean rewrite = false;
          if (chunk != null && !call.usageAsked()) {
            if (usage != null && usageOnly(chunk)) { // unasked: it goes, and the held finishing chunk takes its eco
              ecoCarrier = held;
              held = null;
              rewrite = true;
            } else if (usage == null && finishes(chunk)) {
              sendEvent(out, held); // an earlier choice's finishing chunk (n > 1)
              held = chunk;
              ecoCarrier = null;
            }
          }
          if (usage != null && !recorded && figurable(call, usage)) {
            InvocationRecord record = record(call, usage, call.secondsSinceSent());
            if (ecoCarrier != null) ecoCarrier.set("eco", EcoBlock.of(record, figurer.figure(record)));
            record(call, record, "gateway:" + call.endpoint() + ":stream");
            recorded = true;
            rewrite = true;
          }
          if (ecoCarrier == null) {
            dropBlank = true;
            continue;
          }
          if (rewrite) line = "data: " + JSON.writeValueAsString(ecoCarrier);
        } else if (line.startsWith("data: [DONE]")) {
          sendEvent(out, held); // no usage came: the finishing chunk goes as it was
          held = null;
        }
        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
      }
    } catch (IOException e) {
      // The upstream cut or stalled the stream: the client sees it end; what was delivered is recorded below.
      cut = true;
    } finally {
      try {
        sendEvent(out, held); // a stream that ended, or broke, before its usage or [DONE]: the chunk the upstream sent
      } catch (IOException e) {
        // The client is gone.
      }
      ApiShape.Usage delivered = recorded ? null : reader.delivered();
      if (delivered != null) {
        String how = guarded.stalled() ? ":stream-stalled" : cut ? ":stream-cut" : ":stream-without-usage";
        record(call, record(call, delivered, call.secondsSinceSent()), "gateway:" + call.endpoint() + how);
      } else if (!recorded) {
        unrecorded(call.endpoint(), guarded.stalled() ? "upstream_stalled" : "stream_without_output", "no content before the stream ended");
      }
    }
  }

  /**
   * A caller header or the model outside the record bounds would make a record the ledger refuses: the call is refused
   * before it costs anything, naming what to fix.
   */
  private void refuseOutOfBounds(Upstream upstream, String model, Caller caller, Instant at) {
    InvocationRecord probe = InvocationRecord.builder(upstream.provider(), model, 0).timestamp(at).tenant(caller.tenant()).team(caller.team())
        .costCenter(caller.costCenter()).traceId(caller.traceId()).build();
    bounds.violation(probe, at).ifPresent(v -> {
      String where = v.field().equals(RecordFields.MODEL) ? "field 'model'" : "header x-jouletrace-" + v.field().replace('_', '-');
      throw new ApiError(HttpStatus.BAD_REQUEST, where + ": " + v.reason());
    });
  }

  /** Queues an answered call's record; one that has no room (passed when full) or breaks the bounds is counted instead. */
  private void record(Call call, InvocationRecord record, String sourceRef) {
    var violation = bounds.violation(record, Instant.now());
    if (violation.isPresent()) {
      unrecorded(call.endpoint(), "record_rejected", violation.get().field() + ": " + violation.get().reason());
    } else if (!call.recording()) {
      unrecorded(call.endpoint(), "record_queue_full", "passed unrecorded (--record-overflow pass)");
    } else {
      recorder.record(record, sourceRef);
    }
  }

  /**
   * Whether a call's usage can be figured: an embedding from its input alone, any other call only with its output
   * count, since a missing count read as 0 would claim that no tokens were produced.
   */
  private static boolean figurable(Call call, ApiShape.Usage usage) {
    return usage.outputTokens() != null || call.embeddings();
  }

  /** Writes a held event whole, or nothing when none is held. */
  private static void sendEvent(OutputStream out, ObjectNode event) throws IOException {
    if (event == null) return;
    out.write(("data: " + JSON.writeValueAsString(event) + "\n\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  /** OpenAI's usage-only chunk: {@code choices: []}. */
  private static boolean usageOnly(ObjectNode chunk) {
    return chunk.path("choices").isArray() && chunk.path("choices").isEmpty();
  }

  /** A chunk in which a choice finishes ({@code finish_reason} set). */
  private static boolean finishes(ObjectNode chunk) {
    for (JsonNode choice : chunk.path("choices")) {
      if (choice.path("finish_reason").isTextual()) return true;
    }
    return false;
  }

  private static ObjectNode parse(String json) {
    try {
      return JSON.readTree(json) instanceof ObjectNode node ? node : null;
    } catch (IOException e) {
      return null;
    }
  }

  /**
   * A record id unique to this call: the upstream's answer id names it, a random suffix keeps it apart from another
   * call the upstream gave the same id (Ollama draws {@code chatcmpl-0} to {@code chatcmpl-999}; two upstreams of
   * one provider may count alike), which the ledger would otherwise drop as a duplicate.
   */
  static String recordId(String provider, String upstreamId) {
    return "gw-" + provider + "-" + (upstreamId == null ? "" : upstreamId + "-") + UUID.randomUUID();
  }

  /**
   * The ledger record of an answered call: its usage, the model the upstream says it used (figured) beside the one the
   * client asked for where they differ (an alias answered by a dated snapshot), the measured latency.
   */
  private InvocationRecord record(Call call, ApiShape.Usage usage, double latencySeconds) {
    String model = usage.model() != null ? usage.model() : call.requestedModel();
    boolean embeddings = call.embeddings();
    InvocationRecord.Builder record = InvocationRecord.builder(call.upstream().provider(), model, embeddings ? 0 : usage.outputTokens())
        .id(recordId(call.upstream().provider(), usage.answerId()))
        .timestamp(call.started()).tenant(call.caller().tenant()).team(call.caller().team()).costCenter(call.caller().costCenter())
        .traceId(call.caller().traceId())
        .operation(embeddings ? Operation.EMBEDDINGS : call.endpoint().equals("completions") ? Operation.TEXT_COMPLETION : Operation.CHAT)
        .inputTokens(usage.inputTokens()).reasoningTokens(usage.reasoningTokens()).cachedInputTokens(usage.cachedInputTokens())
        .latencySeconds(embeddings ? null : latencySeconds)
        .zone(config.zone()).region(config.region())
        .modelRequested(model.equals(call.requestedModel()) ? null : call.requestedModel());
    return record.build();
  }
}
