package io.jouletrace.cli;

import static io.jouletrace.cli.EstimateCommandTest.jouletrace;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.jouletrace.cli.EstimateCommandTest.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jouletrace report …} against a small ledger whose figures the test reads back from {@code estimate}. */
class ReportCommandTest {

  @TempDir
  Path dir;

  private String data;

  @BeforeEach
  void ledger() throws IOException {
    data = ingest(dir,
        "{\"id\":\"a1\",\"timestamp\":\"2026-11-01T10:00:00Z\",\"provider\":\"openai\",\"model\":\"gpt-4o\",\"input_tokens\":1000,"
            + "\"output_tokens\":300,\"team\":\"search\",\"tenant\":\"acme\",\"zone\":\"FRA\",\"trace_id\":\"t1\"}",
        "{\"id\":\"a2\",\"timestamp\":\"2026-11-01T10:00:02Z\",\"provider\":\"openai\",\"model\":\"gpt-4o\",\"input_tokens\":500,"
            + "\"output_tokens\":200,\"team\":\"search\",\"tenant\":\"acme\",\"zone\":\"FRA\",\"trace_id\":\"t1\"}",
        "{\"id\":\"a3\",\"timestamp\":\"2026-11-02T10:00:00Z\",\"provider\":\"acme\",\"model\":\"mystery\",\"output_tokens\":200,"
            + "\"team\":\"support\",\"tenant\":\"globex\"}");
  }

  /** A ledger under {@code dir} holding the JSONL records {@code lines}; its data directory. */
  static String ingest(Path dir, String... lines) throws IOException {
    String data = dir.resolve("data").toString();
    Path records = Files.writeString(dir.resolve("records.jsonl"), String.join("\n", lines) + "\n");
    assertThat(jouletrace("ingest", records.toString(), "--data", data, "--rejects", dir.resolve("rejects.txt").toString()).exitCode()).isZero();
    return data;
  }

  /** The {@code energy} block of {@code jouletrace estimate ARGS --json}. */
  static JsonNode energy(String... estimate) throws IOException {
    String[] args = new String[estimate.length + 2];
    args[0] = "estimate";
    System.arraycopy(estimate, 0, args, 1, estimate.length);
    args[args.length - 1] = "--json";
    return jouletrace(args).json().get("energy");
  }

  private static double wh(String... estimate) throws IOException {
    return energy(estimate).get("wh").asDouble();
  }

  @Test
  void summary_json_keeps_the_contract_names_and_shows_unrated_calls_apart() throws IOException {
    Run run = jouletrace("report", "summary", "--by", "team", "--json", "--data", data);
    assertThat(run.exitCode()).as(run.err()).isZero();
    JsonNode root = run.json();
    double expected = wh("--provider", "openai", "--model", "gpt-4o", "--input-tokens", "1000", "--output-tokens", "300", "--zone", "FRA")
        + wh("--provider", "openai", "--model", "gpt-4o", "--input-tokens", "500", "--output-tokens", "200", "--zone", "FRA");
    assertThat(root.get("total_wh").asDouble()).isCloseTo(expected, within(1e-12));
    assertThat(root.get("total_calls").asLong()).isEqualTo(3);
    assertThat(root.has("total_co2_grams")).isTrue();
    assertThat(root.get("unrated").get("calls").asLong()).isEqualTo(1);
    assertThat(root.get("unrated").get("tokens").asLong()).isEqualTo(200);
    assertThat(root.get("tiers").get("modelled").get("calls").asLong()).isEqualTo(2);
    for (String by : new String[] {"by_model", "by_region", "by_team"}) assertThat(root.has(by)).as(by).isTrue();
    JsonNode search = root.get("by_team").get("search");
    assertThat(search.get("wh").asDouble()).isCloseTo(expected, within(1e-12));
    assertThat(search.get("calls").asLong()).isEqualTo(2);
    assertThat(search.has("co2_grams")).isTrue();
    assertThat(root.get("by_team").get("support").get("wh").isNull()).isTrue();
    assertThat(root.get("by_region").get("FRA").get("calls").asLong()).isEqualTo(2);
    assertThat(root.get("by_region").get("(none)").get("calls").asLong()).isEqualTo(1);
  }

