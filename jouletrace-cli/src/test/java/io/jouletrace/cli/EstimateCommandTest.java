package io.jouletrace.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jouletrace.catalog.SharedData;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code jouletrace estimate}, run in process exactly as the launcher runs it: flags, JSON contract, exit codes. */
class EstimateCommandTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;

  record Run(int exitCode, String out, String err) {
    JsonNode json() throws IOException {
      return JSON.readTree(out);
    }

    List<JsonNode> jsonLines() throws IOException {
      List<JsonNode> lines = new ArrayList<>();
      for (String line : out.strip().split("\n")) lines.add(JSON.readTree(line));
      return lines;
    }
  }

  static Run jouletrace(String... args) {
    CommandLine cli = Main.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int exit = cli.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  void json_eco_block_has_exactly_the_contract_names() throws IOException {
    Run run = jouletrace("estimate", "--provider", "mistralai", "--model", "open-mistral-7b", "--output-tokens", "100", "--json");
    assertThat(run.exitCode()).isZero();
    JsonNode block = run.json();
    assertThat(names(block)).containsExactly("methodology_version", "model", "energy", "carbon", "embodied_carbon", "water",
        "energy_score", "null_reasons", "warnings");
    assertThat(names(block.get("model")))
        .containsExactly("provider", "requested", "served", "resolved", "active_params_b", "total_params_b", "source", "band");
    assertThat(names(block.get("model").get("active_params_b"))).containsExactly("low", "high");
    assertThat(names(block.get("energy"))).containsExactly("wh", "wh_low", "wh_high", "tier", "band", "method");
    assertThat(names(block.get("carbon")))
        .containsExactly("g", "g_low", "g_high", "tier", "band", "method", "intensity_g_per_kwh", "intensity_source", "zone");
    assertThat(names(block.get("embodied_carbon"))).containsExactly("g", "g_low", "g_high", "tier", "band", "method");
    assertThat(names(block.get("water"))).containsExactly("l", "l_low", "l_high", "tier", "band", "method");

    assertThat(block.get("methodology_version").asText()).isEqualTo("ecologits-0.9.3");
    JsonNode energy = block.get("energy");
    assertThat(energy.get("wh").asDouble()).isEqualTo((energy.get("wh_low").asDouble() + energy.get("wh_high").asDouble()) / 2);
    assertThat(energy.get("tier").asText()).isEqualTo("modelled");
    // EcoLogits places Mistral's datacenters in Sweden: the zone default follows the methodology.
    assertThat(block.get("carbon").get("zone").asText()).isEqualTo("SWE");
    assertThat(block.get("carbon").get("intensity_source").asText()).isEqualTo("provider-zone: ecologits-0.9.3 electricity mix SWE");
  }

  @Test
  void batch_reproduces_ecologits_own_outputs_for_every_0_9_1_case_it_lists() throws IOException {
    List<JsonNode> cases = new ArrayList<>();
    StringBuilder batch = new StringBuilder();
    for (String line : Files.readAllLines(SharedData.path("reference/ecologits/vectors-0.9.1.jsonl"))) {
      JsonNode vector = JSON.readTree(line);
      boolean figured = vector.get("outputs") != null && !vector.get("outputs").isNull();
      if (!vector.get("function").asText().endsWith("llm_impacts") || vector.get("function").asText().contains("compute") || !figured) continue;
      JsonNode in = vector.get("inputs");
      var request = JSON.createObjectNode().put("provider", in.get("provider").asText()).put("model", in.get("model_name").asText())
          .put("output_tokens", in.get("output_token_count").asLong()).put("methodology", "ecologits-0.9.1");
      if (!in.path("request_latency_s").isNull() && in.has("request_latency_s")) request.put("latency_s", in.get("request_latency_s").asDouble());
      if (!in.path("electricity_mix_zone").isNull() && in.has("electricity_mix_zone")) request.put("zone", in.get("electricity_mix_zone").asText());
      batch.append(request).append('\n');
      cases.add(vector);
    }
    assertThat(cases).hasSizeGreaterThan(50);
    Path file = Files.writeString(dir.resolve("vectors.jsonl"), batch);

    Run run = jouletrace("estimate", "--batch", file.toString());
    assertThat(run.exitCode()).isZero();
    List<JsonNode> blocks = run.jsonLines();
    assertThat(blocks).hasSameSizeAs(cases);
    for (int i = 0; i < cases.size(); i++) {
      JsonNode usage = cases.get(i).get("outputs").get("usage");
      JsonNode block = blocks.get(i);
      String id = cases.get(i).get("case_id").asText();
      assertClose(id + " wh_low", block.get("energy").get("wh_low").asDouble(), usage.get("energy_kwh").get("min").asDouble() * 1000);
      assertClose(id + " wh_high", block.get("energy").get("wh_high").asDouble(), usage.get("energy_kwh").get("max").asDouble() * 1000);
      assertClose(id + " g_low", block.get("carbon").get("g_low").asDouble(), usage.get("gwp_kgco2eq").get("min").asDouble() * 1000);
      assertClose(id + " g_high", block.get("carbon").get("g_high").asDouble(), usage.get("gwp_kgco2eq").get("max").asDouble() * 1000);
    }
  }

  @Test
  void batch_reports_each_bad_line_by_number_and_field_and_keeps_going() throws IOException {
    Path file = Files.writeString(dir.resolve("calls.jsonl"), String.join("\n",
        "{\"provider\":\"mistralai\",\"model\":\"open-mistral-7b\",\"output_tokens\":100}",
        "{\"provider\":\"mistralai\",\"model\":\"open-mistral-7b\",\"output_tokens\":-4}",
        "not json",
        "",
        "{\"provider\":\"openai\",\"model\":\"gpt-4o\",\"output_tokens\":50,\"methodology\":\"ecologits-9.9\"}",
        "{\"provider\":\"openai\",\"model\":\"gpt-4o\",\"output_tokens\":50,\"zone\":\"FRA\"}") + "\n");
    Run run = jouletrace("estimate", "--batch", file.toString());
    assertThat(run.exitCode()).isEqualTo(EstimateCommand.EXIT_BAD_LINES);
    List<JsonNode> lines = run.jsonLines();
    assertThat(lines).hasSize(5);
    assertThat(lines.get(0).get("energy").get("wh").asDouble()).isPositive();
    assertError(lines.get(1), file, 2, "output_tokens");
    assertError(lines.get(2), file, 3, "");
    assertError(lines.get(3), file, 5, "methodology");
    assertThat(lines.get(4).get("carbon").get("zone").asText()).isEqualTo("FRA");
  }

  @Test
  void an_unknown_model_exits_zero_with_null_figures_and_the_reason() throws IOException {
    Run run = jouletrace("estimate", "--provider", "openai", "--model", "gpt-unknown-2099", "--output-tokens", "100", "--json");
    assertThat(run.exitCode()).isZero();
    JsonNode block = run.json();
    for (String field : List.of("energy", "carbon", "embodied_carbon", "water")) assertThat(block.get(field).isNull()).as(field).isTrue();
    assertThat(block.get("null_reasons").findValuesAsText("code")).containsOnly("model-not-registered");
    assertThat(block.get("null_reasons").findValuesAsText("field")).containsExactly("energy", "carbon", "embodied_carbon", "water", "energy_score");
  }

  @Test
  void a_malformed_flag_exits_2_naming_the_flag() {
    Run notANumber = jouletrace("estimate", "--provider", "openai", "--model", "gpt-4o", "--output-tokens", "many");
    assertThat(notANumber.exitCode()).isEqualTo(2);
    assertThat(notANumber.err()).contains("--output-tokens");

    Run negative = jouletrace("estimate", "--provider", "openai", "--model", "gpt-4o", "--output-tokens", "10", "--latency", "-1");
    assertThat(negative.exitCode()).isEqualTo(2);
    assertThat(negative.err()).contains("--latency");

    Run unknownVersion = jouletrace("estimate", "--provider", "openai", "--model", "gpt-4o", "--output-tokens", "10", "--methodology", "nope-1");
    assertThat(unknownVersion.exitCode()).isEqualTo(2);
    assertThat(unknownVersion.err()).contains("--methodology");

    Run twoPlaces = jouletrace("estimate", "--provider", "openai", "--model", "gpt-4o", "--output-tokens", "10", "--zone", "FRA", "--region", "us-east");
    assertThat(twoPlaces.exitCode()).isEqualTo(2);
  }

  @Test
  void rates_reproduce_the_compatibility_anchor() throws IOException {
    // 1,500 tokens at 0.001 Wh per 1K tokens is 0.0015 Wh; at 380 g/kWh that is 0.00057 g.
    Run run = jouletrace("estimate", "--methodology", "rates", "--provider", "openai", "--model", "any-model",
        "--input-tokens", "1000", "--output-tokens", "500", "--intensity", "380", "--json");
    JsonNode block = run.json();
    assertThat(block.get("energy").get("wh").asDouble()).isCloseTo(0.0015, within(1e-15));
    assertThat(block.get("carbon").get("g").asDouble()).isCloseTo(0.00057, within(1e-15));
    assertThat(block.get("carbon").get("intensity_source").asText()).isEqualTo("explicit");
    assertThat(block.get("energy").get("tier").asText()).isEqualTo("estimated");
  }

  @Test
  void a_user_rates_file_overrides_the_default_rate() throws IOException {
    Path rates = Files.writeString(dir.resolve("rates.csv"), "model,wh_per_1k_tokens\nmy-model,0.25\n*,0.002\n");
    Run mine = jouletrace("estimate", "--methodology", "rates", "--rates", rates.toString(), "--provider", "openai",
        "--model", "my-model", "--output-tokens", "2000", "--json");
    assertThat(mine.json().get("energy").get("wh").asDouble()).isCloseTo(0.5, within(1e-12));
    Run other = jouletrace("estimate", "--methodology", "rates", "--rates", rates.toString(), "--provider", "openai",
        "--model", "other", "--output-tokens", "2000", "--json");
    assertThat(other.json().get("energy").get("wh").asDouble()).isCloseTo(0.004, within(1e-12));
  }

  @Test
  void a_quoted_cell_in_a_user_rates_file_may_hold_commas_and_line_breaks_and_errors_name_the_row_line() throws IOException {
    Path rates = Files.writeString(dir.resolve("rates.csv"),
        "model,wh_per_1k_tokens\n\"my-model, long context\",0.25\n\"a model named\non two lines\",0.1\n*,0.002\n");
    Run mine = jouletrace("estimate", "--methodology", "rates", "--rates", rates.toString(), "--provider", "openai",
        "--model", "my-model, long context", "--output-tokens", "2000", "--json");
    assertThat(mine.exitCode()).as(mine.err()).isZero();
    assertThat(mine.json().get("energy").get("wh").asDouble()).isCloseTo(0.5, within(1e-12));

    Files.writeString(rates, "\n*,oops\n", java.nio.file.StandardOpenOption.APPEND);
    Run bad = jouletrace("estimate", "--methodology", "rates", "--rates", rates.toString(), "--provider", "openai",
        "--model", "other", "--output-tokens", "2000", "--json");
    assertThat(bad.exitCode()).isNotZero();
    assertThat(bad.err()).contains(rates + ":7: field 'wh_per_1k_tokens': not a number: `oops`");
  }

  @Test
  void an_embedding_call_no_method_covers_is_null_with_operation_not_modelled() throws IOException {
    Run run = jouletrace("estimate", "--provider", "openai", "--model", "text-embedding-3-large", "--output-tokens", "0",
        "--input-tokens", "800", "--operation", "embeddings", "--json");
    assertThat(run.exitCode()).isZero();
    JsonNode block = run.json();
    assertThat(block.get("energy").isNull()).isTrue();
    assertThat(block.get("null_reasons").get(0).get("code").asText()).isEqualTo("operation-not-modelled");
  }

  @Test
  void human_readable_output_rounds_by_band_and_names_tier_and_source() {
    Run run = jouletrace("estimate", "--provider", "mistralai", "--model", "open-mistral-7b", "--output-tokens", "100");
    assertThat(run.exitCode()).isZero();
    // 0.0085378… Wh, accurate: three significant figures.
    assertThat(run.out()).contains("0.00854 Wh", "modelled, accurate", "provider-zone", "ecologits-0.9.3");
  }

  private static void assertError(JsonNode line, Path file, int lineNumber, String field) {
    JsonNode error = line.get("error");
    assertThat(error).as("line %d is an error object", lineNumber).isNotNull();
    assertThat(error.get("file").asText()).isEqualTo(file.toString());
    assertThat(error.get("line").asInt()).isEqualTo(lineNumber);
    assertThat(error.get("field").asText()).isEqualTo(field);
    assertThat(error.get("message").asText()).startsWith(file + ":" + lineNumber + ": ");
  }

  private static List<String> names(JsonNode object) {
    List<String> names = new ArrayList<>();
    for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) names.add(it.next());
    return names;
  }

  private static void assertClose(String what, double actual, double expected) {
    assertThat(actual).as(what).isCloseTo(expected, within(1e-9 * Math.abs(expected)));
  }
}
