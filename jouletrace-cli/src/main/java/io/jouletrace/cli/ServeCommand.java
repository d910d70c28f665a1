package io.jouletrace.cli;

import io.jouletrace.catalog.Catalog;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jouletrace.ledger.Ledger;
import io.jouletrace.server.ApiKeys;
import io.jouletrace.server.CallPublisher;
import io.jouletrace.server.Gateway;
import io.jouletrace.server.JouletraceServer;
import io.jouletrace.stream.InvocationPublisher;
import io.jouletrace.stream.Topics;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code jouletrace serve}: the REST API, OTLP ingestion, metrics and the dashboard (docs/server.md). */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = {"Serve the REST API (/api), OTLP/HTTP traces (/v1/traces), Prometheus metrics (/metrics) and the dashboard (/).",
        "Every /api and /v1 route needs an API key (Authorization: Bearer KEY, or x-api-key: KEY): the admin key from " + ApiKeys.ADMIN_KEY_ENV
            + " (at least " + ApiKeys.MIN_ADMIN_KEY_LENGTH + " characters)"
            + " or `jouletrace keys create`; on a ledger with no key at all, serve makes an admin key and prints it once.",
        "Every option is also the environment variable JOULETRACE_ + its name in capitals (--default-intensity: JOULETRACE_DEFAULT_INTENSITY)"
            + " and a key of the --config file; a flag wins over the environment, the environment over the file (docs/deploy.md).",
        "On SIGTERM or SIGINT it stops taking connections, finishes the calls in flight and stores the gateway's recording queue within"
            + " --shutdown-grace, then exits 0; " + ServeCommand.EXIT_CALLS_NOT_STORED + " when gateway calls were still unstored as the grace ran out."})
final class ServeCommand implements Callable<Integer> {

  /** Exit code of a graceful stop whose grace ran out before the gateway's recording queue was stored (the log says how many). */
  static final int EXIT_CALLS_NOT_STORED = 3;

