package io.jouletrace.ledger.ingest;

import static io.jouletrace.ledger.ingest.Entries.accepted;
import static io.jouletrace.ledger.ingest.Entries.readFile;
import static io.jouletrace.ledger.ingest.Entries.rejected;
import static org.assertj.core.api.Assertions.assertThat;

import io.jouletrace.core.record.InvocationRecord;
import io.jouletrace.core.record.Operation;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonlReaderTest {

  @TempDir Path dir;

  @Test
  void reads_one_record_per_line_with_exact_values() throws Exception {
    List<Parsed> entries = readFile(dir, "calls.jsonl", """
        {"id":"a1","timestamp":"2026-11-25T10:00:00Z","provider":"openai","model":"gpt-4o","input_tokens":100,"output_tokens":42,"latency_s":0.8,"region":"eu-west-1","tenant":"acme"}

        {"timestamp":1764064800,"provider":"mistral","model":"mistral-embed","operation":"embeddings","input_tokens":64,"zone":"FRA"}
        """);

    assertThat(entries).hasSize(2);
    InvocationRecord first = accepted(entries.get(0));
    assertThat(entries.get(0).origin()).isEqualTo(dir.resolve("calls.jsonl") + ":1");
    assertThat(first.id()).isEqualTo("a1");
    assertThat(first.timestamp()).isEqualTo(Instant.parse("2026-11-25T10:00:00Z"));
    assertThat(first.provider()).isEqualTo("openai");
    assertThat(first.model()).isEqualTo("gpt-4o");
    assertThat(first.inputTokens()).isEqualTo(100L);
    assertThat(first.outputTokens()).isEqualTo(42L);
    assertThat(first.latencySeconds()).isEqualTo(0.8);
    assertThat(first.region()).isEqualTo("eu-west-1");
    assertThat(first.tenant()).isEqualTo("acme");

    InvocationRecord second = accepted(entries.get(1));
    assertThat(entries.get(1).origin()).as("blank line 2 counted, skipped").endsWith("calls.jsonl:3");
    assertThat(second.operation()).isEqualTo(Operation.EMBEDDINGS);
    assertThat(second.outputTokens()).isZero();
    assertThat(second.zone()).isEqualTo("FRA");
    assertThat(second.id()).startsWith("jt-");
  }

  @Test
  void a_malformed_line_is_rejected_and_the_next_lines_still_come_through() throws Exception {
    List<Parsed> entries = readFile(dir, "calls.jsonl", """
        {"timestamp":1,"provider":"p","model":"m","output_tokens":1}
        {"timestamp":2,"provider":"p","model":"m",
        {"timestamp":3,"provider":"p","model":"m","output_tokens":3}
        [1,2,3]
        {"timestamp":4,"provider":"p","model":"m","output_tokens":4} trailing
        {"timestamp":5,"provider":"p","model":"m","output_tokens":5}
        """);

    assertThat(entries).hasSize(6);
    assertThat(accepted(entries.get(0)).outputTokens()).isEqualTo(1L);
    Parsed.Rejected broken = rejected(entries.get(1));
    assertThat(broken.origin()).endsWith("calls.jsonl:2");
    assertThat(broken.field()).isEmpty();
    assertThat(broken.reason()).startsWith("not valid JSON: ");
    assertThat(accepted(entries.get(2)).outputTokens()).isEqualTo(3L);
    assertThat(rejected(entries.get(3)).line()).endsWith("calls.jsonl:4: expected a JSON object, got array");
    assertThat(rejected(entries.get(4)).reason()).startsWith("not valid JSON: ");
    assertThat(accepted(entries.get(5)).outputTokens()).isEqualTo(5L);
  }

  @Test
  void lines_parsed_in_parallel_chunks_come_out_in_file_order_with_their_own_line_numbers() throws Exception {
    StringBuilder text = new StringBuilder();
    for (int i = 1; i <= 10_000; i++) {
      if (i % 997 == 0) text.append("{broken\n");
      else if (i % 1_499 == 0) text.append("\n");
      else text.append("{\"timestamp\":").append(i).append(",\"provider\":\"p\",\"model\":\"m\",\"output_tokens\":").append(i).append("}\n");
    }

    List<Parsed> entries = readFile(dir, "many.jsonl", text.toString());

    assertThat(entries).hasSize(10_000 - 6); // the six blank lines (multiples of 1,499) are skipped
    for (Parsed entry : entries) {
      int line = Integer.parseInt(entry.origin().substring(entry.origin().lastIndexOf(':') + 1));
      if (line % 997 == 0) assertThat(rejected(entry).reason()).startsWith("not valid JSON: ");
      else assertThat(accepted(entry).outputTokens()).isEqualTo(line);
    }
    assertThat(entries).extracting(Parsed::origin).isSortedAccordingTo(
        java.util.Comparator.comparingInt(origin -> Integer.parseInt(origin.substring(origin.lastIndexOf(':') + 1))));
  }

  @Test
  void a_rejected_record_names_file_line_and_field() throws Exception {
    List<Parsed> entries = readFile(dir, "calls.ndjson", """
        {"timestamp":1,"provider":"p","model":"m","output_tokens":-3}
        """);

    assertThat(rejected(entries.get(0)).line())
        .isEqualTo(dir.resolve("calls.ndjson") + ":1: output_tokens: must be a whole number >= 0, got -3");
  }

  @Test
  void windows_line_endings_are_fine() throws Exception {
    List<Parsed> entries = readFile(dir, "calls.jsonl",
        "{\"timestamp\":1,\"provider\":\"p\",\"model\":\"m\",\"output_tokens\":1}\r\n"
            + "{\"timestamp\":2,\"provider\":\"p\",\"model\":\"m\",\"output_tokens\":2}\r\n");

    assertThat(Entries.records(entries)).extracting(InvocationRecord::outputTokens).containsExactly(1L, 2L);
    assertThat(entries.get(1).origin()).endsWith(":2");
  }
}
