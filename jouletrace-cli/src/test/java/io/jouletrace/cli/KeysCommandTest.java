package io.jouletrace.cli;

import static io.jouletrace.cli.EstimateCommandTest.jouletrace;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.jouletrace.catalog.Catalog;
import io.jouletrace.cli.EstimateCommandTest.Run;
import io.jouletrace.ledger.Ledger;
import io.jouletrace.ledger.store.DuckDbStore;
import io.jouletrace.ledger.store.PostgresServer;
import io.jouletrace.ledger.store.PostgresStore;
import io.jouletrace.server.JouletraceServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code keys create/list/revoke} through the command line, on a stopped embedded ledger and beside a running server. */
class KeysCommandTest {

  private static final String ADMIN = "keys-command-test-admin-key-0123456789";

  @RegisterExtension
  static final PostgresServer POSTGRES = new PostgresServer();

  @TempDir
  Path dir;

  private static int status(JouletraceServer server, String key) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/api/energy/summary"))
        .header("Authorization", "Bearer " + key).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private static JsonNode listed(String... ledger) throws Exception {
    String[] args = new String[ledger.length + 3];
    args[0] = "keys";
    args[1] = "list";
    args[2] = "--json";
    System.arraycopy(ledger, 0, args, 3, ledger.length);
    Run list = jouletrace(args);
    assertThat(list.exitCode()).as(list.err()).isZero();
    return list.json().get("keys");
  }

  @Test
  void keys_are_listed_and_revoked_on_a_stopped_ledger_and_the_server_refuses_a_revoked_one() throws Exception {
    String data = dir.resolve("data").toString();
    Run made = jouletrace("keys", "create", "--tenant", "acme", "--team", "search", "--cost-center", "cc-7", "--label", "search", "--data", data);
    assertThat(made.exitCode()).as(made.err()).isZero();
    String key = made.out().strip();
    String kept = jouletrace("keys", "create", "--tenant", "acme", "--data", data).out().strip();
    assertThat(jouletrace("keys", "create", "--admin", "--team", "x", "--data", data).exitCode()).as("a binding needs a tenant").isNotZero();

    JsonNode keys = listed("--data", data);
    assertThat(keys).hasSize(2);
    JsonNode first = keys.get(0);
    assertThat(first.get("id").asText()).matches("[0-9a-f]{12}");
    assertThat(first.get("tenant").asText()).isEqualTo("acme");
    assertThat(first.get("team").asText()).isEqualTo("search");
    assertThat(first.get("cost_center").asText()).isEqualTo("cc-7");
    assertThat(first.get("revoked_at").isNull()).isTrue();
    Run table = jouletrace("keys", "list", "--data", data);
    assertThat(table.out()).contains("ID").contains(first.get("id").asText()).contains("search").doesNotContain(key);

    Run revoked = jouletrace("keys", "revoke", first.get("id").asText(), "--data", data);
    assertThat(revoked.exitCode()).as(revoked.err()).isZero();
    assertThat(revoked.out()).startsWith("revoked " + first.get("id").asText());
    assertThat(listed("--data", data).get(0).get("revoked_at").asText()).isNotEmpty();
    assertThat(jouletrace("keys", "revoke", "0123456789ab", "--data", data).exitCode()).isEqualTo(4);

    try (JouletraceServer server = JouletraceServer.start(Ledger.open(DuckDbStore.open(Path.of(data)), null),
        new JouletraceServer.Config(0, "127.0.0.1", 64 * 1024, ADMIN, Catalog.DEFAULT_METHODOLOGY))) {
      assertThat(status(server, key)).isEqualTo(401);
      assertThat(status(server, kept)).isEqualTo(200);
    }
  }

  @Test
  void a_key_revoked_by_the_cli_is_refused_by_a_running_server_on_postgresql_within_a_second() throws Exception {
    String url = POSTGRES.newDatabase();
    try (JouletraceServer server = JouletraceServer.start(Ledger.open(PostgresStore.open(url), null),
        new JouletraceServer.Config(0, "127.0.0.1", 64 * 1024, ADMIN, Catalog.DEFAULT_METHODOLOGY))) {
      String key = jouletrace("keys", "create", "--tenant", "acme", "--store", url).out().strip();
      assertThat(status(server, key)).isEqualTo(200);
      String id = listed("--store", url).get(0).get("id").asText();
      assertThat(jouletrace("keys", "revoke", id, "--store", url).exitCode()).isZero();
      // The server re-checks a key at most a second after it last did; the deadline leaves room for a slow machine.
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (status(server, key) == 200 && System.nanoTime() < deadline) Thread.sleep(50);
      assertThat(status(server, key)).isEqualTo(401);
    }
  }
}
