package io.jouletrace.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.jouletrace.catalog.Catalog;
import io.jouletrace.ledger.Ledger;
import io.jouletrace.ledger.store.DuckDbStore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server's "now" is its ledger's clock (the composition root's): record bounds and sign-in expiry follow it. */
class ServerClockTest {

  private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2030-01-01T00:00:00Z"));

  @TempDir
  Path dir;

  private JouletraceServer server;
  private TestHttp http;

  @BeforeEach
  void start() {
    server = JouletraceServer.start(Ledger.open(DuckDbStore.open(dir), null).useClock(now::get),
        new JouletraceServer.Config(0, "127.0.0.1", 64 * 1024, ServerTest.ADMIN, Catalog.DEFAULT_METHODOLOGY));
    http = new TestHttp(server.port());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void a_record_is_judged_against_the_clocks_now() throws Exception {
    String call = "\"provider\":\"openai\",\"model\":\"gpt-4o\",\"output_tokens\":300}";
    assertThat(http.send("POST", "/api/invocations", ServerTest.ADMIN, "[{\"id\":\"soon\",\"timestamp\":\"2030-01-01T00:30:00Z\"," + call + "]")
        .json().get("accepted").asInt()).as("half an hour ahead of the clock: within the skew").isEqualTo(1);
    TestHttp.Reply ahead = http.send("POST", "/api/invocations", ServerTest.ADMIN,
        "[{\"id\":\"later\",\"timestamp\":\"2030-01-01T02:00:00Z\"," + call + "]");
    assertThat(ahead.json().get("rejected")).as(ahead.body()).singleElement()
        .satisfies(rejected -> assertThat(rejected.get("field").asText()).isEqualTo("timestamp"));
  }

  @Test
  void a_sign_in_link_expires_by_the_clock() throws Exception {
    String link = http.send("POST", "/api/session/link", ServerTest.ADMIN, null).json().get("path").asText();
    now.set(now.get().plus(DashboardSessions.LINK_LIFETIME).plus(Duration.ofSeconds(1)));
    assertThat(http.get(link, null).status()).isEqualTo(401);
    String fresh = http.send("POST", "/api/session/link", ServerTest.ADMIN, null).json().get("path").asText();
    assertThat(http.get(fresh, null).status()).as("a link within its lifetime signs in").isEqualTo(303);
  }
}
