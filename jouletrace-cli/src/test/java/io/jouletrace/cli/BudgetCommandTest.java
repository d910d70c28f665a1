package io.jouletrace.cli;

import static io.jouletrace.cli.EstimateCommandTest.jouletrace;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.jouletrace.cli.EstimateCommandTest.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jouletrace budget …} against a small ledger whose figures the test reads back from {@code report}. */
class BudgetCommandTest {

  @TempDir
  Path dir;

  private String data;

  @BeforeEach
  void ledger() throws IOException {
    data = dir.resolve("data").toString();
    Path records = Files.writeString(dir.resolve("records.jsonl"), String.join("\n",
        "{\"id\":\"a1\",\"timestamp\":\"2026-11-03T10:00:00Z\",\"provider\":\"openai\",\"model\":\"gpt-4o\",\"input_tokens\":1000,"
            + "\"output_tokens\":300,\"team\":\"search\",\"tenant\":\"acme\",\"zone\":\"FRA\",\"trace_id\":\"t1\"}",
        "{\"id\":\"a2\",\"timestamp\":\"2026-11-03T10:00:02Z\",\"provider\":\"openai\",\"model\":\"gpt-4o\",\"input_tokens\":500,"
            + "\"output_tokens\":200,\"team\":\"search\",\"tenant\":\"acme\",\"zone\":\"FRA\",\"trace_id\":\"t1\"}",
        "{\"id\":\"u1\",\"timestamp\":\"2026-11-03T11:00:00Z\",\"provider\":\"acme\",\"model\":\"mystery\",\"output_tokens\":200,"
            + "\"team\":\"search\",\"tenant\":\"acme\"}",
        "{\"id\":\"s1\",\"timestamp\":\"2026-11-03T10:30:00Z\",\"provider\":\"openai\",\"model\":\"gpt-4o\",\"output_tokens\":900,"
            + "\"team\":\"support\",\"tenant\":\"acme\",\"cost_center\":\"cc-9\",\"zone\":\"FRA\"}",
        "{\"id\":\"y1\",\"timestamp\":\"2026-11-02T23:00:00Z\",\"provider\":\"openai\",\"model\":\"gpt-4o\",\"output_tokens\":900,"
            + "\"team\":\"search\",\"tenant\":\"acme\",\"zone\":\"FRA\"}") + "\n");
    assertThat(jouletrace("ingest", records.toString(), "--data", data, "--rejects", dir.resolve("rejects.txt").toString()).exitCode()).isZero();
  }

  private Run budget(String... args) {
    List<String> all = new ArrayList<>(List.of("budget"));
    all.addAll(List.of(args));
    all.addAll(List.of("--data", data));
    return jouletrace(all.toArray(String[]::new));
  }

  @Test
  void set_list_and_delete_keep_the_json_names_and_set_replaces_by_name() throws IOException {
    Run set = budget("set", "--team", "search", "--kwh", "10", "--period", "day", "--mode", "gate");
    assertThat(set.exitCode()).as(set.err()).isZero();
    assertThat(set.out()).isEqualTo("set budget team-search-kwh-day: team search, 10 kWh per day, gate\n");
    assertThat(budget("set", "--cost-center", "cc-9", "--gco2e", "500", "--period", "month", "--name", "cc9").exitCode()).isZero();
    assertThat(budget("set", "--team", "search", "--kwh", "12.5", "--period", "day").out())
        .isEqualTo("replaced budget team-search-kwh-day: team search, 12.5 kWh per day, advisory\n");

    JsonNode list = budget("list", "--json").json().get("budgets");
    assertThat(list).hasSize(2);
    assertThat(list.get(0).fieldNames()).toIterable().containsExactly("name", "scope", "scope_value", "tenant", "quantity", "unit", "limit", "period", "mode", "created_at");
    assertThat(list.get(0).get("name").asText()).isEqualTo("cc9");
    assertThat(list.get(0).get("scope").asText()).isEqualTo("cost_center");
    assertThat(list.get(0).get("quantity").asText()).isEqualTo("carbon");
    assertThat(list.get(0).get("unit").asText()).isEqualTo("gCO2e");
    assertThat(list.get(1).get("limit").asDouble()).isEqualTo(12.5);
    assertThat(list.get(1).get("mode").asText()).isEqualTo("advisory");
    assertThat(budget("list").out()).contains("team-search-kwh-day", "team search, 12.5 kWh per day, advisory");
    assertThat(list.get(1).get("tenant").isNull()).as("without --tenant a team budget is admin-wide").isTrue();

    Run owned = budget("set", "--team", "search", "--tenant", "acme", "--kwh", "1", "--period", "day");
    assertThat(owned.out()).isEqualTo("set budget tenant-acme-team-search-kwh-day: team search of tenant acme, 1 kWh per day, advisory\n");
    assertThat(budget("list", "--json").json().get("budgets").get(2).get("tenant").asText()).isEqualTo("acme");
    assertThat(budget("delete", "tenant-acme-team-search-kwh-day").exitCode()).isZero();

    assertThat(budget("delete", "cc9").exitCode()).isZero();
    Run again = budget("delete", "cc9");
    assertThat(again.exitCode()).isEqualTo(4);
    assertThat(again.err()).contains("no budget named `cc9`");
    assertThat(budget("list", "--json").json().get("budgets")).hasSize(1);
  }