  @Test
  void since_and_until_bound_the_range_and_filters_narrow_it() throws IOException {
    JsonNode firstDay = jouletrace("report", "summary", "--since", "2026-11-01", "--until", "2026-11-02", "--json", "--data", data).json();
    assertThat(firstDay.get("total_calls").asLong()).isEqualTo(2);
    JsonNode globex = jouletrace("report", "summary", "--tenant", "globex", "--json", "--data", data).json();
    assertThat(globex.get("total_calls").asLong()).isEqualTo(1);
    assertThat(globex.get("total_wh").isNull()).as("only unrated calls: null, never 0").isTrue();
    assertThat(jouletrace("report", "summary", "--trace", "t1", "--json", "--data", data).json().get("total_calls").asLong()).isEqualTo(2);
    assertThat(jouletrace("report", "summary", "--zone", "FRA", "--team", "search", "--json", "--data", data).json().get("total_calls").asLong())
        .isEqualTo(2);
    assertThat(jouletrace("report", "summary", "--operation", "embedding", "--json", "--data", data).json().get("total_calls").asLong())
        .isZero();
    Run bad = jouletrace("report", "summary", "--since", "yesterday", "--data", data);
    assertThat(bad.exitCode()).isEqualTo(1);
    assertThat(bad.err()).contains("--since: expected an RFC 3339 time or a date");
  }

  @Test
  void csv_rows_add_up_and_a_trace_is_one_line_with_its_calls() throws IOException {
    Run csv = jouletrace("report", "summary", "--csv", "--data", data);
    String[] lines = csv.out().strip().split("\n");
    assertThat(lines[0]).startsWith("dimension,key,wh,");
    double total = Double.parseDouble(lines[1].split(",")[2]);
    double models = 0;
    for (String line : lines) {
      String[] f = line.split(",", -1);
      if (f[0].equals("model") && !f[2].isEmpty()) models += Double.parseDouble(f[2]);
    }
    assertThat(models).isCloseTo(total, within(1e-12));

    JsonNode trace = jouletrace("report", "trace", "t1", "--json", "--data", data).json();
    assertThat(trace.get("calls")).hasSize(2);
    assertThat(trace.get("calls").get(0).get("id").asText()).isEqualTo("a1");
    assertThat(trace.get("wh").asDouble()).isCloseTo(trace.get("calls").get(0).get("wh").asDouble() + trace.get("calls").get(1).get("wh").asDouble(),
        within(1e-12));
    assertThat(jouletrace("report", "trace", "nope", "--data", data).exitCode()).isEqualTo(4);
  }

  @Test
  void stream_replay_prints_the_summary_that_report_summary_prints_for_the_same_records() throws IOException {
    // More records than the shared ledger: several teams, models, zones and days, one id repeated with other content (a
    // conflict: ingest keeps the first and reports the second, so must replay) and one record late for its hour's aggregate.
    List<String> lines = new ArrayList<>();
    String[] models = {"\"provider\":\"openai\",\"model\":\"gpt-4o\"", "\"provider\":\"openai\",\"model\":\"gpt-4o-mini\"",
        "\"provider\":\"acme\",\"model\":\"mystery\""};
    for (int i = 0; i < 30; i++) {
      lines.add("{\"id\":\"r" + i + "\",\"timestamp\":\"" + Instant.parse("2026-11-01T08:00:00Z").plusSeconds(i * 1800L) + "\"," + models[i % 3]
          + ",\"input_tokens\":" + (100 * i) + ",\"output_tokens\":" + (10 + 7 * i) + ",\"team\":\"team-" + i % 4 + "\""
          + (i % 2 == 0 ? ",\"zone\":\"FRA\"" : "") + "}");
    }
    lines.add("{\"id\":\"r3\",\"timestamp\":\"2026-11-01T09:30:00Z\",\"provider\":\"openai\",\"model\":\"gpt-4o\",\"output_tokens\":9999}");
    lines.add("{\"id\":\"early\",\"timestamp\":\"2026-11-01T07:00:00Z\",\"provider\":\"openai\",\"model\":\"gpt-4o\",\"output_tokens\":50}");
    Path other = Files.createDirectories(dir.resolve("other"));
    String otherData = other.resolve("data").toString();
    Path records = Files.writeString(other.resolve("records.jsonl"), String.join("\n", lines) + "\n");
    Path rejects = other.resolve("rejects.txt");
    assertThat(jouletrace("ingest", records.toString(), "--data", otherData, "--rejects", rejects.toString()).exitCode())
        .as("the conflicting r3 is rejected alone").isEqualTo(3);
    assertThat(Files.readString(rejects)).contains(records + ":31: id: ").contains("conflicts with stored record seq 4");

    Run replay = jouletrace("stream", "replay", "--records", records.toString(), "--by", "team,model", "--json");
    assertThat(replay.exitCode()).as(replay.err()).isZero();
    Run summary = jouletrace("report", "summary", "--by", "team,model", "--json", "--data", otherData);
    assertThat(replay.json()).isEqualTo(summary.json());
    assertThat(replay.json().get("total_calls").asLong()).isEqualTo(31);

    Run text = jouletrace("stream", "replay", "--records", records.toString());
    assertThat(text.out()).contains("figured 31 records (1 late for their hour's aggregate; 1 repeated ids skipped)");
  }
}
