package io.jouletrace.cli;

import static io.jouletrace.cli.EstimateCommandTest.jouletrace;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jouletrace.cli.EstimateCommandTest.Run;
import io.jouletrace.server.StubChatUpstream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
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

  /**
   * Issue 20's acceptance test: with a stored intensity series in force, one call sent through every surface — CLI estimate,
   * REST estimate, the gateway, REST ingest, OTLP, file ingest, stream replay — gets one energy and one carbon figure. Before the
   * composition root, the REST estimate ignored the stored series the gateway used (two carbon figures from one server), and
   * neither estimate nor stream replay could see them.
   */
  @Test
  void with_stored_signals_one_call_gets_one_figure_on_every_surface() throws Exception {
    String[] deployment = {"--default-zone", "FRA"};
    String data = dir.resolve("data").toString();
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    Instant series = now.truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(1)); // in force now and for two hours more
    Path signals = Files.writeString(dir.resolve("fra.csv"), "zone,timestamp,g_per_kwh\nFRA," + series + ",42.5\n");
    Run stored = jouletrace("signals", "ingest", "--data", data, signals.toString());
    assertThat(stored.exitCode()).as(stored.err()).isZero();
    String call = "\"provider\":\"openai\",\"model\":\"gpt-4o\",\"input_tokens\":20,\"output_tokens\":300,\"latency_s\":2.5";
    Path file = Files.writeString(dir.resolve("calls.jsonl"), "{\"id\":\"from-file\",\"timestamp\":\"" + now + "\"," + call + "}\n");
    Run ingest = jouletrace(concat(List.of("ingest", "--data", data, "--rejects", dir.resolve("rejects.txt").toString(), file.toString()),
        deployment));
    assertThat(ingest.exitCode()).as(ingest.err()).isZero();

    JsonNode cli = estimate(data, deployment, "20", "300", "2.5");
    assertThat(cli.get("carbon").get("intensity_g_per_kwh").asDouble()).as("the stored series, in force now").isEqualTo(42.5);
    Run replay = jouletrace(concat(List.of("stream", "replay", "--data", data, "--records", file.toString(), "--json"), deployment));
    assertThat(replay.exitCode()).as(replay.err()).isZero();
    assertThat(replay.json().get("total_co2_grams").asDouble()).as("stream replay").isEqualTo(cli.get("carbon").get("g").asDouble());

    JsonNode gatewayRecord;
    try (StubChatUpstream upstream = new StubChatUpstream()) {
      CommandLine cliLine = Main.commandLine();
      StringWriter out = new StringWriter();
      cliLine.setOut(new PrintWriter(out));
      ServeCommand serve = (ServeCommand) cliLine.parseArgs(concat(List.of("serve", "--data", data, "--port", "0", "--upstream",
          upstream.gateway().upstreams().getFirst().baseUrl().toString()), deployment)).subcommand().commandSpec().userObject();
      try (ServeCommand.Serving serving = serve.start()) {
        Matcher admin = Pattern.compile("admin key \\(shown once; keep it\\): (\\S+)").matcher(out.toString());
        assertThat(admin.find()).as(out.toString()).isTrue();
        String key = admin.group(1);
        String base = "http://127.0.0.1:" + serving.server().port();
        HttpClient http = HttpClient.newHttpClient();

        JsonNode restEstimate = JSON.readTree(send(http, base + "/api/energy/estimate", key, "{" + call + "}"));
        assertSameEco(restEstimate, cli, "REST estimate");

        send(http, base + "/api/invocations", key, "[{\"id\":\"from-rest\",\"timestamp\":\"" + now + "\"," + call + "}]");
        long start = now.toEpochMilli() * 1_000_000;
        send(http, base + "/v1/traces", key, "{\"resourceSpans\":[{\"resource\":{\"attributes\":[]},\"scopeSpans\":[{\"spans\":[{"
            + "\"traceId\":\"5b8efff798038103d269b633813fc60c\",\"spanId\":\"eee19b7ec3c1b174\",\"name\":\"chat\",\"kind\":3,"
            + "\"startTimeUnixNano\":\"" + start + "\",\"endTimeUnixNano\":\"" + (start + 2_500_000_000L) + "\",\"attributes\":["
            + attribute("gen_ai.operation.name", "\"chat\"") + "," + attribute("gen_ai.system", "\"openai\"") + ","
            + attribute("gen_ai.request.model", "\"gpt-4o\"") + "," + attribute("gen_ai.response.model", "\"gpt-4o\"") + ","
            + "{\"key\":\"gen_ai.usage.input_tokens\",\"value\":{\"intValue\":20}},"
            + "{\"key\":\"gen_ai.usage.output_tokens\",\"value\":{\"intValue\":300}}]}]}]}]}");
        for (String id : List.of("from-file", "from-rest", "5b8efff798038103d269b633813fc60c:eee19b7ec3c1b174")) {
          assertSameFigures(figures(http, base, key, id), cli, id);
        }

        HttpResponse<String> chat = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/chat/completions"))
            .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
            .header("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
            .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
            .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(chat.statusCode()).as(chat.body()).isEqualTo(200);
        JsonNode gatewayEco = JSON.readTree(chat.body()).get("eco");
        gatewayRecord = awaitTraceCall(http, base, key, "0af7651916cd43dd8448eb211c80319c");
        assertThat(gatewayEco.get("carbon").get("g").asDouble()).as("the gateway's answer and its record")
            .isEqualTo(gatewayRecord.get("figures").get("carbon").get("g").asDouble());
        assertThat(gatewayEco.get("carbon").get("intensity_source").asText()).isEqualTo(cli.get("carbon").get("intensity_source").asText());
      }
    }
    // The gateway measured its own latency and took the stand-in's usage: the CLI figures that same call alike.
    JsonNode recorded = gatewayRecord.get("record");
    JsonNode gatewayCall = estimate(data, deployment, recorded.get("input_tokens").asText(), recorded.get("output_tokens").asText(),
        recorded.get("latency_s").asText());
    assertSameFigures(gatewayRecord.get("figures"), gatewayCall, "gateway");
    Run verify = jouletrace(concat(List.of("verify", "--data", data), deployment));
    assertThat(verify.out()).as(verify.out() + verify.err()).contains("drift: 0");
  }

  /** The CLI estimate of an openai gpt-4o call with the ledger's stored series. */
  private JsonNode estimate(String data, String[] deployment, String inputTokens, String outputTokens, String latency)
      throws java.io.IOException {
    Run run = jouletrace(concat(List.of("estimate", "--data", data, "--provider", "openai", "--model", "gpt-4o", "--input-tokens", inputTokens,
        "--output-tokens", outputTokens, "--latency", latency, "--json"), deployment));
    assertThat(run.exitCode()).as(run.err()).isZero();
    return run.json();
  }

  private static void assertSameEco(JsonNode block, JsonNode expected, String surface) {
    for (String quantity : List.of("energy", "carbon")) {
      assertThat(block.get(quantity)).as(surface + " " + quantity).isEqualTo(expected.get(quantity));
    }
  }

  /** A record view's figures against an eco block: carbon in grams in both; energy in Wh, scaled from the same joules. */
  private static void assertSameFigures(JsonNode figures, JsonNode eco, String surface) {
    for (String field : List.of("g", "g_low", "g_high", "intensity_g_per_kwh")) {
      assertThat(figures.get("carbon").get(field).asDouble()).as(surface + " carbon " + field).isEqualTo(eco.get("carbon").get(field).asDouble());
    }
    assertThat(figures.get("carbon").get("intensity_source").asText()).as(surface).isEqualTo(eco.get("carbon").get("intensity_source").asText());
    for (String field : List.of("wh", "wh_low", "wh_high")) {
      assertThat(figures.get("energy").get(field).asDouble()).as(surface + " energy " + field)
          .isCloseTo(eco.get("energy").get(field).asDouble(), org.assertj.core.data.Percentage.withPercentage(1e-12));
    }
  }

  private static JsonNode figures(HttpClient http, String base, String key, String id) throws Exception {
    return JSON.readTree(get(http, base + "/api/invocations/" + id, key)).get("figures");
  }

  /** The record view of the one call with {@code traceId}, once the gateway's recorder has stored it. */
  private static JsonNode awaitTraceCall(HttpClient http, String base, String key, String traceId) throws Exception {
    for (int attempt = 0; ; attempt++) {
      HttpResponse<String> trace = http.send(HttpRequest.newBuilder(URI.create(base + "/api/reports/trace/" + traceId))
          .header("Authorization", "Bearer " + key).GET().build(), HttpResponse.BodyHandlers.ofString());
      if (trace.statusCode() == 200) {
        String id = JSON.readTree(trace.body()).get("calls").get(0).get("id").asText();
        return JSON.readTree(get(http, base + "/api/invocations/" + id, key));
      }
      assertThat(attempt).as("the gateway's call is recorded (" + trace.body() + ")").isLessThan(100);
      Thread.sleep(100);
    }
  }

  private static String attribute(String key, String json) {
    return "{\"key\":\"" + key + "\",\"value\":{\"stringValue\":" + json + "}}";
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
