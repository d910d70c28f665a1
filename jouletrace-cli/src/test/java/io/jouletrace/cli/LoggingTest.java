package io.jouletrace.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jouletrace.server.ApiKeys;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI's logging, in a real JVM with the application's classpath: one SLF4J provider, text or JSON lines on stderr. */
class LoggingTest {

  private static final String ADMIN = "logging-test-admin-key-0123456789abcdef";
  private static final Pattern SERVING = Pattern.compile("at http://127\\.0\\.0\\.1:(\\d+)/");

  @TempDir
  Path dir;

  /** The CLI in its own JVM; stderr goes to a file. */
  private Process jouletrace(Path stderr, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
        Main.class.getName()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectError(stderr.toFile());
    builder.environment().put(ApiKeys.ADMIN_KEY_ENV, ADMIN);
    return builder.start();
  }

  @Test
  void no_command_warns_about_slf4j_on_stderr() throws Exception {
    List<List<String>> commands = List.of(List.of("--help"),
        List.of("estimate", "--provider", "openai", "--model", "gpt-4o", "--output-tokens", "100"),
        List.of("report", "summary", "--data", dir.resolve("data").toString()));
    for (List<String> args : commands) {
      Path stderr = dir.resolve("stderr.txt");
      Process run = jouletrace(stderr, args.toArray(String[]::new));
      run.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
      assertThat(run.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(run.exitValue()).as("%s: %s", args, Files.readString(stderr)).isZero();
      assertThat(Files.readString(stderr)).as("%s", args).doesNotContain("SLF4J");
    }
  }

  @Test
  void serve_log_format_json_writes_one_json_object_per_line() throws Exception {
    Path stderr = dir.resolve("serve.err");
    // An upstream nobody listens on: a gateway call fails, which the server logs.
    Process serve = jouletrace(stderr, "serve", "--data", dir.resolve("data").toString(), "--port", "0", "--log-format", "json",
        "--upstream", "http://127.0.0.1:9/v1");
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(serve.getInputStream(), StandardCharsets.UTF_8));
      String port = null;
      for (String line = out.readLine(); line != null && port == null; line = out.readLine()) {
        Matcher serving = SERVING.matcher(line);
        if (serving.find()) port = serving.group(1);
      }
      assertThat(port).as("serve's address; stderr: %s", Files.readString(stderr)).isNotNull();
      HttpResponse<String> failed = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + port + "/v1/chat/completions")).header("Authorization", "Bearer " + ADMIN)
          .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"gpt-4o\",\"messages\":[]}")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(failed.statusCode()).isEqualTo(502);
    } finally {
      serve.destroy();
      serve.waitFor(30, TimeUnit.SECONDS);
    }
    List<String> lines = Files.readAllLines(stderr).stream().filter(l -> !l.isBlank()).toList();
    assertThat(lines).isNotEmpty();
    ObjectMapper json = new ObjectMapper();
    List<JsonNode> events = new ArrayList<>();
    for (String line : lines) events.add(json.readTree(line));
    assertThat(events).allSatisfy(e -> assertThat(e.has("time") && e.has("level") && e.has("logger") && e.has("message")).as("%s", e).isTrue());
    assertThat(events).anySatisfy(e -> {
      assertThat(e.get("level").asText()).isEqualTo("ERROR");
      assertThat(e.get("logger").asText()).isEqualTo("io.jouletrace.server.JouletraceServer");
      assertThat(e.get("message").asText()).startsWith("POST /v1/chat/completions answered 502");
      assertThat(e.get("exception").asText()).contains("ApiError");
    });
  }
}
