package io.jouletrace.cli;

import static io.jouletrace.cli.EstimateCommandTest.jouletrace;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jouletrace.cli.EstimateCommandTest.Run;
import io.jouletrace.ledger.store.PostgresServer;
import io.jouletrace.server.ApiKeys;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The CLI beside a running {@code serve} on the embedded ledger (which DuckDB lets one process open): commands the API
 * covers go through it with the admin key from the environment; without the key, and for other commands, one line says
 * so with exit status 5.
 */
class BesideServeTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern ADMIN_KEY = Pattern.compile("admin key \\(shown once; keep it\\): (\\S+)");

  @RegisterExtension
  static final PostgresServer POSTGRES = new PostgresServer();

  @TempDir
  Path dir;

  /** {@code serve} started in this JVM, as its command line starts it; its printout names the admin key it made. */
  private static ServeCommand.Serving serve(StringWriter out, String... args) throws IOException {
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out));
    List<String> command = new ArrayList<>(List.of("serve", "--port", "0"));
    command.addAll(List.of(args));
    return ((ServeCommand) cli.parseArgs(command.toArray(String[]::new)).subcommand().commandSpec().userObject()).start();
  }

  /** The CLI in its own JVM with {@code JOULETRACE_ADMIN_KEY} set, as a user runs it beside the server. */
  private static Run forked(String adminKey, Path workDir, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
        Main.class.getName()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectError(workDir.resolve("stderr.txt").toFile());
    builder.environment().put(ApiKeys.ADMIN_KEY_ENV, adminKey);
    Process process = builder.start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Run(process.exitValue(), out, Files.readString(workDir.resolve("stderr.txt")));
  }

  private static String call(String id, int outputTokens) {
    return "{\"id\":\"" + id + "\",\"timestamp\":\"2026-11-03T10:00:00Z\",\"provider\":\"openai\",\"model\":\"gpt-4o\",\"output_tokens\":"
        + outputTokens + "}";
  }

  @Test
  void ingest_keys_verify_and_report_go_through_a_running_serve_and_print_what_they_print_locally() throws Exception {
    Path data = dir.resolve("data");
    Path calls = Files.writeString(dir.resolve("calls.jsonl"), call("c1", 300) + "\n" + call("c2", 200) + "\n" + call("c3", -3) + "\n");
    Path rejects = dir.resolve("rejects.txt");
    JsonNode throughServer;
    JsonNode head;
    String focus;
    StringWriter printed = new StringWriter();
    try (ServeCommand.Serving serving = serve(printed, "--data", data.toString())) {
      Matcher admin = ADMIN_KEY.matcher(printed.toString());
      assertThat(admin.find()).as(printed.toString()).isTrue();
      String key = admin.group(1);
      String url = "http://127.0.0.1:" + serving.server().port() + "/";
      assertThat(JSON.readTree(data.resolve(ServeLock.FILE_NAME).toFile()).get("url").asText()).isEqualTo(url);

      Run ingest = forked(key, dir, "ingest", "--data", data.toString(), "--rejects", rejects.toString(), "--batch-size", "1", calls.toString());
      assertThat(ingest.exitCode()).as(ingest.err()).isEqualTo(3);
      assertThat(ingest.out()).contains("accepted 2, duplicates skipped 0, rejected 1 (see " + rejects + ")")
          .containsPattern("ledger head: seq \\d+, hash [0-9a-f]{64}");
      assertThat(Files.readString(rejects)).startsWith(calls + ":3: output_tokens: ");
      Run again = forked(key, dir, "ingest", "--data", data.toString(), "--rejects", rejects.toString(), calls.toString());
      assertThat(again.out()).contains("accepted 0, duplicates skipped 2, rejected 1");

      Run keys = forked(key, dir, "keys", "list", "--data", data.toString());
      assertThat(keys.exitCode()).as(keys.err()).isZero();
      assertThat(keys.out()).startsWith("ID ").contains(" admin ");

      Run verify = forked(key, dir, "verify", "--data", data.toString());
      assertThat(verify.exitCode()).as(verify.err()).isZero();
      assertThat(verify.out()).contains("records checked: 2\nchain: intact\n").contains("drift: 0\n");

      Run summary = forked(key, dir, "report", "summary", "--json", "--data", data.toString());
      assertThat(summary.exitCode()).as(summary.err()).isZero();
      throughServer = summary.json();
      assertThat(throughServer.path("total_calls").asLong()).isEqualTo(2);

      Run created = forked(key, dir, "keys", "create", "--tenant", "acme", "--label", "beside", "--data", data.toString());
      assertThat(created.exitCode()).as(created.err()).isZero();
      assertThat(created.out().strip()).hasSizeGreaterThanOrEqualTo(32);
      head = forked(key, dir, "head", "--json", "--data", data.toString()).json();
      focus = forked(key, dir, "export", "focus", "--data", data.toString()).out();

      assumeTrue(System.getenv(ApiKeys.ADMIN_KEY_ENV) == null, "the no-key checks need JOULETRACE_ADMIN_KEY unset in the test's JVM");
      Run noKey = jouletrace("keys", "list", "--data", data.toString());
      assertThat(noKey.exitCode()).isEqualTo(LedgerHeldException.EXIT_CODE);
      assertThat(noKey.err()).hasLineCount(1).contains("the ledger " + data + " is held by `jouletrace serve` at " + url + " (pid "
          + ProcessHandle.current().pid() + "); set JOULETRACE_ADMIN_KEY to go through it, or stop it");
      Run notCovered = forked(key, dir, "budget", "list", "--data", data.toString());
      assertThat(notCovered.exitCode()).isEqualTo(LedgerHeldException.EXIT_CODE);
      assertThat(notCovered.err()).hasLineCount(1).contains("is held by `jouletrace serve` at " + url)
          .contains("this command cannot go through its API: stop the server first");
    }
    assertThat(data.resolve(ServeLock.FILE_NAME)).as("removed when serve stops").doesNotExist();
    Run local = jouletrace("report", "summary", "--json", "--data", data.toString());
    assertThat(local.json()).as("the same report as the server answered").isEqualTo(throughServer);
    JsonNode localHead = jouletrace("head", "--json", "--data", data.toString()).json();
    assertThat(head.get("seq")).isEqualTo(localHead.get("seq"));
    assertThat(head.get("hash")).isEqualTo(localHead.get("hash"));
    assertThat(focus).as("the same FOCUS rows").isEqualTo(jouletrace("export", "focus", "--data", data.toString()).out()).contains("gpt-4o");
    assertThat(jouletrace("keys", "list", "--data", data.toString()).out()).contains("acme").contains("beside");
  }

  @Test
  void ingest_through_the_server_posts_batches_under_its_body_limit() throws Exception {
    Path data = dir.resolve("data");
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < 40; i++) lines.append(call("b" + i, 100 + i)).append('\n');
    Path calls = Files.writeString(dir.resolve("calls.jsonl"), lines);
    StringWriter printed = new StringWriter();
    // About 4,000 bytes of records, a 1,500-byte limit (a batch leaves 1 KiB of room): about ten requests, none refused.
    try (ServeCommand.Serving ignored = serve(printed, "--data", data.toString(), "--max-body", "1500")) {
      Matcher admin = ADMIN_KEY.matcher(printed.toString());
      assertThat(admin.find()).as(printed.toString()).isTrue();
      Run ingest = forked(admin.group(1), dir, "ingest", "--data", data.toString(), calls.toString());
      assertThat(ingest.exitCode()).as(ingest.out() + ingest.err()).isZero();
      assertThat(ingest.out()).contains("accepted 40, duplicates skipped 0, rejected 0");
    }
  }

  @Test
  void a_stale_lock_file_is_ignored() throws Exception {
    Path data = Files.createDirectories(dir.resolve("data"));
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    Process finished = new ProcessBuilder("true").start();
    finished.waitFor();
    StringWriter printed = new StringWriter();
    try (ServeCommand.Serving other = serve(printed, "--data", dir.resolve("other").toString())) {
      String answering = "http://127.0.0.1:" + other.server().port() + "/";
      // A server that died without removing its file: its URL no longer answers, or its pid is gone.
      for (String lock : List.of("{\"url\":\"http://127.0.0.1:" + closedPort + "/\",\"pid\":" + ProcessHandle.current().pid() + "}",
          "{\"url\":\"" + answering + "\",\"pid\":" + finished.pid() + "}")) {
        Files.writeString(data.resolve(ServeLock.FILE_NAME), lock);
        Run list = jouletrace("keys", "list", "--data", data.toString());
        assertThat(list.exitCode()).as(lock + ": " + list.err()).isZero();
        assertThat(list.out()).startsWith("no keys");
      }
    }
  }

  @Test
  void a_ledger_open_in_another_process_without_a_lock_file_fails_with_one_line() throws Exception {
    Path data = dir.resolve("data");
    List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "--enable-native-access=ALL-UNNAMED",
        "-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")), Main.class.getName(), "serve", "--port",
        "0", "--data", data.toString());
    Process serve = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(serve.getInputStream(), StandardCharsets.UTF_8));
      for (String line = out.readLine(); line != null && !line.startsWith("jouletrace serving"); line = out.readLine()) {
        // the admin key line and the rest come before it
      }
      assertThat(data.resolve(ServeLock.FILE_NAME)).as("written by serve").exists();
      Files.delete(data.resolve(ServeLock.FILE_NAME)); // as from a serve that predates the lock file
      Run held = jouletrace("keys", "list", "--data", data.toString());
      assertThat(held.exitCode()).isEqualTo(LedgerHeldException.EXIT_CODE);
      assertThat(held.err()).hasLineCount(1).contains("the ledger " + data + " is open in another process (DuckDB: could not set lock on file)");
    } finally {
      serve.destroy();
      serve.waitFor(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void a_postgresql_ledger_takes_other_commands_beside_serve_directly() throws Exception {
    String url = POSTGRES.newDatabase();
    Path data = dir.resolve("data");
    try (ServeCommand.Serving ignored = serve(new StringWriter(), "--store", url, "--data", data.toString())) {
      assertThat(data.resolve(ServeLock.FILE_NAME)).as("several connections work: nothing to go through").doesNotExist();
      Run keys = jouletrace("keys", "list", "--store", url, "--data", data.toString());
      assertThat(keys.exitCode()).as(keys.err()).isZero();
      assertThat(keys.out()).contains(" admin ");
    }
  }
}
