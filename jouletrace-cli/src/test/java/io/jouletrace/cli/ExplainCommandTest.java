package io.jouletrace.cli;

import static io.jouletrace.cli.EstimateCommandTest.jouletrace;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.jouletrace.cli.EstimateCommandTest.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jouletrace explain ID} on the embedded ledger: text, JSON, a measured set, a missing id. */
class ExplainCommandTest {

  private static final Path SAMPLES = Path.of("..", "docs", "samples");

  @TempDir
  Path dir;

  private String data() {
    return dir.resolve("data").toString();
  }

  @Test
  void prints_every_step_as_text_and_json_and_a_missing_id_exits_1() throws IOException {
    Path calls = Files.writeString(dir.resolve("calls.jsonl"), LedgerCommandsTest.call(1, "mistralai", "open-mistral-7b", 300) + "\n");
    assertThat(jouletrace("ingest", "--data", data(), calls.toString()).exitCode()).isZero();

    Run text = jouletrace("explain", "call-1", "--data", data());
    assertThat(text.exitCode()).as(text.err()).isZero();
    assertThat(text.out()).contains("record call-1 (seq 1): mistralai/open-mistral-7b, chat, 300 output tokens",
        "ecologits-0.9.3 (own)", "request_latency_s = 2.5 s", "low.gpu_required_count = 1 GPUs", "output_tokens = 300 tokens", "high.pue = 1.16",
        "intensity_source: zone-annual", "recomputed: matches the stored figures");

    Run json = jouletrace("explain", "call-1", "--data", data(), "--json");
    assertThat(json.exitCode()).isZero();
    JsonNode own = json.json().get("figure_sets").get(0);
    assertThat(own.get("steps").findValuesAsText("name")).contains("output_tokens", "low.generation_latency_s", "energy_wh_high");
    assertThat(own.get("recomputed_matches_stored").asBoolean()).isTrue();

    Run missing = jouletrace("explain", "call-9", "--data", data());
    assertThat(missing.exitCode()).isEqualTo(1);
    assertThat(missing.err()).contains("no record with id call-9");
  }

  @Test
  void a_measured_figure_set_says_so_and_names_its_attribution_run() throws IOException {
    Run attributed = jouletrace("attribute", "--meters", SAMPLES.resolve("meters.csv").toString(), "--spans",
        SAMPLES.resolve("spans.jsonl").toString(), "--ingest", "--zone", "FRA", "--data", data());
    assertThat(attributed.exitCode()).as(attributed.err()).isZero();
    String run = attributed.out().replaceAll("(?s).*attribution run ([0-9a-f]{16}).*", "$1");

    JsonNode explanation = jouletrace("explain", "req-1", "--data", data(), "--json").json();
    JsonNode measured = explanation.get("figure_sets").get(1);
    assertThat(measured.get("kind").asText()).isEqualTo("measured");
    assertThat(measured.get("attribution_run").asText()).isEqualTo(run);
    assertThat(measured.get("note").asText()).startsWith("measured:").contains(run);
    assertThat(measured.get("run").get("spans").asLong()).isPositive();
    assertThat(measured.get("result").get("energy_wh_low").asDouble()).isPositive();
    assertThat(jouletrace("explain", "req-1", "--data", data()).out()).contains("measured-1 (measured)", "attribution run " + run);
  }
}
