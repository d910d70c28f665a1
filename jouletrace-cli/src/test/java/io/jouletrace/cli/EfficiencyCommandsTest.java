package io.jouletrace.cli;

import static io.jouletrace.cli.EstimateCommandTest.jouletrace;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.jouletrace.cli.EstimateCommandTest.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jouletrace report ranking|recommendations|compare} against a small ledger whose figures the test reads back from {@code estimate}. */
class EfficiencyCommandsTest {

  private static final String HEADER = "task,provider,model,proposed_provider,proposed_model\n";

  @TempDir
  Path dir;

  private String data;

  @BeforeEach
  void ledger() throws IOException {
    data = ReportCommandTest.ingest(dir,
        "{\"id\":\"a1\",\"timestamp\":\"2026-11-01T10:00:00Z\",\"provider\":\"openai\",\"model\":\"gpt-4o\",\"input_tokens\":1000,"
            + "\"output_tokens\":300,\"team\":\"search\",\"zone\":\"FRA\"}",
        "{\"id\":\"a2\",\"timestamp\":\"2026-11-03T10:00:00Z\",\"provider\":\"openai\",\"model\":\"gpt-4o\",\"input_tokens\":500,"
            + "\"output_tokens\":200,\"team\":\"search\",\"zone\":\"FRA\"}",
        "{\"id\":\"a3\",\"timestamp\":\"2026-11-02T10:00:00Z\",\"provider\":\"openai\",\"model\":\"gpt-4o-mini\",\"input_tokens\":800,"
            + "\"output_tokens\":400,\"team\":\"support\",\"zone\":\"USA\"}",
        "{\"id\":\"a4\",\"timestamp\":\"2026-11-02T10:00:00Z\",\"provider\":\"acme\",\"model\":\"mystery\",\"output_tokens\":200,\"team\":\"support\"}");
  }

  private Run report(String... args) {
    String[] all = new String[args.length + 3];
    all[0] = "report";
    System.arraycopy(args, 0, all, 1, args.length);
    all[all.length - 2] = "--data";
    all[all.length - 1] = data;
    return jouletrace(all);
  }

  @Test
  void ranking_json_rates_a_model_from_its_calls_figures_and_lists_unrated_models_apart() throws IOException {
    Run run = report("ranking", "--json");
    assertThat(run.exitCode()).as(run.err()).isZero();
    JsonNode first = ReportCommandTest.energy("--provider", "openai", "--model", "gpt-4o", "--input-tokens", "1000", "--output-tokens", "300", "--zone", "FRA");
    JsonNode second = ReportCommandTest.energy("--provider", "openai", "--model", "gpt-4o", "--input-tokens", "500", "--output-tokens", "200", "--zone", "FRA");
    double kwh = (first.get("wh").asDouble() + second.get("wh").asDouble()) / 1000;
    JsonNode models = run.json().get("models");
    assertThat(models).hasSize(2);
    JsonNode gpt4o = models.get(1);
    assertThat(gpt4o.get("model").asText()).isEqualTo("gpt-4o");
    assertThat(gpt4o.get("kwh_per_1k_output_tokens").asDouble()).isCloseTo(1000 * kwh / 500, within(1e-12));
    assertThat(gpt4o.get("kwh_per_1k_requests").asDouble()).isCloseTo(1000 * kwh / 2, within(1e-12));
    assertThat(gpt4o.get("kwh_per_1k_requests_low").asDouble())
        .isCloseTo(1000 * (first.get("wh_low").asDouble() + second.get("wh_low").asDouble()) / 1000 / 2, within(1e-12));
    assertThat(gpt4o.get("tiers").get("modelled").get("calls").asLong()).isEqualTo(2);
    assertThat(gpt4o.get("band").asText()).isEqualTo(first.get("band").asText());
    assertThat(models.get(0).get("model").asText()).as("most efficient first").isEqualTo("gpt-4o-mini");
    assertThat(run.json().get("unrated").get(0).get("model").asText()).isEqualTo("mystery");
    assertThat(run.json().get("unrated").get(0).get("tokens").asLong()).isEqualTo(200);

    Run text = report("ranking");
    assertThat(text.out()).contains("over rated calls only").contains("1. openai/gpt-4o-mini").contains("2. openai/gpt-4o")
        .contains("unrated (no call with an energy figure):").contains("acme/mystery (text_generation): 1 calls, 200 tokens");
  }