  private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);

  @Spec
  CommandSpec spec;

  @Option(names = ServeConfiguration.CONFIG_OPTION, paramLabel = "FILE",
      description = "YAML file of settings, `name: value` a line, named as the long options without dashes (e.g. `store: postgresql://…`); "
          + "or env JOULETRACE_CONFIG.")
  Path config;

  @Option(names = "--print-config", description = "Print every setting's value and where it came from (flag, env, file:line, default), "
      + "secrets masked, and exit.")
  boolean printConfig;

  @Option(names = "--shutdown-grace", paramLabel = "SECONDS", defaultValue = "30",
      description = "On SIGTERM, how long calls in flight and the gateway's recording queue get to finish (default ${DEFAULT-VALUE}).")
  long shutdownGrace;

  @Mixin
  LedgerOptions ledgerOptions;

  @Mixin
  RecordBoundsOptions boundsOptions;

  @Mixin
  FigureOptions figuring;

  @Mixin
  PriceOptions prices;

  @Option(names = "--port", paramLabel = "N", defaultValue = "8080", description = "Port (default ${DEFAULT-VALUE}; 0 picks a free one).")
  int port;

  @Option(names = "--host", paramLabel = "ADDR", defaultValue = "127.0.0.1",
      description = "Address to listen on (default ${DEFAULT-VALUE}; 0.0.0.0 for every interface).")
  String host;

  @Option(names = "--demo", description = "Load a realistic sample (four weeks of calls, ids demo-…) so there is something to see at once.")
  boolean demo;

  @Option(names = "--methodology", paramLabel = "V", defaultValue = Catalog.DEFAULT_METHODOLOGY,
      description = "Methodology that figures ingested records (default ${DEFAULT-VALUE}).")
  String methodology;

  @Option(names = "--max-body", paramLabel = "BYTES", description = "Largest request body accepted (default 10 MiB).")
  long maxBody = JouletraceServer.Config.DEFAULT_MAX_BODY;

  @Option(names = "--upstream", paramLabel = "URL",
      description = "Turn on the OpenAI-compatible gateway (/v1/chat/completions, /v1/completions, /v1/embeddings, and /v1/messages "
          + "for Anthropic's shape) with this default upstream base URL, e.g. https://api.openai.com/v1 (docs/gateway.md).")
  URI upstream;

  @Option(names = "--upstream-provider", paramLabel = "NAME", defaultValue = "openai",
      description = "Provider of the default upstream, for figuring its models (default ${DEFAULT-VALUE}).")
  String upstreamProvider;

  @Option(names = "--upstream-key-env", paramLabel = "VAR",
      description = "Environment variable holding the default upstream's API key (sent as Bearer); a client's x-upstream-authorization wins.")
  String upstreamKeyEnv;

  @Option(names = "--gateway-config", paramLabel = "FILE",
      description = "JSON mapping model prefixes to other upstreams: {\"upstreams\": [{\"prefix\", \"base_url\", \"provider\", \"key_env\"}]}.")
  Path gatewayConfig;

  @Option(names = "--gateway-zone", paramLabel = "ZONE", description = "Zone (ISO alpha-3) the gateway's calls are figured in.")
  String gatewayZone;

  @Option(names = "--gateway-region", paramLabel = "REGION", description = "Cloud region or label the gateway's calls are figured in.")
  String gatewayRegion;

  @Option(names = "--upstream-timeout", paramLabel = "SECONDS", defaultValue = "120",
      description = "How long an upstream may take to answer before the client gets 504 (default ${DEFAULT-VALUE}).")
  long upstreamTimeout;

  @Option(names = "--metrics-top", paramLabel = "N",
      description = "Teams and models of each tenant that /metrics names; the rest are summed under \"other\" (default ${DEFAULT-VALUE}).")
  int metricsTop = JouletraceServer.Config.DEFAULT_METRICS_TOP;

  @Option(names = "--kafka", paramLabel = "HOST:PORT",
      description = "Also publish every stored call (gateway and ingest) to a Kafka cluster's invocations topic, for `stream run` (docs/scale-out.md).")
  String kafka;

  @Option(names = "--kafka-topic", paramLabel = "TOPIC", description = "Topic --kafka publishes to (default ${DEFAULT-VALUE}).")
  String kafkaTopic = Topics.defaults().invocations();

  @Option(names = "--log-format", paramLabel = "FORMAT", defaultValue = "text", converter = LogFormatConverter.class,
      description = "Log lines on stderr as `text` (default) or `json`: one object per line with time, level, logger, message and "
          + "exception, for log collectors. The server logs every 5xx answer, every failed upstream call and every budget refusal.")
  LogFormat logFormat;

  static final class LogFormatConverter implements picocli.CommandLine.ITypeConverter<LogFormat> {
    @Override
    public LogFormat convert(String value) {
      return switch (value) {
        case "text" -> LogFormat.TEXT;
        case "json" -> LogFormat.JSON;
        default -> throw new picocli.CommandLine.TypeConversionException("expected text or json, got `" + value + "`");
      };
    }
  }

  @Option(names = "--record-queue", paramLabel = "N", description = "How many gateway calls may wait to be stored while the ledger "
      + "is slow or away (default ${DEFAULT-VALUE}); see --record-overflow.")
  int recordQueue = JouletraceServer.Recording.DEFAULT_QUEUE;

  /** What the gateway does with a call when its recording queue is full. */
  enum Overflow { refuse, pass }

  @Option(names = "--record-overflow", paramLabel = "refuse|pass", defaultValue = "refuse",
      description = "With the recording queue full: refuse gateway calls with 503 (default), or pass them unrecorded, counted in "
          + "/metrics as jouletrace_gateway_unrecorded_calls_total{reason=\"record_queue_full\"}.")
  Overflow recordOverflow;

  @Option(names = "--instance-id", paramLabel = "ID", defaultValue = "${env:JOULETRACE_INSTANCE_ID}",
      description = "This server's chain in the ledger: each server sharing one appends to its own, sealed together by signed roots"
          + " (docs/ledger.md). Stable across restarts; 1-63 letters, digits, '.', '_', '-' (default: this host's name; env"
          + " JOULETRACE_INSTANCE_ID).")
  String instanceId;

  /** The server and (with --kafka) its publisher; closing stops the server first, so its last stored calls are handed over. */
  record Serving(JouletraceServer server, InvocationPublisher publisher, ServeLock lock) implements AutoCloseable {
    @Override
    public void close() {
      if (lock != null) lock.close(); // first, so that no command goes to a server that is stopping
      server.close();
      if (publisher != null) publisher.close();
    }

    /** Stops gracefully within {@code grace}; returns how many gateway calls were left unstored ({@link JouletraceServer#stop}). */
    int stop(Duration grace) {
      if (lock != null) lock.close();
      int notStored = server.stop(grace);
      if (publisher != null) publisher.close();
      return notStored;
    }
  }

  @Override
  public Integer call() throws InterruptedException, IOException {
    if (printConfig) {
      ((ServeConfiguration) spec.defaultValueProvider()).print(spec.commandLine().getOut());
      return 0;
    }
    Serving serving = start();
    CountDownLatch stopAsked = new CountDownLatch(1);
    // Handlers in place of a shutdown hook: after its hooks the JVM exits 143 on SIGTERM, and serve's exit code must say
    // whether it stopped cleanly (sun.misc.Signal, module jdk.unsupported, is the JDK's supported way to catch a signal).
    for (String signal : List.of("TERM", "INT")) sun.misc.Signal.handle(new sun.misc.Signal(signal), s -> stopAsked.countDown());
    stopAsked.await();
    LOG.info("stopping: finishing the calls in flight and storing the recording queue, within {} s", shutdownGrace);
    int notStored = serving.stop(Duration.ofSeconds(shutdownGrace));
    LOG.info("stopped{}", notStored == 0 ? "" : "; " + notStored + " gateway calls were not stored");
    return notStored == 0 ? 0 : EXIT_CALLS_NOT_STORED;
  }

  /** Starts the server as the options say and prints where it serves; the caller stops it by closing. */
  Serving start() throws IOException {
    logFormat.apply();
    PrintWriter out = spec.commandLine().getOut();
    Gateway.Config gateway = gateway();
    InvocationPublisher publisher = kafka == null ? null : new InvocationPublisher(kafka, kafkaTopic);
    JouletraceServer server = JouletraceServer.start(prices.apply(ledgerOptions.open(figuring))
        .appendAs(instanceId == null ? Ledger.instanceIdOfHost() : instanceId, Ledger.ROOT_INTERVAL),
        new JouletraceServer.Config(port, host, maxBody, System.getenv(ApiKeys.ADMIN_KEY_ENV), methodology, gateway,
            new JouletraceServer.Recording(boundsOptions.bounds(), recordQueue, recordOverflow == Overflow.pass), metricsTop),
        publisher == null ? CallPublisher.NONE : publisher::publish);
    // Other commands on this embedded ledger find the server here and go through its API (docs/server.md).
    ServeLock lock = ledgerOptions.store != null ? null
        : ServeLock.write(ledgerOptions.data, URI.create("http://" + reachable(host) + ":" + server.port() + "/"), maxBody);
    if (publisher != null) out.printf("publishing stored calls to %s at %s%n", kafkaTopic, kafka);
    if (demo) out.printf("demo: %d sample records offered (already stored ones skipped)%n", server.loadDemo());
    server.firstAdminKey().ifPresent(key -> out.printf("admin key (shown once; keep it): %s%n", key));
    out.printf("jouletrace serving %s at http://%s:%d/  (dashboard /, API /api, OTLP /v1/traces, metrics /metrics, spec /openapi.json)%n",
        server.describe(), host, server.port());
    out.printf("dashboard sign-in link (admin; once, within %d minutes): http://%s:%d%s%n", JouletraceServer.SIGN_IN_LINK_MINUTES, host,
        server.port(), server.adminSignInPath());
    if (gateway != null) {
      gateway.upstreams().forEach(u -> out.printf("gateway: models %s -> %s (%s)%n", u.prefix().isEmpty() ? "*" : u.prefix() + "*", u.baseUrl(),
          u.provider()));
    }
    out.flush();
    return new Serving(server, publisher, lock);
  }

  /** An address a command on this machine reaches the server at: the loopback one when it listens on every interface. */
  private static String reachable(String host) {
    if (host.equals("0.0.0.0") || host.equals("::")) return "127.0.0.1";
    return host.contains(":") ? "[" + host + "]" : host; // an IPv6 literal goes in brackets in a URL
  }

  /** The gateway's upstreams from --upstream and --gateway-config; null when neither is given. */
  private Gateway.Config gateway() throws IOException {
    if (upstream == null && gatewayConfig == null) return null;
    List<Gateway.Upstream> upstreams = new ArrayList<>();
    if (upstream != null) upstreams.add(new Gateway.Upstream("", upstream, upstreamProvider, bearer("--upstream-key-env", upstreamKeyEnv)));
    if (gatewayConfig != null) {
      JsonNode root = new ObjectMapper().readTree(gatewayConfig.toFile());
      int i = 0;
      for (JsonNode u : root.path("upstreams")) {
        String where = gatewayConfig + ": upstreams[" + i++ + "]";
        for (String field : List.of("prefix", "base_url", "provider")) {
          if (!u.path(field).isTextual()) throw new IllegalArgumentException(where + ": field '" + field + "' is required");
        }
        upstreams.add(new Gateway.Upstream(u.get("prefix").asText(), URI.create(u.get("base_url").asText()), u.get("provider").asText(),
            bearer(where + ": key_env", u.path("key_env").isTextual() ? u.get("key_env").asText() : null)));
      }
      if (i == 0) throw new IllegalArgumentException(gatewayConfig + ": no upstreams (expected {\"upstreams\": [...]})");
    }
    return new Gateway.Config(upstreams, gatewayZone, gatewayRegion, Duration.ofSeconds(upstreamTimeout));
  }

  private static String bearer(String option, String variable) {
    if (variable == null) return null;
    String key = System.getenv(variable);
    if (key == null || key.isBlank()) throw new IllegalArgumentException(option + ": environment variable " + variable + " is not set");
    return "Bearer " + key.strip();
  }
}
