package io.jouletrace.server;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.InvalidProtocolBufferException;
import io.javalin.Javalin;
import io.javalin.http.ContentTooLargeResponse;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.javalin.http.staticfiles.Location;
import io.jouletrace.catalog.Catalog;
import io.jouletrace.catalog.EcoBlock;
import io.jouletrace.catalog.EstimateRequest;
import io.jouletrace.core.methodology.Estimator;
import io.jouletrace.core.record.InvocationRecord;
import io.jouletrace.ledger.Ledger;
import io.jouletrace.ledger.VerifyReport;
import io.jouletrace.ledger.ingest.OtlpTraces;
import io.jouletrace.ledger.ingest.Parsed;
import io.jouletrace.ledger.ingest.RecordFields;
import io.jouletrace.ledger.budget.Budget;
import io.jouletrace.ledger.budget.BudgetJson;
import io.jouletrace.ledger.budget.BudgetStatus;
import io.jouletrace.ledger.budget.Budgets;
import io.jouletrace.ledger.report.Dimension;
import io.jouletrace.ledger.report.EfficiencyJson;
import io.jouletrace.ledger.report.EfficiencyReports;
import io.jouletrace.ledger.report.FocusExport;
import io.jouletrace.ledger.report.PriceTable;
import io.jouletrace.ledger.report.RecordJson;
import io.jouletrace.ledger.report.ReportJson;
import io.jouletrace.ledger.report.Reports;
import io.jouletrace.ledger.report.Scope;
import io.opentelemetry.proto.collector.trace.v1.ExportTracePartialSuccess;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.GZIPInputStream;
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
      int metricsTop) {
    public static final long DEFAULT_MAX_BODY = 10L << 20;
    /** How many teams and models of each tenant /metrics shows by name by default; the rest are summed as "other". */
    public static final int DEFAULT_METRICS_TOP = LedgerMetrics.DEFAULT_TOP;

    /** With the default /metrics bound. */
    public Config(int port, String host, long maxBodyBytes, String adminKey, String methodology, Gateway.Config gateway) {
      this(port, host, maxBodyBytes, adminKey, methodology, gateway, DEFAULT_METRICS_TOP);
    }

    /** Without a gateway. */
    public Config(int port, String host, long maxBodyBytes, String adminKey, String methodology) {
      this(port, host, maxBodyBytes, adminKey, methodology, null);
    }
  }

  private static final Logger LOG = LoggerFactory.getLogger(JouletraceServer.class);
  /**
   * Jackson's buffers come from one shared pool: its default pool is per thread, and every request runs on a new
   * virtual thread, so each request would allocate fresh buffers.
   */
  static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder().recyclerPool(JsonRecyclerPools.sharedConcurrentDequePool()).build());
  private static final String PROTOBUF = "application/x-protobuf";
  private static final int BATCH = 10_000;

  private final Ledger ledger;
  private final Reports reports;
  private final EfficiencyReports efficiency;
  private final ApiKeys keys;
  private final Map<String, ApiKeys.Principal> principals = new ConcurrentHashMap<>();
  private final Estimator statelessEstimator;
  private final LedgerMetrics metrics;
  private final Ledger.Writer writer;
  private final Config config;
  private final Budgets budgets;
  private final CallRecorder calls;
  private final CallPublisher publisher;
  private final Gateway gateway;
  private final Javalin app;

  private JouletraceServer(Ledger ledger, Config config, CallPublisher publisher) {
    this.ledger = ledger;
    this.statelessEstimator = ledger.estimatorWithoutSignals();
    this.config = config;
    this.publisher = publisher;
    this.reports = new Reports(ledger.store());
    this.efficiency = new EfficiencyReports(ledger);
    this.keys = new ApiKeys(ledger.store(), config.adminKey());
    this.writer = ledger.writer(config.methodology(), BATCH);
    this.metrics = new LedgerMetrics(reports, this::withLedger, config.metricsTop());
    this.budgets = new Budgets(ledger.store());
    this.calls = new CallRecorder(this::storeCalls, Duration.ofSeconds(1), Duration.ofSeconds(30));
    this.gateway = config.gateway() == null ? null
        : new Gateway(config.gateway(), ledger::estimator, config.methodology(), calls::record, this::budgetVerdict, this::unrecorded);
    this.app = Javalin.create(c -> {
      c.concurrency.useVirtualThreads = true;
      c.http.maxRequestSize = config.maxBodyBytes();
      c.jetty.host = config.host();
      c.jetty.port = config.port();
      c.staticFiles.add("/dashboard", Location.CLASSPATH);
      c.staticFiles.enableWebjars();
      c.startup.showJavalinBanner = false;
      routes(c.routes);
    });
  }

  /** Starts serving {@code ledger} (which the server closes when it stops). */
  public static JouletraceServer start(Ledger ledger, Config config) {
    return start(ledger, config, CallPublisher.NONE);
  }

  /** Starts serving {@code ledger}; every batch of calls stored goes to {@code publisher} too. */
  public static JouletraceServer start(Ledger ledger, Config config, CallPublisher publisher) {
    JouletraceServer server = new JouletraceServer(ledger, config, publisher);
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
    return withLedger(() -> keys.create(tenant, label));
  }

  /** Loads the demo sample ({@code serve --demo}); returns how many records it offered (already stored ones are skipped). */
  public int loadDemo() {
    return withLedger(() -> DemoData.load(writer, java.time.Instant.now()));
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

  /** Runs {@code work} with the ledger to itself. */
  <T> T withLedger(java.util.function.Supplier<T> work) {
    synchronized (ledger) {
      return work.get();
    }
  }

  private void routes(io.javalin.config.RoutesConfig r) {
    r.get("/health", ctx -> ctx.result("ok"));
    r.get("/openapi.json", ctx -> ctx.contentType("application/json").result(resource("/openapi.json")));
    r.before("/api/*", this::authenticate);
    r.before("/v1/*", this::authenticate);
    r.before("/metrics", this::authenticate);

    r.post("/api/energy/estimate", this::estimate);
    r.get("/api/energy/summary", this::summary);
    r.get("/api/energy/series", this::series);
    r.get("/api/reports/trace/{traceId}", this::trace);
    r.get("/api/reports/measured-vs-modelled", ctx -> ctx.json(ReportJson.measuredVsModelled(
        withLedger(() -> reports.measuredVsModelled(scope(ctx))))));
    r.post("/api/invocations", this::postInvocations);
    r.get("/api/invocations/{id}", this::getInvocation);
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
    r.get("/api/budgets", ctx -> ctx.json(BudgetJson.budgets(withLedger(budgets::list).stream().filter(b -> visible(ctx, b)).toList())));
    r.get("/api/budgets/status", this::budgetStatus);
    r.put("/api/budgets/{name}", this::putBudget);
    r.delete("/api/budgets/{name}", ctx -> {
      requireAdmin(ctx);
      if (!withLedger(() -> budgets.delete(ctx.pathParam("name")))) throw new ApiError(HttpStatus.NOT_FOUND, "no budget " + ctx.pathParam("name"));
      ctx.status(HttpStatus.NO_CONTENT);
    });
    r.get("/api/export/focus", this::focus);
    r.post("/v1/traces", this::otlp);
    if (gateway != null) {
      for (String endpoint : Gateway.ENDPOINTS.keySet()) {
        r.post("/v1/" + endpoint, ctx -> gateway.handle(ctx, principal(ctx), endpoint));
      }
    }
    r.get("/metrics", ctx -> {
      requireAdmin(ctx);
      ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape());
    });

    r.exception(ApiError.class, (e, ctx) -> error(ctx, e.status, e.getMessage(), e.budget));
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
      if (ctx.result() == null) error(ctx, HttpStatus.NOT_FOUND, "no such route: " + ctx.method() + " " + ctx.path());
    });
    r.error(HttpStatus.CONTENT_TOO_LARGE.getCode(), ctx -> error(ctx, HttpStatus.CONTENT_TOO_LARGE,
        "request body larger than " + config.maxBodyBytes() + " bytes"));
  }

  /** A client error with its status; its message is safe to show. */
  static final class ApiError extends RuntimeException {
    final HttpStatus status;
    /** The spent gate budget that refused the request (429), or null. */
    final String budget;

    ApiError(HttpStatus status, String message) {
      this(status, message, null);
    }

    ApiError(HttpStatus status, String message, String budget) {
      super(message);
      this.status = status;
      this.budget = budget;
    }
  }

  private static void error(Context ctx, HttpStatus status, String message) {
    error(ctx, status, message, null);
  }

  private static void error(Context ctx, HttpStatus status, String message, String budget) {
    ObjectNode body = JSON.createObjectNode();
    ObjectNode error = body.putObject("error").put("status", status.getCode()).put("message", message);
    if (budget != null) error.put("budget", budget);
    ctx.status(status).contentType("application/json").result(body.toString());
  }

  // ---- authentication --------------------------------------------------------------------------

  private static final String PRINCIPAL = "jouletrace.principal";

  /** The key is {@code Authorization: Bearer KEY}, or {@code x-api-key: KEY} as Anthropic's clients send it. */
  private void authenticate(Context ctx) {
    String header = ctx.header("Authorization");
    String apiKey = ctx.header("x-api-key");
    String key = header != null ? ApiKeys.bearerKey(header) : apiKey == null || apiKey.isBlank() ? null : apiKey.strip();
    if (key == null) throw new ApiError(HttpStatus.UNAUTHORIZED, "an API key is required: Authorization: Bearer KEY (or x-api-key: KEY)");
    ApiKeys.Principal principal = principals.get(key);
    if (principal == null) {
      principal = withLedger(() -> keys.resolve(key))
          .orElseThrow(() -> new ApiError(HttpStatus.UNAUTHORIZED, "unknown API key"));
      principals.put(key, principal); // keys are never revoked in place, so a resolved key stays valid
    }
    ctx.attribute(PRINCIPAL, principal);
  }

  private static ApiKeys.Principal principal(Context ctx) {
    return ctx.attribute(PRINCIPAL);
  }

  private static void requireAdmin(Context ctx) {
    if (!principal(ctx).isAdmin()) throw new ApiError(HttpStatus.FORBIDDEN, "this route needs an admin key");
  }

  /** The request's scope: since/until and filters from the query, limited to a tenant key's tenant. */
  private static Scope scope(Context ctx) {
    Map<Dimension, String> filters = new java.util.LinkedHashMap<>();
    for (Dimension d : List.of(Dimension.TENANT, Dimension.TEAM, Dimension.COST_CENTER, Dimension.MODEL, Dimension.PROVIDER,
        Dimension.REGION, Dimension.ZONE, Dimension.OPERATION, Dimension.TRACE)) {
      String value = ctx.queryParam(d.code());
      if (value != null && !value.isBlank()) filters.put(d, value);
    }
    ApiKeys.Principal principal = principal(ctx);
    if (!principal.isAdmin()) {
      String asked = filters.get(Dimension.TENANT);
      if (asked != null && !asked.equals(principal.tenant())) {
        throw new ApiError(HttpStatus.FORBIDDEN, "this key is limited to tenant " + principal.tenant());
      }
      filters.put(Dimension.TENANT, principal.tenant());
    }
    return new Scope(Scope.time("since", ctx.queryParam("since")), Scope.time("until", ctx.queryParam("until")), filters);
  }

  // ---- routes ----------------------------------------------------------------------------------

  private void estimate(Context ctx) throws IOException {
    EstimateRequest request = EstimateRequest.fromJson(JSON.readTree(body(ctx)));
    String version = request.methodology() != null ? request.methodology() : config.methodology();
    try {
      statelessEstimator.forVersion(version);
    } catch (Estimator.UnknownMethodologyException e) {
      throw new ApiError(HttpStatus.BAD_REQUEST, "field 'methodology': " + e.getMessage());
    }
    sendJson(ctx, EcoBlock.of(request.record(), statelessEstimator.estimate(request.record(), version)));
  }

  /**
   * The request body. With a declared length it is read into an array of that length (Javalin's own reader copies
   * through an 8 KB buffer and a growing one: most of what a small request allocated); a body over the limit is 413.
   */
  byte[] body(Context ctx) throws IOException {
    long length = ctx.req().getContentLengthLong();
    if (length < 0) return ctx.bodyAsBytes();
    if (length > config.maxBodyBytes()) throw new ContentTooLargeResponse();
    byte[] body = new byte[(int) length];
    if (ctx.req().getInputStream().readNBytes(body, 0, body.length) < body.length) {
      throw new ApiError(HttpStatus.BAD_REQUEST, "request body ended before its Content-Length");
    }
    return body;
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

  private void getInvocation(Context ctx) {
    String id = ctx.pathParam("id");
    ObjectNode body = withLedger(() -> ledger.store().entry(id).map(entry -> {
      if (!principal(ctx).mayAccess(entry.record().tenant())) {
        throw new ApiError(HttpStatus.FORBIDDEN, "record " + id + " belongs to another tenant");
      }
      return RecordJson.of(entry, ledger.store().figureSets(id), version -> ledger.refigure(entry, version));
    }).orElseThrow(() -> new ApiError(HttpStatus.NOT_FOUND, "no record with id " + id)));
    ctx.json(body);
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
      if (!principal.isAdmin() && entry.isObject()) {
        JsonNode tenant = entry.get(RecordFields.TENANT);
        if (tenant != null && !tenant.isNull() && !tenant.asText().equals(principal.tenant())) {
          throw new ApiError(HttpStatus.FORBIDDEN, "entry " + i + ": this key writes only tenant " + principal.tenant());
        }
        ((ObjectNode) entry).put(RecordFields.TENANT, principal.tenant());
      }
      parsed.add(RecordFields.parse(entry, "body[" + i + "]"));
    }
    refuseSpentScopes(parsed);
    ctx.json(store(parsed, "api"));
  }

  /** A gate budget that is spent now refuses the whole request, as the gateway refuses a call (429 naming the budget). */
  private void refuseSpentScopes(List<Parsed> parsed) {
    Instant now = Instant.now();
    for (Parsed p : parsed) {
      if (!(p instanceof Parsed.Accepted a)) continue;
      InvocationRecord record = a.record();
      Gateway.BudgetGate.Verdict verdict = budgetVerdict(record.tenant(), record.team(), record.costCenter(), now);
      if (verdict.refusedBy() != null) {
        throw new ApiError(HttpStatus.TOO_MANY_REQUESTS, a.origin() + ": " + verdict.refusal(), verdict.refusedBy());
      }
    }
  }

  /**
   * Appends calls the gateway recorded, in one commit; they were answered already, so they take the ledger's turn
   * in batches instead of one commit per call.
   */
  void storeCalls(List<CallRecorder.Call> batch) {
    Appended appended = append(batch);
    metrics.ingested("gateway", appended.accepted(), appended.duplicates(), 0);
  }

  /** How many of the records one {@link #append} was given were new, and how many were stored already. */
  private record Appended(long accepted, long duplicates) {}

  /** Appends records through the one ledger writer in one commit: durable when it returns. */
  private Appended append(List<CallRecorder.Call> records) {
    Appended appended = withLedger(() -> {
      long acceptedBefore = writer.accepted();
      long duplicatesBefore = writer.duplicates();
      for (CallRecorder.Call call : records) writer.add(call.record(), call.sourceRef());
      writer.flush();
      return new Appended(writer.accepted() - acceptedBefore, writer.duplicates() - duplicatesBefore);
    });
    if (!records.isEmpty()) publisher.publish(records.stream().map(CallRecorder.Call::record).toList());
    return appended;
  }

  /**
   * Stores the accepted entries in one commit and says what happened: counts, the ids stored or already there, and
   * each rejected entry {@code at} its place in the request with the field and the reason.
   */
  private ObjectNode store(List<Parsed> parsed, String source) {
    ObjectNode result = JSON.createObjectNode();
    ArrayNode rejected = JSON.createArrayNode();
    ArrayNode ids = JSON.createArrayNode();
    List<CallRecorder.Call> accepted = new ArrayList<>();
    for (Parsed p : parsed) {
      if (p instanceof Parsed.Accepted a) {
        accepted.add(new CallRecorder.Call(a.record(), a.origin()));
        ids.add(a.record().id());
      }
    }
    Appended appended = append(accepted);
    if (appended.accepted() > 0) budgets.spendingChanged();
    long skipped = 0;
    for (Parsed p : parsed) {
      if (p instanceof Parsed.Rejected r) {
        rejected.addObject().put("at", r.origin()).put("field", r.field()).put("reason", r.reason());
      } else if (p instanceof Parsed.Skipped) {
        skipped++;
      }
    }
    metrics.ingested(source, appended.accepted(), appended.duplicates(), rejected.size());
    result.put("accepted", appended.accepted()).put("duplicates", appended.duplicates()).put("skipped", skipped);
    result.set("rejected", rejected);
    result.set("ids", ids);
    return result;
  }

  // ---- budgets and FOCUS -------------------------------------------------------------------------

  /**
   * A tenant key sees its own tenant's budgets (tenant budgets and the team and cost-center budgets set for it); an admin
   * key sees all. Admin-wide team budgets stay hidden from tenant keys: their spending sums every tenant's calls.
   */
  private static boolean visible(Context ctx, Budget budget) {
    ApiKeys.Principal principal = principal(ctx);
    return principal.isAdmin() || principal.tenant().equals(budget.owner());
  }

  private void budgetStatus(Context ctx) {
    Instant at = Optional.ofNullable(Scope.time("at", ctx.queryParam("at"))).orElseGet(Instant::now);
    List<BudgetStatus> statuses = withLedger(() -> budgets.statuses(at)).stream().filter(s -> visible(ctx, s.budget())).toList();
    ctx.json(BudgetJson.statuses(at, statuses));
  }

  /**
   * {@code PUT /api/budgets/{name}} with {@code scope}, {@code scope_value}, {@code quantity}, {@code limit}, {@code period},
   * {@code mode} and, for a tenant's team or cost-center budget, {@code tenant}.
   */
  private void putBudget(Context ctx) throws IOException {
    requireAdmin(ctx);
    JsonNode body = JSON.readTree(body(ctx));
    JsonNode tenant = body.get("tenant");
    if (tenant != null && !tenant.isNull() && !tenant.isTextual()) throw new ApiError(HttpStatus.BAD_REQUEST, "field 'tenant': must be a string");
    Budget budget = new Budget(ctx.pathParam("name"), Budget.ScopeKind.of(text(body, "scope")), text(body, "scope_value"),
        Budget.Quantity.of(text(body, "quantity")), body.path("limit").asDouble(Double.NaN), Budget.Period.of(text(body, "period")),
        Budget.Mode.of(Optional.ofNullable(body.get("mode")).map(JsonNode::asText).orElse("advisory")), Instant.now(),
        tenant == null || tenant.isNull() ? null : tenant.asText());
    withLedger(() -> {
      budgets.set(budget);
      return null;
    });
    ctx.json(BudgetJson.budget(budget));
  }

  private static String text(JsonNode body, String field) {
    JsonNode value = body.get(field);
    if (value == null || !value.isTextual()) throw new ApiError(HttpStatus.BAD_REQUEST, "field '" + field + "': required string");
    return value.asText();
  }

  /**
   * The budget check of the gateway and of {@code POST /api/invocations}: a spent gate budget refuses the call; crossed
   * advisory budgets are named with their crossing time. Only budgets of the call's tenant or admin-wide ones apply
   * ({@link Budget#appliesTo}); an admin-wide budget's figures sum every tenant's calls, so its refusal states none.
   */
  private Gateway.BudgetGate.Verdict budgetVerdict(String tenant, String team, String costCenter, Instant at) {
    // Not under withLedger: a call must not wait for a recorder batch's commit; Budgets and the store serialise themselves.
    Budgets.Check check = budgets.check(tenant, team, costCenter, at);
    List<String> warnings = check.advisories().stream()
        .map(s -> s.budget().name() + " crossed at " + s.crossing().at()).toList();
    if (!check.refused()) return warnings.isEmpty() ? Gateway.BudgetGate.Verdict.PASS : new Gateway.BudgetGate.Verdict(null, null, warnings);
    BudgetStatus spent = check.exhausted().getFirst();
    Budget budget = spent.budget();
    String figures = budget.owner() == null ? ""
        : " (" + rounded(spent.spent()) + " of " + rounded(budget.limit()) + " " + budget.quantity().unit() + ")";
    return new Gateway.BudgetGate.Verdict(budget.name(), budget.quantity().code() + " budget " + budget.name() + " of "
        + budget.scopeKind().code() + " " + budget.scopeValue() + " is spent for this " + budget.period().code() + figures
        + "; calls resume at " + spent.periodEnd(), warnings);
  }

  /** A gateway call that produced nothing to record: the ledger stays what happened, the log and /metrics say it. */
  private void unrecorded(String endpoint, String reason, String detail) {
    LOG.warn("gateway {} call not recorded: {} ({})", endpoint, reason, detail);
    metrics.unrecorded(endpoint, reason);
  }

  /** Four significant digits: enough to compare spending with a limit, without binary-float tails. */
  private static String rounded(double amount) {
    return new java.math.BigDecimal(amount).round(new java.math.MathContext(4)).stripTrailingZeros().toPlainString();
  }

  private void focus(Context ctx) {
    FocusExport.Options defaults = FocusExport.Options.defaults();
    FocusExport.Options options = new FocusExport.Options(
        ctx.queryParam("period") == null ? defaults.period() : FocusExport.choice("period", ctx.queryParam("period"), FocusExport.PERIODS),
        ctx.queryParam("sub_account") == null ? defaults.subAccount()
            : FocusExport.choice("sub_account", ctx.queryParam("sub_account"), FocusExport.SUB_ACCOUNTS),
        // The server has no price table: the cost columns stay null, as the CLI's without --prices.
        Optional.ofNullable(ctx.queryParam("billing_account")).orElse(defaults.billingAccount()), PriceTable.NONE);
    Scope scope = scope(ctx);
    StringBuilder csv = new StringBuilder();
    withLedger(() -> {
      try {
        new FocusExport(ledger.store()).write(scope, options, csv);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return null;
    });
    ctx.header("Content-Disposition", "attachment; filename=\"focus.csv\"").contentType("text/csv; charset=utf-8").result(csv.toString());
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
    ctx.json(body);
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
    for (Parsed p : OtlpTraces.map(request, "otlp")) {
      if (p instanceof Parsed.Accepted a && !principal.isAdmin()) {
        InvocationRecord record = a.record();
        if (record.tenant() != null && !record.tenant().equals(principal.tenant())) {
          throw new ApiError(HttpStatus.FORBIDDEN, a.origin() + ": this key writes only tenant " + principal.tenant());
        }
        parsed.add(new Parsed.Accepted(record.withTenant(principal.tenant()), a.origin()));
      } else {
        parsed.add(p);
      }
    }
    ObjectNode stored = store(parsed, "otlp");
    int rejected = stored.get("rejected").size();
    String message = rejected == 0 ? "" : rejected + " spans could not become records: " + stored.get("rejected").get(0).get("reason").asText();
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
