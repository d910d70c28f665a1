package io.jouletrace.cli;

import static io.jouletrace.cli.EstimateCommandTest.jouletrace;
import static io.jouletrace.cli.LedgerCommandsTest.call;
import static org.assertj.core.api.Assertions.assertThat;

import io.jouletrace.cli.EstimateCommandTest.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A hostile line in an ingested file is rejected alone, naming file:line and field; the other lines are stored. */
class IngestBoundsTest {

  @TempDir
  Path dir;

  @Test
  void a_file_with_hostile_lines_stores_the_others_and_lists_each_rejected_line_by_file_line_and_field() throws IOException {
    String data = dir.resolve("data").toString();
    Path calls = Files.writeString(dir.resolve("calls.jsonl"), String.join("\n",
        call(1, "openai", "gpt-4o", 300),
        call(2, "openai", "gpt\\u0000-4o", 300),
        call(3, "openai", "gpt-4o", 9_000_000_000_000_000_000L).replace("\"zone\":\"FRA\"", "\"intensity_g_per_kwh\":1e308"),
        call(4, "openai", "gpt-4o", 300).replace("2026-11-05T10:00:00Z", "9999-12-31T00:00:00Z"),
        call(5, "anthropic", "claude-opus-4-1", 800)) + "\n");
    Path rejects = dir.resolve("rejects.txt");
    Run run = jouletrace("ingest", "--data", data, "--rejects", rejects.toString(), calls.toString());
    assertThat(run.exitCode()).as(run.err()).isEqualTo(3);
    assertThat(run.out()).contains("accepted 2, duplicates skipped 0, rejected 3");
    assertThat(Files.readAllLines(rejects)).satisfiesExactly(
        line -> assertThat(line).startsWith(calls + ":2: model: holds a control character (U+0000)"),
        line -> assertThat(line).startsWith(calls + ":3: output_tokens: more than 100000000 tokens"),
        line -> assertThat(line).startsWith(calls + ":4: timestamp: more than 3600 s in the future"));
    assertThat(jouletrace("verify", "--data", data).exitCode()).isZero();
  }

  @Test
  void the_bounds_are_flags() throws IOException {
    Path calls = Files.writeString(dir.resolve("calls.jsonl"), call(1, "openai", "gpt-4o", 300) + "\n");
    Run tight = jouletrace("ingest", "--data", dir.resolve("data").toString(), "--rejects", dir.resolve("r.txt").toString(),
        "--max-tokens", "100", calls.toString());
    assertThat(tight.exitCode()).isEqualTo(3);
    assertThat(Files.readString(dir.resolve("r.txt"))).contains(":1: input_tokens: more than 100 tokens");
  }
}