  @Test
  void status_spends_what_the_report_sums_for_the_scope_and_names_the_crossing_call() throws IOException {
    JsonNode trace = jouletrace("report", "trace", "t1", "--json", "--data", data).json();
    double a1 = trace.get("calls").get(0).get("wh").asDouble() / 1000;
    double a2 = trace.get("calls").get(1).get("wh").asDouble() / 1000;
    double limit = a1 + a2 / 2;
    assertThat(budget("set", "--team", "search", "--kwh", Double.toString(limit), "--period", "day", "--mode", "gate").exitCode()).isZero();

    Run run = budget("status", "team-search-kwh-day", "--at", "2026-11-03T12:00:00Z", "--json");
    assertThat(run.exitCode()).as(run.err()).isZero();
    JsonNode status = run.json();
    assertThat(status.fieldNames()).toIterable().containsExactly("budget", "at", "period_start", "period_end", "elapsed_fraction", "unit", "spent", "spent_low",
        "spent_high", "band", "tiers", "calls", "rated_calls", "unrated", "remaining", "projected", "projection_method", "state", "crossed_at",
        "crossing_call_id");
    JsonNode day = jouletrace("report", "summary", "--team", "search", "--since", "2026-11-03", "--until", "2026-11-04", "--json", "--data", data)
        .json();
    double spent = day.get("total_wh").asDouble() / 1000;
    assertThat(status.get("spent").asDouble()).isCloseTo(spent, within(1e-15));
    assertThat(status.get("spent").asDouble()).isCloseTo(a1 + a2, within(1e-15));
    assertThat(status.get("tiers").get("modelled").asDouble()).isCloseTo(spent, within(1e-15));
    assertThat(status.get("period_start").asText()).isEqualTo("2026-11-03T00:00:00Z");
    assertThat(status.get("period_end").asText()).isEqualTo("2026-11-04T00:00:00Z");
    assertThat(status.get("elapsed_fraction").asDouble()).isEqualTo(0.5);
    assertThat(status.get("projected").asDouble()).isCloseTo(2 * spent, within(1e-15));
    assertThat(status.get("remaining").asDouble()).isCloseTo(limit - spent, within(1e-15));
    assertThat(status.get("calls").asLong()).isEqualTo(3);
    assertThat(status.get("unrated").get("calls").asLong()).isEqualTo(1);
    assertThat(status.get("unrated").get("tokens").asLong()).isEqualTo(200);
    assertThat(status.get("state").asText()).isEqualTo("crossed");
    assertThat(status.get("crossed_at").asText()).isEqualTo("2026-11-03T10:00:02Z");
    assertThat(status.get("crossing_call_id").asText()).isEqualTo("a2");

    Run text = budget("status", "--at", "2026-11-03T12:00:00Z");
    assertThat(text.out()).contains("team-search-kwh-day: team search,", "50% elapsed", "CROSSED at 2026-11-03T10:00:02Z by call a2",
        "spent excludes 1 unrated call (200 tokens)", "projected", "linear");

    JsonNode before = budget("status", "--at", "2026-11-03T10:00:01Z", "--json").json();
    assertThat(before.get("at").asText()).isEqualTo("2026-11-03T10:00:01Z");
    assertThat(before.get("budgets").get(0).get("state").asText()).isEqualTo("ok");
    assertThat(before.get("budgets").get(0).get("crossed_at").isNull()).isTrue();
    assertThat(before.get("budgets").get(0).get("spent").asDouble()).isCloseTo(a1, within(1e-15));
  }

  @Test
  void invalid_input_is_refused_with_an_error_naming_the_option() throws IOException {
    Run negative = budget("set", "--team", "search", "--kwh", "-1", "--period", "day");
    assertThat(negative.exitCode()).isEqualTo(2);
    assertThat(negative.err()).contains("Invalid value for option '--kwh': must be a positive number, got -1");
    assertThat(budget("set", "--team", "search", "--gco2e", "lots", "--period", "day").err()).contains("'--gco2e'");

    Run twoScopes = budget("set", "--team", "search", "--cost-center", "cc-1", "--kwh", "1", "--period", "day");
    assertThat(twoScopes.exitCode()).isEqualTo(2);
    assertThat(twoScopes.err()).contains("--cost-center", "--team", "mutually exclusive");
    Run noScope = budget("set", "--kwh", "1", "--period", "day");
    assertThat(noScope.exitCode()).isEqualTo(2);
    assertThat(noScope.err()).contains("Missing required argument", "--tenant", "--team", "--cost-center");
    Run twoLimits = budget("set", "--team", "search", "--kwh", "1", "--gco2e", "5", "--period", "day");
    assertThat(twoLimits.err()).contains("--kwh", "--gco2e", "mutually exclusive");

    Run year = budget("set", "--team", "search", "--kwh", "1", "--period", "year");
    assertThat(year.exitCode()).isEqualTo(2);
    assertThat(year.err()).contains("Invalid value for option '--period': unknown period `year` (use day, week, month)");
    assertThat(budget("set", "--team", "search", "--kwh", "1", "--period", "day", "--mode", "block").err())
        .contains("'--mode': unknown mode `block` (use advisory, gate)");

    Run unknown = budget("status", "nope");
    assertThat(unknown.exitCode()).isEqualTo(4);
    assertThat(unknown.err()).contains("no budget named `nope`");
    Run badTime = budget("status", "--at", "yesterday");
    assertThat(badTime.exitCode()).isEqualTo(1);
    assertThat(badTime.err()).contains("--at: expected an RFC 3339 time or a date");
    assertThat(budget("list", "--json").json().get("budgets")).as("nothing was stored").isEmpty();
  }
}
