package io.jouletrace.server;

import io.jouletrace.catalog.Catalog;
import io.jouletrace.ledger.Ledger;
import io.jouletrace.ledger.store.DuckDbStore;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** A test with a server on an ephemeral loopback port over a fresh embedded ledger, and a client for it. */
abstract class RunningServerTest {

  @TempDir
  Path dir;

  JouletraceServer server;
  TestHttp http;

  @BeforeEach
  void startServer() {
    server = JouletraceServer.start(Ledger.open(DuckDbStore.open(dir), null),
        new JouletraceServer.Config(0, "127.0.0.1", 64 * 1024, ServerTest.ADMIN, Catalog.DEFAULT_METHODOLOGY));
    http = new TestHttp(server.port());
  }

  @AfterEach
  void stopServer() {
    server.close();
  }
}
