package io.jouletrace.cli;

import static io.jouletrace.cli.EstimateCommandTest.jouletrace;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jouletrace.cli.EstimateCommandTest.Run;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The deployment's intensity settings reach every surface that figures a call: CLI estimate, REST estimate, REST and file ingest. */
class DeploymentIntensityTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CALL = "\"provider\":\"openai\",\"model\":\"gpt-4o\",\"output_tokens\":300,\"latency_s\":2.5";

  @TempDir
  Path dir;

  @Test
  void one_configured_default_gives_the_same_carbon_on_every_surface() throws Exception {
    Path config = Files.writeString(dir.resolve("intensity.json"), "{\"regions\": {\"plant\": {\"FRA\": 3, \"DEU\": 1}}}");
    String[] deployment = {"--default-zone", "plant", "--intensity-config", config.toString()};
    String data = dir.resolve("data").toString();

    Run estimate = jouletrace(concat(List.of("estimate", "--provider", "openai", "--model", "gpt-4o", "--output-tokens", "300",
        "--latency", "2.5", "--json"), deployment));
    assertThat(estimate.exitCode()).as(estimate.err()).isZero();
    JsonNode cliCarbon = estimate.json().get("carbon");
    assertThat(cliCarbon.get("intensity_source").asText()).startsWith("deployment-default: custom region plant");

    Run unconfigured = jouletrace("estimate", "--provider", "openai", "--model", "gpt-4o", "--output-tokens", "300", "--latency", "2.5",
        "--json");
    assertThat(unconfigured.json().get("carbon").get("intensity_source").asText()).as("without settings EcoLogits' provider zone")
        .startsWith("provider-zone");

    Path file = Files.writeString(dir.resolve("calls.jsonl"), "{\"id\":\"from-file\",\"timestamp\":\"2026-11-02T10:00:00Z\"," + CALL + "}\n");
    Run ingest = jouletrace(concat(List.of("ingest", "--data", data, "--rejects", dir.resolve("rejects.txt").toString(), file.toString()),
        deployment));
    assertThat(ingest.exitCode()).as(ingest.err()).isZero();

    Run verify = jouletrace(concat(List.of("verify", "--data", data), deployment));
    assertThat(verify.out()).as("verified with the settings the records were figured with").contains("drift: 0");
    Run replay = jouletrace(concat(List.of("stream", "replay", "--records", file.toString(), "--json"), deployment));
    assertThat(replay.exitCode()).as(replay.err()).isZero();
    assertThat(replay.json().get("total_co2_grams").asDouble()).as("the stream topology").isEqualTo(cliCarbon.get("g").asDouble());

    CommandLine cli = Main.commandLine();
    StringWriter out = new StringWriter();
    cli.setOut(new PrintWriter(out));
    ServeCommand serve = (ServeCommand) cli.parseArgs(concat(List.of("serve", "--data", data, "--port", "0"), deployment))
        .subcommand().commandSpec().userObject();
    try (ServeCommand.Serving serving = serve.start()) {
      Matcher key = Pattern.compile("admin key \\(shown once; keep it\\): (\\S+)").matcher(out.toString());
      assertThat(key.find()).as(out.toString()).isTrue();
      String base = "http://127.0.0.1:" + serving.server().port();
      HttpClient http = HttpClient.newHttpClient();
      JsonNode restEstimate = JSON.readTree(send(http, base + "/api/energy/estimate", key.group(1), "{" + CALL + "}"));
      send(http, base + "/api/invocations", key.group(1), "[{\"id\":\"from-rest\",\"timestamp\":\"2026-11-02T10:00:00Z\"," + CALL + "}]");
      JsonNode restIngested = JSON.readTree(get(http, base + "/api/invocations/from-rest", key.group(1))).get("figures").get("carbon");
      JsonNode fileIngested = JSON.readTree(get(http, base + "/api/invocations/from-file", key.group(1))).get("figures").get("carbon");

      for (JsonNode carbon : List.of(restEstimate.get("carbon"), restIngested, fileIngested)) {
        assertThat(carbon.get("g_low").asDouble()).isEqualTo(cliCarbon.get("g_low").asDouble());
        assertThat(carbon.get("g_high").asDouble()).isEqualTo(cliCarbon.get("g_high").asDouble());
        assertThat(carbon.get("intensity_g_per_kwh").asDouble()).isEqualTo(cliCarbon.get("intensity_g_per_kwh").asDouble());
        assertThat(carbon.get("intensity_source").asText()).isEqualTo(cliCarbon.get("intensity_source").asText());
      }
    }
  }

  private static String[] concat(List<String> head, String[] tail) {
    return java.util.stream.Stream.concat(head.stream(), java.util.Arrays.stream(tail)).toArray(String[]::new);
  }

  private static String send(HttpClient http, String url, String key, String body) throws Exception {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + key)
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return response.body();
  }

  private static String get(HttpClient http, String url, String key) throws Exception {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + key).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return response.body();
  }
}
