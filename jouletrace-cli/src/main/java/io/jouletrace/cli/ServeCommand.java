package io.jouletrace.cli;

import io.jouletrace.catalog.Catalog;
import io.jouletrace.server.ApiKeys;
import io.jouletrace.server.JouletraceServer;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code jouletrace serve}: the REST API, OTLP ingestion, metrics and the dashboard (docs/server.md). */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = {"Serve the REST API (/api), OTLP/HTTP traces (/v1/traces), Prometheus metrics (/metrics) and the dashboard (/).",
        "Every /api and /v1 route needs an API key (Authorization: Bearer KEY): the admin key from " + ApiKeys.ADMIN_KEY_ENV
            + " or `jouletrace keys create`; on a ledger with no key at all, serve makes an admin key and prints it once."})
final class ServeCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Mixin
  LedgerOptions ledgerOptions;

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

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    JouletraceServer server = JouletraceServer.start(ledgerOptions.open(),
        new JouletraceServer.Config(port, host, maxBody, System.getenv(ApiKeys.ADMIN_KEY_ENV), methodology));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      stopped.countDown();
    }));
    if (demo) out.printf("demo: %d sample records offered (already stored ones skipped)%n", server.loadDemo());
    server.firstAdminKey().ifPresent(key -> out.printf("admin key (shown once; keep it): %s%n", key));
    out.printf("jouletrace serving %s at http://%s:%d/  (dashboard /, API /api, OTLP /v1/traces, metrics /metrics, spec /openapi.json)%n",
        server.describe(), host, server.port());
    out.flush();
    stopped.await();
    return 0;
  }
}