  @Test
  void recommendations_say_how_much_less_the_equivalent_uses_and_a_user_table_extends_the_bundled_one() throws IOException {
    Run run = report("recommendations", "--json");
    assertThat(run.exitCode()).as(run.err()).isZero();
    JsonNode recommendation = run.json().get("recommendations").get(0);
    assertThat(recommendation.get("team").asText()).isEqualTo("search");
    assertThat(recommendation.get("proposed").get("model").asText()).isEqualTo("gpt-4o-mini");
    // The team's mix: (1000 + 500) / 2 input and (300 + 200) / 2 output tokens per request.
    assertThat(recommendation.get("token_mix").get("input_tokens").asLong()).isEqualTo(750);
    assertThat(recommendation.get("token_mix").get("output_tokens").asLong()).isEqualTo(250);
    double current = ReportCommandTest.energy("--provider", "openai", "--model", "gpt-4o", "--input-tokens", "750", "--output-tokens", "250").get("wh").asDouble();
    double proposed = ReportCommandTest.energy("--provider", "openai", "--model", "gpt-4o-mini", "--input-tokens", "750", "--output-tokens", "250").get("wh").asDouble();
    // Like with like: both models at the mix, their ratio applied to what the team's two calls used per request.
    double used = (ReportCommandTest.energy("--provider", "openai", "--model", "gpt-4o", "--input-tokens", "1000", "--output-tokens", "300")
        .get("wh").asDouble() + ReportCommandTest.energy("--provider", "openai", "--model", "gpt-4o", "--input-tokens", "500",
        "--output-tokens", "200").get("wh").asDouble()) / 2;
    double reduction = used * (1 - proposed / current);
    assertThat(recommendation.get("current_use_kwh_per_1k_requests").asDouble()).isCloseTo(used, within(1e-12));
    assertThat(recommendation.get("reduction_share").asDouble()).isCloseTo(1 - proposed / current, within(1e-12));
    assertThat(recommendation.get("kwh_per_1k_requests_difference").asDouble()).isCloseTo(reduction, within(1e-12));
    assertThat(recommendation.get("assumptions").toString()).contains("750 input and 250 output tokens").contains("no latency for either model");
    // Two calls over 2026-11-01 – 2026-11-04 (the whole days of the team's own gpt-4o calls), at FRA's intensity.
    JsonNode annual = recommendation.get("annual");
    assertThat(annual.get("requests_per_year").asDouble()).isCloseTo(2 / 3.0 * 365, within(1e-9));
    assertThat(annual.get("co2_grams_difference").asDouble())
        .isCloseTo(reduction / 1000 * annual.get("requests_per_year").asDouble() * annual.get("intensity_g_per_kwh").asDouble(),
            within(1e-9));
    assertThat(run.json().get("without_equivalent").get(0).get("model").asText()).isEqualTo("gpt-4o-mini");

    Run text = report("recommendations");
    assertThat(text.out()).contains(recommendation.get("statement").asText())
        .contains("less energy than openai/gpt-4o at team search's token mix: ").contains("assuming: both models figured at team search's");

    Path mine = Files.writeString(dir.resolve("mine.csv"), HEADER + "text_generation,openai,gpt-4o-mini,openai,gpt-4o\n");
    JsonNode extended = report("recommendations", "--json", "--equivalences", mine.toString()).json();
    assertThat(extended.get("recommendations")).hasSize(1);
    assertThat(extended.get("not_recommended").get(0).get("reason").get("code").asText()).isEqualTo("not-more-efficient");
    assertThat(extended.get("not_recommended").get(0).get("equivalence").asText()).isEqualTo(mine + ":2");
    JsonNode replaced = report("recommendations", "--json", "--equivalences", mine.toString(), "--no-default-equivalences").json();
    assertThat(replaced.get("recommendations")).isEmpty();
    assertThat(replaced.get("without_equivalent").get(0).get("model").asText()).isEqualTo("gpt-4o");
  }

  @Test
  void an_equivalence_file_error_names_file_and_line() throws IOException {
    Path bad = Files.writeString(dir.resolve("bad.csv"), HEADER + "text_generation,openai,gpt-4o,openai,gpt-4o-mini\nchat,openai,gpt-4o\n");
    Run run = report("recommendations", "--equivalences", bad.toString());
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains(bad + ":3: expected 5 fields, found 3");
    Run alone = report("recommendations", "--no-default-equivalences");
    assertThat(alone.exitCode()).isEqualTo(1);
    assertThat(alone.err()).contains("--no-default-equivalences needs --equivalences FILE");
  }

  @Test
  void a_comparison_says_what_it_compares_with() throws IOException {
    Run text = report("compare", "--baseline", "gpt-4o-mini", "--baseline-provider", "openai");
    assertThat(text.exitCode()).as(text.err()).isZero();
    assertThat(text.out()).startsWith("compared with openai/gpt-4o-mini").contains("than openai/gpt-4o-mini would have at the same token mix");
    JsonNode json = report("compare", "--baseline", "gpt-4o-mini", "--json").json();
    assertThat(json.get("compared_with").asText()).isEqualTo("gpt-4o-mini (on each team's own provider)");
    JsonNode search = json.get("lines").get(0);
    double onBaseline = ReportCommandTest.energy("--provider", "openai", "--model", "gpt-4o-mini", "--input-tokens", "750", "--output-tokens", "250")
        .get("wh").asDouble() * 2 / 1000;
    assertThat(search.get("baseline").get("kwh").asDouble()).isCloseTo(onBaseline, within(1e-12));
    assertThat(search.get("kwh_difference").asDouble()).isCloseTo(search.get("actual").get("kwh").asDouble() - onBaseline, within(1e-12));
    assertThat(report("compare").exitCode()).as("--baseline is required").isEqualTo(2);
  }

  @Test
  void no_output_speaks_of_money() {
    StringBuilder all = new StringBuilder();
    for (String[] args : new String[][] {{"ranking"}, {"ranking", "--json"}, {"recommendations"}, {"recommendations", "--json"},
        {"compare", "--baseline", "gpt-4o-mini"}, {"compare", "--baseline", "gpt-4o-mini", "--json"}}) {
      Run run = report(args);
      assertThat(run.exitCode()).as(run.err()).isZero();
      all.append(run.out());
    }
    assertThat(all.toString().toLowerCase(Locale.ROOT)).contains("kwh")
        .doesNotContain("cost", "saving", "price", "cheap", "spend", "$", "€", "usd");
  }
}
