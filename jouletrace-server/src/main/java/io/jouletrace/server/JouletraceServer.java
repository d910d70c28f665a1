package io.jouletrace.server;

import static io.jouletrace.server.ApiKeys.charged;
import static io.jouletrace.server.Requests.PRINCIPAL;
import static io.jouletrace.server.Requests.principal;
import static io.jouletrace.server.Requests.requireAdmin;
import static io.jouletrace.server.Requests.scope;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.InvalidProtocolBufferException;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.javalin.http.staticfiles.Location;
import io.jouletrace.catalog.Catalog;
import io.jouletrace.catalog.EstimateRequest;
import io.jouletrace.core.methodology.Estimator;
import io.jouletrace.core.record.InvocationRecord;
import io.jouletrace.ledger.Composition;
import io.jouletrace.ledger.Ledger;
import io.jouletrace.ledger.entry.LedgerEntry;
import io.jouletrace.ledger.VerifyReport;
import io.jouletrace.ledger.ingest.OtlpTraces;
import io.jouletrace.ledger.ingest.Parsed;
import io.jouletrace.ledger.ingest.RecordBounds;
import io.jouletrace.ledger.ingest.RecordFields;
import io.jouletrace.ledger.budget.BudgetGate;
import io.jouletrace.ledger.budget.Budgets;
import io.jouletrace.ledger.report.Dimension;
import io.jouletrace.ledger.report.EfficiencyJson;
import io.jouletrace.ledger.report.EfficiencyReports;
import io.jouletrace.ledger.report.Explanation;
import io.jouletrace.ledger.report.RecordJson;
import io.jouletrace.ledger.report.ReportJson;
import io.jouletrace.ledger.report.Reports;
import io.jouletrace.ledger.report.Scope;
import io.jouletrace.ledger.store.StoreException;
import io.opentelemetry.proto.collector.trace.v1.ExportTracePartialSuccess;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.zip.GZIPInputStream;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code jouletrace serve}: the REST API, OTLP/HTTP trace ingestion, Prometheus metrics and the dashboard over one
 * ledger (docs/server.md). Every {@code /api} and {@code /v1} route needs an API key; a tenant key sees and writes only
 * its tenant.
 *
 * <p>The ledger's store is one connection (DuckDB's embedded file, or one PostgreSQL session), so every use of it
 * goes through {@link #withLedger}; writes are acknowledged only after their commit.
 */
public final class JouletraceServer implements AutoCloseable {

  /**
   * What the server needs to start.
   *
   * @param gateway the OpenAI-compatible gateway's upstreams (docs/gateway.md); null: no gateway routes
   */
  public record Config(int port, String host, long maxBodyBytes, String adminKey, String methodology, Gateway.Config gateway,
      Recording recording, int metricsTop) {
    public static final long DEFAULT_MAX_BODY = 10L << 20;
    /** How many teams and models of each tenant /metrics shows by name by default; the rest are summed as "other". */
    public static final int DEFAULT_METRICS_TOP = LedgerMetrics.DEFAULT_TOP;

    /** With the default /metrics bound. */
    public Config(int port, String host, long maxBodyBytes, String adminKey, String methodology, Gateway.Config gateway,
        Recording recording) {
      this(port, host, maxBodyBytes, adminKey, methodology, gateway, recording, DEFAULT_METRICS_TOP);
    }

    /** Recording as {@link Recording#DEFAULTS}, the default /metrics bound. */
    public Config(int port, String host, long maxBodyBytes, String adminKey, String methodology, Gateway.Config gateway) {
      this(port, host, maxBodyBytes, adminKey, methodology, gateway, Recording.DEFAULTS);
    }

    /** Without a gateway. */
    public Config(int port, String host, long maxBodyBytes, String adminKey, String methodology) {
      this(port, host, maxBodyBytes, adminKey, methodology, null);
    }
  }

  /**
   * How the server takes records in (docs/server.md).
   *
   * @param bounds what a new record may hold; one outside them is rejected alone, naming its place and field
   * @param queue how many gateway calls may wait to be stored ({@code serve --record-queue})
   * @param passWhenFull with the queue full, pass gateway calls unrecorded and count them, instead of refusing them with
   *     503 ({@code serve --record-overflow pass})
   */
  public record Recording(RecordBounds bounds, int queue, boolean passWhenFull) {
    public static final int DEFAULT_QUEUE = 100_000;
    public static final Recording DEFAULTS = new Recording(RecordBounds.DEFAULTS, DEFAULT_QUEUE, false);
  }

  private static final Logger LOG = LoggerFactory.getLogger(JouletraceServer.class);
  private static final ObjectMapper JSON = Json.MAPPER;
  private static final String PROTOBUF = "application/x-protobuf";
  private static final int BATCH = 10_000;

  private final Ledger ledger;
  private final Reports reports;
  private final EfficiencyReports efficiency;
  private final ApiKeys keys;
  /** Resolved keys, by key; each is looked up again after {@link #KEY_RECHECK}, so a revocation made elsewhere takes effect. */
  private final Map<String, CachedPrincipal> principals = new ConcurrentHashMap<>();
  private final LedgerMetrics metrics;
  private final Ledger.Writer writer;
  private final Config config;
  private final Budgets budgets;
  private final CallRecorder calls;
  private final CallPublisher publisher;
  private final Gateway gateway;
  private final Javalin app;
  private final DashboardSessions sessions;
  /** Why the ledger cannot write now: set by a failed append, cleared by the next one that succeeds; null while all is well. */
  private volatile String writeFailure;
  /** Set when a graceful {@link #stop} begins: /health/ready answers 503 from then on. */
  private volatile boolean draining;

  private JouletraceServer(Ledger ledger, Config config, CallPublisher publisher) {
    this.ledger = ledger;
    this.sessions = new DashboardSessions(ledger.clock());
    this.config = config;
    this.publisher = publisher;
    this.reports = new Reports(ledger.store());
    this.efficiency = new EfficiencyReports(ledger);
    this.keys = new ApiKeys(ledger.store(), config.adminKey());
    this.writer = ledger.writer(config.methodology(), BATCH);
    this.metrics = new LedgerMetrics(reports, this::withLedger, config.metricsTop());
    this.budgets = new Budgets(ledger.store());
    this.calls = new CallRecorder(this::storeCalls, config.recording().queue(), Duration.ofSeconds(1), Duration.ofSeconds(30));
    metrics.recordQueue(calls::depth);
    // The gate is not under withLedger: a call must not wait for a recorder batch's commit; Budgets and the store serialise themselves.
    this.gateway = config.gateway() == null ? null
        : new Gateway(config.gateway(), ledger.figurer(config.methodology()), calls, config.recording().bounds(),
            config.recording().passWhenFull(), BudgetGate.of(budgets), metrics);
    this.app = Javalin.create(c -> {
      c.concurrency.useVirtualThreads = true;
      c.http.maxRequestSize = config.maxBodyBytes();
      c.jetty.host = config.host();
      c.jetty.port = config.port();
      c.staticFiles.add("/dashboard", Location.CLASSPATH);
      c.staticFiles.enableWebjars();
      c.startup.showJavalinBanner = false;
      c.jetty.modifyServer(server -> server.setErrorHandler(new JsonErrorHandler()));
      c.jetty.modifyServletContextHandler(context -> context.setErrorHandler(new JsonErrorHandler()));
      // Counts the requests in flight, so that a graceful stop waits for them (and answers later ones 503) before it closes.
      c.jetty.modifyServletContextHandler(context -> context.insertHandler(new GracefulHandler()));
      routes(c.routes);
    });
  }

  /** Starts serving {@code ledger} (which the server closes when it stops). */
  public static JouletraceServer start(Ledger ledger, Config config) {
    return start(ledger, config, CallPublisher.NONE);
  }

  /** Starts serving {@code ledger}; every batch of calls stored goes to {@code publisher} too. */
  public static JouletraceServer start(Ledger ledger, Config config, CallPublisher publisher) {
    JouletraceServer server;
    try {
      server = new JouletraceServer(ledger, config, publisher);
    } catch (RuntimeException e) { // a refused configuration (a short admin key…): the ledger is the caller's to close no more
      ledger.close();
      throw e;
    }
    server.app.start();
    return server;
  }

  public int port() {
    return app.port();
  }

  /** Which ledger this serves: the DuckDB file or the PostgreSQL URL without its password. */
  public String describe() {
    return ledger.store().describe();
  }

  /** Makes an API key (a tenant key, or an admin key when {@code tenant} is null); returns it, shown once. */
  public String createKey(String tenant, String label) {
    return createKey(tenant, null, null, label);
  }

  /** Makes a tenant key bound to a team and cost center (each may be null); returns it, shown once. */
  public String createKey(String tenant, String team, String costCenter, String label) {
    return withLedger(() -> keys.create(tenant, team, costCenter, label));
  }

  /** Loads the demo sample ({@code serve --demo}); returns how many records it offered (already stored ones are skipped). */
  public int loadDemo() {
    return withLedger(() -> DemoData.load(writer, ledger.clock().instant()));
  }

  /** How long a sign-in link stays good. */
  public static final long SIGN_IN_LINK_MINUTES = DashboardSessions.LINK_LIFETIME.toMinutes();

  /** A one-time dashboard sign-in link's path and query for the admin ({@code serve} prints it; docs/server.md). */
  public String adminSignInPath() {
    return sessions.issueLink(ApiKeys.Principal.ADMIN_PRINCIPAL);
  }

  /**
   * On a ledger that has no key while the environment gives no admin key either: makes an admin key, which the
   * caller shows once. Otherwise empty.
   */
  public Optional<String> firstAdminKey() {
    if (config.adminKey() != null && !config.adminKey().isBlank()) return Optional.empty();
    return withLedger(() -> ledger.store().hasApiKeys() ? Optional.<String>empty() : Optional.of(keys.create(null, "first admin key")));
  }

  @Override
  public void close() {
    app.stop();
    if (gateway != null) gateway.close();
    calls.close();
    withLedger(() -> {
      writer.close();
      ledger.close();
      return null;
    });
  }

  /**
   * Stops gracefully ({@code serve} on SIGTERM; docs/deploy.md, "Lifecycle"): /health/ready turns 503, the listener closes,
   * the calls in flight (streamed answers too) finish, then the gateway's recording queue is stored, all within
   * {@code grace}. Returns how many gateway calls were still waiting to be stored when the grace ran out (logged; lost).
   */
  public int stop(Duration grace) {
    long deadline = System.nanoTime() + grace.toNanos();
    draining = true;
    app.jettyServer().server().setStopTimeout(Math.max(1, grace.toMillis()));
    app.stop();
    if (gateway != null) gateway.close();
    int notStored = calls.close(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
    withLedger(() -> {
      writer.close();
      ledger.close();
      return null;
    });
    return notStored;
  }

  /** Runs {@code work} with the ledger to itself. */
  <T> T withLedger(java.util.function.Supplier<T> work) {
    synchronized (ledger) {
      return work.get();
    }
  }

  private void routes(io.javalin.config.RoutesConfig r) {
    r.get("/health", ctx -> {
      String failure = writeFailure;
      if (failure == null) ctx.result("ok");
      else error(ctx, HttpStatus.SERVICE_UNAVAILABLE, "the ledger cannot write: " + failure);
    });
    r.get("/health/live", ctx -> ctx.result("ok"));
    r.get("/health/ready", ctx -> {
      String failure = writeFailure;
      if (draining) error(ctx, HttpStatus.SERVICE_UNAVAILABLE, "draining: the server is stopping");
      else if (failure != null) error(ctx, HttpStatus.SERVICE_UNAVAILABLE, "the ledger cannot write: " + failure);
      else ctx.result("ok");
    });
    r.get("/openapi.json", ctx -> ctx.contentType("application/json").result(resource("/openapi.json")));
    r.get(DashboardSessions.SIGN_IN_PATH, sessions::signIn);
    r.before("/api/*", this::authenticate);
    r.before("/v1/*", this::authenticate);
    r.before("/metrics", this::authenticate);

    r.post("/api/session/link", ctx -> ctx.status(HttpStatus.CREATED).json(Map.of("path", sessions.issueLink(principal(ctx)))));
    r.post("/api/session/logout", sessions::logout);
    r.get("/api/methodology", this::methodology);
    r.get("/api/intensities", this::intensities);
    r.post("/api/energy/estimate", this::estimate);
    r.get("/api/energy/summary", this::summary);
    r.get("/api/energy/series", this::series);
    r.get("/api/reports/trace/{traceId}", this::trace);
    r.get("/api/reports/measured-vs-modelled", ctx -> ctx.json(ReportJson.measuredVsModelled(
        withLedger(() -> reports.measuredVsModelled(scope(ctx))))));
    r.post("/api/invocations", this::postInvocations);
    r.get("/api/invocations/{id}", this::getInvocation);
    r.get("/api/invocations/{id}/explain", this::explainInvocation);
    r.get("/api/verify", this::verify);
    r.get("/api/ledger/head", ctx -> {
      requireAdmin(ctx);
      ctx.json(withLedger(ledger::checkpoint).json());
    });
    r.get("/api/reports/ranking", ctx -> {
      Scope scope = scope(ctx);
      ctx.json(EfficiencyJson.ranking(withLedger(() -> efficiency.ranking(scope))));
    });
    r.get("/api/reports/recommendations", ctx -> {
      Scope scope = scope(ctx);
      ctx.json(EfficiencyJson.recommendations(withLedger(() -> efficiency.recommendations(scope, Catalog.modelEquivalences()))));
    });
    r.get("/api/reports/compare", ctx -> {
      Scope scope = scope(ctx);
      String baseline = ctx.queryParam("baseline");
      if (baseline == null) throw new ApiError(HttpStatus.BAD_REQUEST, "query parameter 'baseline' (a model) is required");
      String provider = Optional.ofNullable(ctx.queryParam("baseline_provider")).orElse("openai");
      ctx.json(EfficiencyJson.comparison(withLedger(() -> efficiency.compare(scope, provider, baseline))));
    });
    new BudgetRoutes(budgets, this::withLedger, config.maxBodyBytes()).register(r);
    new FocusRoutes(ledger.store(), this::withLedger).register(r);
    new KeyRoutes(keys, this::withLedger, principals::clear, config.maxBodyBytes()).register(r);
    r.post("/v1/traces", this::otlp);
    if (gateway != null) {
      for (String endpoint : Gateway.ENDPOINTS.keySet()) {
        r.post("/v1/" + endpoint, ctx -> gateway.handle(ctx, principal(ctx), endpoint));
      }
      // Every other /v1/ route (models, files, …) goes to the default upstream as it came; added last, so it matches last.
      io.javalin.http.Handler passThrough = ctx -> gateway.passThrough(ctx, ctx.path().substring("/v1/".length()));
      r.get("/v1/*", passThrough);
      r.post("/v1/*", passThrough);
      r.delete("/v1/*", passThrough);
    }
    r.get("/metrics", ctx -> {
      requireAdmin(ctx);
      ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape());
    });

    r.exception(ApiError.class, (e, ctx) -> {
      // A 5xx is the server's or its upstream's failure, not the client's: the operator needs to see it.
      if (e.status.getCode() >= 500) LOG.error("{} {} answered {}: {}", ctx.method(), ctx.path(), e.status.getCode(), e.getMessage(), e);
      error(ctx, e.status, e.getMessage(), e.budget);
    });
    r.exception(JsonProcessingException.class, (e, ctx) -> error(ctx, HttpStatus.BAD_REQUEST, "request body is not valid JSON: "
        + e.getOriginalMessage()));
    r.exception(EstimateRequest.FieldException.class, (e, ctx) -> error(ctx, HttpStatus.BAD_REQUEST,
        "field '" + e.field() + "': " + e.getMessage()));
    r.exception(IllegalArgumentException.class, (e, ctx) -> error(ctx, HttpStatus.BAD_REQUEST, e.getMessage()));
    r.exception(Exception.class, (e, ctx) -> {
      LOG.error("{} {} failed", ctx.method(), ctx.path(), e);
      error(ctx, HttpStatus.INTERNAL_SERVER_ERROR, "internal error (logged on the server)");
    });
    r.error(HttpStatus.NOT_FOUND.getCode(), ctx -> {
      // A route's own 404 is JSON already; Javalin's for an unknown route is its plain text.
      String answered = ctx.res().getContentType();
      if (answered == null || !answered.startsWith("application/json")) {
        error(ctx, HttpStatus.NOT_FOUND, "no such route: " + ctx.method() + " " + ctx.path());
      }
    });
    r.error(HttpStatus.CONTENT_TOO_LARGE.getCode(), ctx -> error(ctx, HttpStatus.CONTENT_TOO_LARGE,
        "request body larger than " + config.maxBodyBytes() + " bytes"));
  }

  private static void error(Context ctx, HttpStatus status, String message) {
    error(ctx, status, message, null);
  }

  private static void error(Context ctx, HttpStatus status, String message, String budget) {
    ctx.status(status).contentType("application/json").result(errorBody(status.getCode(), message, budget).toString());
  }

  /** The documented error shape, {@code {"error":{"status","message"}}} (and {@code budget} for a budget's refusal). */
  static ObjectNode errorBody(int status, String message, String budget) {
    ObjectNode body = JSON.createObjectNode();
    ObjectNode error = body.putObject("error").put("status", status).put("message", message);
    if (budget != null) error.put("budget", budget);
    return body;
  }

  // ---- authentication --------------------------------------------------------------------------

  /** The key is {@code Authorization: Bearer KEY}, or {@code x-api-key: KEY} as Anthropic's clients send it. */
  private void authenticate(Context ctx) {
    String header = ctx.header("Authorization");
    String apiKey = ctx.header("x-api-key");
    String key = header != null ? ApiKeys.bearerKey(header) : apiKey == null || apiKey.isBlank() ? null : apiKey.strip();
    if (key == null) {
      ApiKeys.Principal signedIn = sessions.principal(ctx).orElseThrow(() -> new ApiError(HttpStatus.UNAUTHORIZED,
          "an API key is required: Authorization: Bearer KEY (or x-api-key: KEY), or the dashboard's sign-in link"));
      ctx.attribute(PRINCIPAL, signedIn);
      return;
    }
    CachedPrincipal cached = principals.get(key);
    if (cached == null || System.nanoTime() - cached.checkedAtNanos() > KEY_RECHECK.toNanos()) {
      // Not under withLedger: a request must not wait for a recorder batch's commit (the store serialises itself).
      ApiKeys.Principal principal;
      try {
        principal = keys.resolve(key).orElse(null);
      } catch (RuntimeException storeAway) {
        if (cached == null) throw storeAway;
        // The ledger cannot answer now: a key it confirmed a moment ago stays valid until it can (revocations then apply).
        LOG.warn("API key re-check failed; keeping the key's last known principal", storeAway);
        ctx.attribute(PRINCIPAL, cached.principal());
        return;
      }
      if (principal == null) {
        principals.remove(key);
        throw new ApiError(HttpStatus.UNAUTHORIZED, "unknown or revoked API key");
      }
      cached = new CachedPrincipal(principal, System.nanoTime());
      principals.put(key, cached);
    }
    ctx.attribute(PRINCIPAL, cached.principal());
  }

  /** How long a resolved key is trusted before the store is asked again: a key revoked by the CLI stops within this. */
  static final Duration KEY_RECHECK = Duration.ofSeconds(1);

  private record CachedPrincipal(ApiKeys.Principal principal, long checkedAtNanos) {}

  // ---- routes ----------------------------------------------------------------------------------

  /** {@code GET /api/methodology}: the version new figures are made with and when that release took effect (null if unknown). */
  private void methodology(Context ctx) {
    java.time.LocalDate released = Catalog.METHODOLOGY_RELEASED.get(config.methodology());
    ObjectNode body = JSON.createObjectNode().put("version", config.methodology());
    body.put("effective", released == null ? null : released.toString());
    ctx.json(body);
  }

  /** {@code GET /api/intensities}: the grid intensities the scope's carbon figures used, per zone and source. */
  private void intensities(Context ctx) {
    Scope scope = scope(ctx);
    ObjectNode body = JSON.createObjectNode();
    var list = body.putArray("intensities");
    for (Reports.IntensityInUse used : withLedger(() -> reports.intensitiesInUse(scope))) {
      list.addObject().put("zone", used.zone()).put("source", used.source()).put("g_per_kwh", used.gramsPerKwh()).put("calls", used.calls());
    }
    ctx.json(body);
  }

  private void estimate(Context ctx) throws IOException {
    EstimateRequest request = EstimateRequest.fromJson(JSON.readTree(body(ctx)));
    String version = request.methodology() != null ? request.methodology() : config.methodology();
    // The estimator new records are figured with, stored series included, as the gateway's: one call, one figure.
    Estimator estimator = ledger.estimator();
    try {
      estimator.forVersion(version);
    } catch (Estimator.UnknownMethodologyException e) {
      throw new ApiError(HttpStatus.BAD_REQUEST, "field 'methodology': " + e.getMessage());
    }
    ObjectNode block = request.ecoBlock(estimator.estimate(Composition.madeNow(request.record(), ledger.clock()), version));
    // BIJOTEL's answer fields beside the eco block: the central values, null where the block's figure is null.
    block.set("wh", block.path("energy").path("wh").isNumber() ? block.get("energy").get("wh") : JSON.nullNode());
    block.set("co2_grams", block.path("carbon").path("g").isNumber() ? block.get("carbon").get("g") : JSON.nullNode());
    sendJson(ctx, block);
  }

  /** The request body, at most {@link Config#maxBodyBytes} ({@link Requests#body}). */
  byte[] body(Context ctx) throws IOException {
    return Requests.body(ctx, config.maxBodyBytes());
  }

  /** Writes a JSON answer straight to the response, not through Javalin's result stream (which copies it through a buffer). */
  static void sendJson(Context ctx, JsonNode body) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(body);
    ctx.contentType("application/json");
    ctx.res().setContentLength(bytes.length);
    ctx.res().getOutputStream().write(bytes);
  }

  private void summary(Context ctx) {
    Set<Dimension> by = new LinkedHashSet<>(Reports.DEFAULT_BREAKDOWNS);
    String asked = ctx.queryParam("by");
    if (asked != null && !asked.isBlank()) for (String d : asked.split(",")) by.add(Dimension.of(d));
    Scope scope = scope(ctx);
    ctx.json(ReportJson.summary(withLedger(() -> reports.summary(scope, new ArrayList<>(by)))));
  }

  private void series(Context ctx) {
    Dimension by = Dimension.of(Optional.ofNullable(ctx.queryParam("by")).orElse("model"));
    Dimension bucket = Dimension.of(Optional.ofNullable(ctx.queryParam("bucket")).orElse("day"));
    Scope scope = scope(ctx);
    ctx.json(ReportJson.series(by, bucket, withLedger(() -> reports.series(scope, by, bucket))));
  }

  private void trace(Context ctx) {
    Scope scope = scope(ctx);
    Reports.Trace trace = withLedger(() -> reports.trace(ctx.pathParam("traceId"), scope));
    if (trace.calls().isEmpty()) throw new ApiError(HttpStatus.NOT_FOUND, "no calls with trace id " + ctx.pathParam("traceId"));
    ctx.json(ReportJson.trace(trace));
  }

  /**
   * A record by id. A record is its (tenant, id): a tenant key reads its own tenant's, and another tenant's answers as a
   * missing one (404, same message), so ids tell nothing about other tenants. An admin key names the tenant with
   * {@code ?tenant=} (empty for records without one); where the id is stored for several tenants and none is named,
   * the answer is 409 listing them.
   */
  private void getInvocation(Context ctx) {
    ctx.json(visibleRecord(ctx, entry -> RecordJson.of(entry, ledger.store().figureSets(entry.seq()),
        stored -> ledger.refigure(entry, stored))));
  }

  /** {@code GET /api/invocations/{id}/explain}: the derivation of the record's figures, under the record route's tenant rule. */
  private void explainInvocation(Context ctx) {
    ctx.json(visibleRecord(ctx, entry -> Explanation.of(ledger, entry, ledger.store().figureSets(entry.seq()))));
  }

  /** The view of record {@code {id}} the key may see, made with the ledger to itself; missing or another tenant's is an error. */
  private ObjectNode visibleRecord(Context ctx, Function<LedgerEntry, ObjectNode> view) {
    String id = ctx.pathParam("id");
    ApiKeys.Principal principal = principal(ctx);
    String asked = ctx.queryParam("tenant");
    return withLedger(() -> {
      List<LedgerEntry> found = ledger.store().entries(id).stream()
          .filter(entry -> principal.mayAccess(entry.record().tenant()))
          .filter(entry -> asked == null || Objects.equals(entry.record().tenant(), asked.isEmpty() ? null : asked))
          .toList();
      if (found.isEmpty()) throw new ApiError(HttpStatus.NOT_FOUND, "no record with id " + id);
      if (found.size() > 1) {
        throw new ApiError(HttpStatus.CONFLICT, "id " + id + " is stored for " + found.size() + " tenants ("
            + found.stream().map(entry -> entry.record().tenant() == null ? "none: ?tenant=" : entry.record().tenant())
                .collect(Collectors.joining(", ")) + "): name one with ?tenant=");
      }
      return view.apply(found.getFirst());
    });
  }

  /**
   * One record (an object) or a batch (an array) in the ledger's JSON record shape. Entries that break a rule are
   * rejected with their index and field; the rest are stored (duplicates of stored ids are counted, not stored again).
   */
  private void postInvocations(Context ctx) throws IOException {
    JsonNode body = RecordFields.jsonReader().readTree(body(ctx));
    List<JsonNode> entries = new ArrayList<>();
    if (body.isArray()) body.forEach(entries::add);
    else entries.add(body);
    ApiKeys.Principal principal = principal(ctx);
    List<Parsed> parsed = new ArrayList<>();
    for (int i = 0; i < entries.size(); i++) {
      JsonNode entry = entries.get(i);
      String origin = "body[" + i + "]";
      if (!principal.isAdmin() && entry.isObject()) {
        try {
          JsonNode tenant = entry.get(RecordFields.TENANT);
          if (tenant != null && !tenant.isNull() && !tenant.asText().equals(principal.tenant())) {
            throw new ScopeRefusal(RecordFields.TENANT, "this key writes only tenant " + principal.tenant());
          }
          ((ObjectNode) entry).put(RecordFields.TENANT, principal.tenant());
          stampBound((ObjectNode) entry, RecordFields.TEAM, principal.team());
          stampBound((ObjectNode) entry, RecordFields.COST_CENTER, principal.costCenter());
        } catch (ScopeRefusal refusal) {
          // One record: the request itself is refused.
          if (!body.isArray()) throw new ApiError(HttpStatus.FORBIDDEN, origin + ": " + refusal.getMessage());
          parsed.add(new Parsed.Rejected(origin, refusal.field, refusal.getMessage()));
          continue;
        }
      }
      parsed.add(config.recording().bounds().judge(RecordFields.parse(entry, origin), ledger.clock().instant()));
    }
    // Never refused by a budget: these calls happened already, and a ledger that dropped them would under-report.
    ObjectNode result = store(parsed, "api");
    // One record (not a batch) that conflicts with the stored one is the request's failure.
    JsonNode conflict = body.isArray() ? null : result.get("conflicts").get(0);
    if (conflict != null) throw new ApiError(HttpStatus.CONFLICT, conflict.get("at").asText() + ": id: " + conflict.get("reason").asText());
    ctx.json(result);
  }

  /** Writes the team or cost center a key is bound to into a record entry, refusing an entry that names another. */
  private static void stampBound(ObjectNode entry, String field, String bound) {
    if (bound == null) return;
    JsonNode asked = entry.get(field);
    charged(bound, asked == null || asked.isNull() ? null : asked.asText(), field);
    entry.put(field, bound);
  }

  /**
   * Appends calls the gateway recorded, in one commit; they were answered already, so they take the ledger's turn
   * in batches instead of one commit per call.
   */
  void storeCalls(List<CallRecorder.Call> batch) {
    Appended appended = append(batch);
    metrics.ingested("gateway", appended.accepted(), appended.duplicates(), appended.conflicts().size());
  }

  /**
   * How many of the records one {@link #append} was given were new, how many were stored already, and which conflict
   * with a stored record of their (tenant, id).
   */
  private record Appended(long accepted, long duplicates, List<Ledger.Conflict> conflicts) {}

  /**
   * Appends records through the one ledger writer in one commit: durable when it returns. A failed append fails these
   * records only (the writer takes the next ones afresh); until an append succeeds again, {@code /health} says why.
   */
  private Appended append(List<CallRecorder.Call> records) {
    Appended appended = withLedger(() -> {
      long acceptedBefore = writer.accepted();
      long duplicatesBefore = writer.duplicates();
      try {
        for (CallRecorder.Call call : records) writer.add(call.record(), call.sourceRef());
        writer.flush();
      } catch (RuntimeException e) {
        writer.takeConflicts(); // the failed records' caller resends them; their conflicts are found again then
        LOG.error("could not append {} records", records.size(), e);
        metrics.writeFailed();
        writeFailure = "the last append failed at " + Instant.now() + " and none has succeeded since (the server log has the cause)";
        throw e;
      }
      writeFailure = null; // set and cleared in the ledger's turn, so the latest append decides
      return new Appended(writer.accepted() - acceptedBefore, writer.duplicates() - duplicatesBefore, writer.takeConflicts());
    });
    if (!records.isEmpty()) publisher.publish(records.stream().map(CallRecorder.Call::record).toList());
    return appended;
  }

  /**
   * Stores the accepted entries in one commit and says what happened: counts, the ids stored or already there, each
   * rejected entry {@code at} its place in the request with the field and the reason, and each entry whose (tenant, id)
   * is stored with other content {@code at} its place with the id and the stored record it conflicts with.
   */
  private ObjectNode store(List<Parsed> parsed, String source) {
    ObjectNode result = JSON.createObjectNode();
    ArrayNode rejected = JSON.createArrayNode();
    ArrayNode ids = JSON.createArrayNode();
    List<CallRecorder.Call> accepted = new ArrayList<>();
    for (Parsed p : parsed) {
      if (p instanceof Parsed.Accepted a) accepted.add(new CallRecorder.Call(a.record(), a.origin()));
    }
    Appended appended;
    try {
      appended = append(accepted);
    } catch (StoreException e) {
      throw new ApiError(HttpStatus.SERVICE_UNAVAILABLE, "the ledger could not store these records now; nothing of this request "
          + "is acknowledged. Sending it again is safe: records already stored count as duplicates");
    }
    if (appended.accepted() > 0) budgets.spendingChanged();
    ArrayNode conflicts = JSON.createArrayNode();
    Set<String> conflicting = new HashSet<>();
    for (Ledger.Conflict c : appended.conflicts()) {
      conflicts.addObject().put("at", c.sourceRef()).put("id", c.id()).put("reason", c.reason());
      conflicting.add(c.sourceRef());
    }
    for (CallRecorder.Call call : accepted) {
      if (!conflicting.contains(call.sourceRef())) ids.add(call.record().id());
    }
    long skipped = 0;
    for (Parsed p : parsed) {
      if (p instanceof Parsed.Rejected r) {
        rejected.addObject().put("at", r.origin()).put("field", r.field()).put("reason", r.reason());
      } else if (p instanceof Parsed.Skipped) {
        skipped++;
      }
    }
    metrics.ingested(source, appended.accepted(), appended.duplicates(), rejected.size() + conflicts.size());
    result.put("accepted", appended.accepted()).put("duplicates", appended.duplicates()).put("skipped", skipped);
    result.set("rejected", rejected);
    result.set("conflicts", conflicts);
    result.set("ids", ids);
    return result;
  }

  private void verify(Context ctx) {
    requireAdmin(ctx);
    VerifyReport report = withLedger(ledger::verify);
    ObjectNode body = JSON.createObjectNode();
    body.put("ok", report.ok()).put("records_checked", report.recordsChecked()).put("chain_intact", report.chainIntact())
        .put("first_altered_seq", report.firstAlteredSeq()).put("alteration", report.alteration())
        .put("figures_recomputed", report.figuresRecomputed()).put("figure_sets_checked", report.figureSetsChecked())
        .put("drift", report.drift()).put("head_hash", report.headHash());
    report.driftExamples().forEach(body.putArray("drift_examples")::add);
    body.put("first_altered_id", report.firstAlteredId());
    body.set("derived", derivedJson(report.derived()));
    ObjectNode otherDatasets = body.putObject("other_datasets").put("figures", report.otherDatasets().figures());
    report.otherDatasets().examples().forEach(otherDatasets.putArray("examples")::add);
    chainsJson(body, report);
    ctx.json(body);
  }

  /** Each chain walked and the sealed roots checked (docs/ledger.md, "Many writers: one chain each"). */
  private static void chainsJson(ObjectNode body, VerifyReport report) {
    ArrayNode chains = body.putArray("chains");
    report.chains().forEach(c -> chains.addObject().put("chain", c.chain()).put("records", c.records()).put("head_seq", c.headSeq())
        .put("head_hash", c.headHash()).put("intact", c.intact()).put("broken_at_seq", c.brokenAtSeq()).put("problem", c.problem()));
    ObjectNode roots = body.putObject("roots").put("checked", report.roots().checked()).put("signed", report.roots().signed())
        .put("ok", report.roots().ok());
    report.roots().problems().forEach(roots.putArray("problems")::add);
  }

  /** The derived tables' check (docs/ledger.md): what was compared and the first rows that differ. */
  private static ObjectNode derivedJson(VerifyReport.Derived derived) {
    ObjectNode node = JSON.createObjectNode().put("ok", derived.ok()).put("differences", derived.differences());
    node.putObject("report_rollup_day").put("through_seq", derived.rollupThroughSeq()).put("stale", derived.rollupStale())
        .put("groups_compared", derived.rollupGroupsCompared());
    node.putObject("stream_aggregates").put("rows_checked", derived.streamRowsChecked()).put("partial_rows", derived.streamRowsPartial());
    var examples = node.putArray("examples");
    for (VerifyReport.Difference d : derived.examples()) {
      examples.addObject().put("table", d.table()).put("row", d.row()).put("field", d.field()).put("expected", d.expected())
          .put("stored", d.stored());
    }
    return node;
  }

  /**
   * OTLP/HTTP traces, protobuf or JSON (gzip too). GenAI spans become records; other spans are skipped; a span that
   * cannot become a record is reported as partial success, as OTLP asks, and the rest are stored.
   */
  private void otlp(Context ctx) throws IOException {
    byte[] body = body(ctx);
    if ("gzip".equalsIgnoreCase(ctx.header("Content-Encoding"))) body = gunzip(body);
    String contentType = Optional.ofNullable(ctx.contentType()).orElse("").toLowerCase(Locale.ROOT);
    boolean protobuf = contentType.startsWith(PROTOBUF);
    JsonNode request;
    if (protobuf) {
      try {
        request = OtlpProtobuf.toJson(body);
      } catch (InvalidProtocolBufferException e) {
        throw new ApiError(HttpStatus.BAD_REQUEST, "request body is not an OTLP ExportTraceServiceRequest: " + e.getMessage());
      }
    } else if (contentType.startsWith("application/json") || contentType.isEmpty()) {
      request = body.length == 0 ? JSON.createObjectNode() : RecordFields.jsonReader().readTree(body);
    } else {
      throw new ApiError(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "send application/x-protobuf or application/json");
    }
    ApiKeys.Principal principal = principal(ctx);
    List<Parsed> parsed = new ArrayList<>();
    for (Parsed span : OtlpTraces.map(request, "otlp")) {
      Parsed p = config.recording().bounds().judge(span, ledger.clock().instant());
      if (p instanceof Parsed.Accepted a && !principal.isAdmin()) {
        InvocationRecord record = a.record();
        try {
          if (record.tenant() != null && !record.tenant().equals(principal.tenant())) {
            throw new ScopeRefusal(RecordFields.TENANT, "this key writes only tenant " + principal.tenant());
          }
          parsed.add(new Parsed.Accepted(record.withTenant(principal.tenant()).withTeamAndCostCenter(
              charged(principal.team(), record.team(), RecordFields.TEAM),
              charged(principal.costCenter(), record.costCenter(), RecordFields.COST_CENTER)), a.origin()));
        } catch (ScopeRefusal refusal) { // that span alone is refused, as OTLP's partial success reports
          parsed.add(new Parsed.Rejected(a.origin(), refusal.field, refusal.getMessage()));
        }
      } else {
        parsed.add(p);
      }
    }
    ObjectNode stored = store(parsed, "otlp");
    // A span whose (tenant, id) is stored with other content is refused like one that cannot become a record.
    List<JsonNode> refused = new ArrayList<>();
    stored.get("rejected").forEach(refused::add);
    stored.get("conflicts").forEach(refused::add);
    int rejected = refused.size();
    String message = rejected == 0 ? "" : rejected + " spans could not become records: "
        + refused.stream().limit(OTLP_REFUSALS_NAMED).map(JouletraceServer::otlpRefusal).collect(Collectors.joining("; "))
        + (rejected > OTLP_REFUSALS_NAMED ? "; …" : "");
    if (protobuf) {
      ExportTraceServiceResponse.Builder response = ExportTraceServiceResponse.newBuilder();
      if (rejected > 0) {
        response.setPartialSuccess(ExportTracePartialSuccess.newBuilder().setRejectedSpans(rejected).setErrorMessage(message));
      }
      ctx.contentType(PROTOBUF).result(response.build().toByteArray());
    } else {
      ObjectNode response = JSON.createObjectNode();
      if (rejected > 0) response.putObject("partialSuccess").put("rejectedSpans", String.valueOf(rejected)).put("errorMessage", message);
      ctx.contentType("application/json").result(response.toString());
    }
  }

  /** How many refused spans the OTLP partial-success message names (its count covers them all). */
  private static final int OTLP_REFUSALS_NAMED = 3;

  /** A refused span as the sender knows it: {@code otlp#span3: gen_ai.usage.output_tokens: is required}. */
  private static String otlpRefusal(JsonNode refusal) {
    String field = refusal.path("field").asText("");
    return refusal.get("at").asText() + ": " + (field.isEmpty() ? "" : OtlpTraces.attributeOf(field) + ": ") + refusal.get("reason").asText();
  }

  /**
   * Inflates a gzip body to at most the body limit: the limit bounds what a request costs, so a small gzip bomb is refused
   * (413) as a large plain body is; a body that is not gzip is the client's error (400).
   */
  private byte[] gunzip(byte[] compressed) {
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(compressed))) {
      byte[] inflated = in.readNBytes(Math.toIntExact(Math.min(config.maxBodyBytes(), Integer.MAX_VALUE - 9)) + 1);
      if (inflated.length > config.maxBodyBytes()) {
        // The 413 handler words it as for a plain body: the limit is the same.
        throw new ApiError(HttpStatus.CONTENT_TOO_LARGE, "request body larger than " + config.maxBodyBytes() + " bytes");
      }
      return inflated;
    } catch (IOException e) { // ZipException (not gzip, bad data or checksum) and EOFException (truncated)
      throw new ApiError(HttpStatus.BAD_REQUEST, "Content-Encoding gzip: the body is not valid gzip: " + e.getMessage());
    }
  }

  private static byte[] resource(String path) {
    try (InputStream in = JouletraceServer.class.getResourceAsStream(path)) {
      if (in == null) throw new IllegalStateException(path + " is missing from the server jar");
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
