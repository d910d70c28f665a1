package io.jouletrace.ledger.ingest;

import static io.jouletrace.ledger.ingest.Entries.accepted;
import static io.jouletrace.ledger.ingest.Entries.readFile;
import static io.jouletrace.ledger.ingest.Entries.rejected;
import static org.assertj.core.api.Assertions.assertThat;

import io.jouletrace.core.record.InvocationRecord;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvReaderTest {

  @TempDir Path dir;

  @Test
  void reads_rows_by_header_name_with_quoting_and_empty_cells() throws Exception {
    List<Parsed> entries = readFile(dir, "calls.csv", """
        provider,model,timestamp,output_tokens,input_tokens,tenant,latency_ms,cost_center,extra
        anthropic,claude-haiku-4,2026-11-25T10:00:00Z,90,,"Acme, Inc. ""EU""\",1250,,whatever
        openai,gpt-4o-mini,1764064800.5,7,3,,,CC-1,
        """);

    assertThat(entries).hasSize(2);
    InvocationRecord first = accepted(entries.get(0));
    assertThat(entries.get(0).origin()).isEqualTo(dir.resolve("calls.csv") + ":2");
    assertThat(first.provider()).isEqualTo("anthropic");
    assertThat(first.model()).isEqualTo("claude-haiku-4");
    assertThat(first.timestamp()).isEqualTo(Instant.parse("2026-11-25T10:00:00Z"));
    assertThat(first.outputTokens()).isEqualTo(90L);
    assertThat(first.inputTokens()).isNull();
    assertThat(first.tenant()).isEqualTo("Acme, Inc. \"EU\"");
    assertThat(first.latencySeconds()).isEqualTo(1.25);
    assertThat(first.costCenter()).isNull();

    InvocationRecord second = accepted(entries.get(1));
    assertThat(second.timestamp()).isEqualTo(Instant.parse("2025-11-25T10:00:00.5Z"));
    assertThat(second.inputTokens()).isEqualTo(3L);
    assertThat(second.tenant()).isNull();
    assertThat(second.latencySeconds()).isNull();
    assertThat(second.costCenter()).isEqualTo("CC-1");
  }

  @Test
  void a_row_with_the_wrong_number_of_cells_is_rejected_and_reading_goes_on() throws Exception {
    List<Parsed> entries = readFile(dir, "calls.csv", """
        provider,model,timestamp,output_tokens
        p,m,1,1
        p,m,2,2,surplus
        p,m,3
        p,m,4,-4
        p,m,5,5
        """);

    assertThat(entries).hasSize(5);
    assertThat(accepted(entries.get(0)).outputTokens()).isEqualTo(1L);
    assertThat(rejected(entries.get(1)).line())
        .isEqualTo(dir.resolve("calls.csv") + ":3: row has 5 cells but the header has 4");
    assertThat(rejected(entries.get(2)).line()).endsWith("calls.csv:4: row has 3 cells but the header has 4");
    assertThat(rejected(entries.get(3)).line())
        .endsWith("calls.csv:5: output_tokens: must be a whole number >= 0, got -4");
    assertThat(accepted(entries.get(4)).outputTokens()).isEqualTo(5L);
  }

  @Test
  void origins_are_physical_lines_even_after_multi_line_cells_and_blank_lines() throws Exception {
    List<Parsed> entries = readFile(dir, "calls.csv", """
        provider,model,timestamp,output_tokens,team
        p,m,1,1,"two
        lines"

        p,m,2,2,plain
        p,m,3,x,plain
        """);

    assertThat(accepted(entries.get(0)).team()).isEqualTo("two\nlines");
    assertThat(entries.get(0).origin()).endsWith("calls.csv:2");
    assertThat(entries.get(1).origin()).endsWith("calls.csv:5");
    assertThat(rejected(entries.get(2)).line()).endsWith("calls.csv:6: output_tokens: must be a whole number >= 0, got x");
  }

  @Test
  void a_file_without_a_header_row_is_one_rejection() throws Exception {
    List<Parsed> entries = readFile(dir, "calls.csv", """
        openai,gpt-4o,2026-11-25T10:00:00Z,5
        openai,gpt-4o,2026-11-25T10:00:01Z,6
        """);

    assertThat(entries).hasSize(1);
    assertThat(rejected(entries.get(0)).line()).isEqualTo(dir.resolve("calls.csv")
        + ":1: header row lacks provider, model, timestamp (the first row must name the columns)");
  }

  @Test
  void an_unclosed_quote_ends_the_file_but_keeps_the_rows_before() throws Exception {
    List<Parsed> entries = readFile(dir, "calls.csv", """
        provider,model,timestamp,output_tokens
        p,m,1,1
        p,m,2,"2
        """);

    assertThat(entries).hasSize(2);
    assertThat(accepted(entries.get(0)).outputTokens()).isEqualTo(1L);
    Parsed.Rejected end = rejected(entries.get(1));
    assertThat(end.reason()).startsWith("not valid CSV, stopped reading this input: ");
  }

  @Test
  void unnamed_columns_are_ignored_and_a_repeated_name_is_refused() throws Exception {
    List<Parsed> unnamed = readFile(dir, "unnamed.csv", """
        provider,model,timestamp,output_tokens,,
        p,m,1,9,,
        """);
    List<Parsed> repeated = readFile(dir, "repeated.csv", """
        provider,model,timestamp,output_tokens,model
        p,m,1,9,n
        """);

    assertThat(accepted(unnamed.get(0)).outputTokens()).isEqualTo(9L);
    assertThat(repeated).hasSize(1);
    assertThat(rejected(repeated.get(0)).line()).endsWith("repeated.csv:1: header names column \"model\" twice");
  }

  @Test
  void an_empty_file_has_no_entries() throws Exception {
    assertThat(readFile(dir, "empty.csv", "")).isEmpty();
  }
}
