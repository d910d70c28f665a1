package io.jouletrace.ledger.ingest;

import static io.jouletrace.ledger.ingest.Entries.accepted;
import static io.jouletrace.ledger.ingest.Entries.readAll;
import static io.jouletrace.ledger.ingest.Entries.readFile;
import static io.jouletrace.ledger.ingest.Entries.readStdin;
import static io.jouletrace.ledger.ingest.Entries.rejected;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jouletrace.core.record.InvocationRecord;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InputFilesTest {

  private static final String JSONL = """
      {"timestamp":"2026-11-25T10:00:00Z","provider":"openai","model":"gpt-4o","output_tokens":11}
      {"timestamp":"2026-11-25T10:00:01Z","provider":"openai","model":"gpt-4o","output_tokens":22}
      """;
  private static final String CSV = """
      timestamp,provider,model,output_tokens
      2026-11-25T10:00:00Z,openai,gpt-4o,11
      2026-11-25T10:00:01Z,openai,gpt-4o,22
      """;
  private static final String OTLP_LINE = "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"01\",\"spanId\":\"02\","
      + "\"startTimeUnixNano\":\"1764064800000000000\",\"attributes\":["
      + "{\"key\":\"gen_ai.system\",\"value\":{\"stringValue\":\"openai\"}},"
      + "{\"key\":\"gen_ai.request.model\",\"value\":{\"stringValue\":\"gpt-4o\"}},"
      + "{\"key\":\"gen_ai.usage.completion_tokens\",\"value\":{\"intValue\":\"11\"}}]}]}]}]}\n";

  @TempDir Path dir;

  private static byte[] gzip(String text) throws IOException {
    var bytes = new ByteArrayOutputStream();
    try (var out = new GZIPOutputStream(bytes)) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
    return bytes.toByteArray();
  }

  private List<Parsed> read(String fileName, byte[] content) throws IOException {
    Path file = dir.resolve(fileName);
    Files.write(file, content);
    return readAll(InputFiles.open(file.toString(), InputStream.nullInputStream()));
  }

  private static List<Long> outputTokens(List<Parsed> entries) {
    return entries.stream().map(p -> accepted(p).outputTokens()).toList();
  }

  @Test
  void gzip_is_recognised_with_and_without_the_gz_suffix() throws IOException {
    assertThat(outputTokens(read("calls.jsonl.gz", gzip(JSONL)))).containsExactly(11L, 22L);
    assertThat(outputTokens(read("calls.csv.gz", gzip(CSV)))).containsExactly(11L, 22L);
    assertThat(outputTokens(read("calls.jsonl", gzip(JSONL)))).as("magic bytes, no suffix").containsExactly(11L, 22L);
    assertThat(outputTokens(read("export.gz", gzip(OTLP_LINE)))).as("sniffed inside gzip").containsExactly(11L);
  }

  @Test
  void origins_use_the_path_as_given() throws IOException {
    Path file = dir.resolve("calls.jsonl.gz");
    Files.write(file, gzip(JSONL));
    Path relative = Path.of("").toAbsolutePath().relativize(file);

    List<Parsed> entries = readAll(InputFiles.open(relative.toString(), InputStream.nullInputStream()));

    assertThat(entries).extracting(Parsed::origin).containsExactly(relative + ":1", relative + ":2");
  }

  @Test
  void dash_reads_stdin_and_sniffs_its_format() throws IOException {
    List<Parsed> jsonl = readStdin(JSONL);
    List<Parsed> csv = readStdin(CSV);
    List<Parsed> otlp = readStdin(OTLP_LINE);

    assertThat(jsonl).extracting(Parsed::origin).containsExactly("<stdin>:1", "<stdin>:2");
    assertThat(outputTokens(jsonl)).containsExactly(11L, 22L);
    assertThat(csv).extracting(Parsed::origin).containsExactly("<stdin>:2", "<stdin>:3");
    assertThat(outputTokens(csv)).containsExactly(11L, 22L);
    assertThat(otlp).extracting(Parsed::origin).containsExactly("<stdin>:1#span1");
    assertThat(accepted(otlp.get(0)).id()).isEqualTo("01:02");
  }

  @Test
  void gzipped_stdin_works_and_stdin_stays_open() throws IOException {
    var stdin = new ByteArrayInputStream(gzip(CSV)) {
      boolean closed;

      @Override
      public void close() {
        closed = true;
      }
    };
    List<Parsed> entries = readAll(InputFiles.open("-", stdin));

    assertThat(outputTokens(entries)).containsExactly(11L, 22L);
    assertThat(stdin.closed).isFalse();
  }

  @Test
  void format_is_sniffed_when_the_extension_says_nothing() throws IOException {
    assertThat(readFile(dir, "calls.txt", "\n  " + JSONL)).extracting(Parsed::origin).containsExactly(
        dir.resolve("calls.txt") + ":2", dir.resolve("calls.txt") + ":3");
    assertThat(outputTokens(readFile(dir, "calls.log", CSV))).containsExactly(11L, 22L);
    assertThat(outputTokens(readFile(dir, "calls.json", JSONL))).as(".json holding JSONL").containsExactly(11L, 22L);
    assertThat(outputTokens(readFile(dir, "traces", OTLP_LINE))).containsExactly(11L);
    assertThat(readFile(dir, "empty.json", "")).isEmpty();
  }

  @Test
  void the_extension_wins_over_the_content() throws IOException {
    List<Parsed> entries = readFile(dir, "calls.jsonl", OTLP_LINE);

    assertThat(rejected(entries.get(0)).line()).endsWith("calls.jsonl:1: provider: is required");
  }

  @Test
  void a_utf8_byte_order_mark_is_ignored() throws IOException {
    byte[] bom = {(byte) 0xef, (byte) 0xbb, (byte) 0xbf};
    byte[] csv = CSV.getBytes(StandardCharsets.UTF_8);
    byte[] content = Arrays.copyOf(bom, bom.length + csv.length);
    System.arraycopy(csv, 0, content, bom.length, csv.length);

    List<Parsed> entries = read("excel.csv", content);

    assertThat(entries).extracting(p -> accepted(p).timestamp().toString())
        .containsExactly("2026-11-25T10:00:00Z", "2026-11-25T10:00:01Z");
  }

  @Test
  void a_truncated_gzip_keeps_the_records_before_the_cut() throws IOException {
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < 2000; i++) {
      lines.append("{\"timestamp\":").append(i).append(",\"provider\":\"p\",\"model\":\"m\",\"output_tokens\":")
          .append(i).append(",\"tenant\":\"").append(Integer.toHexString(i * 7919)).append("\"}\n");
    }
    byte[] whole = gzip(lines.toString());

    List<Parsed> entries = read("cut.jsonl.gz", Arrays.copyOf(whole, whole.length / 2));

    Parsed last = entries.getLast();
    assertThat(rejected(last).reason()).startsWith("input is truncated or corrupt, stopped reading it: ");
    List<InvocationRecord> before = Entries.records(entries.subList(0, entries.size() - 1));
    assertThat(before).hasSizeGreaterThan(100);
    for (int i = 0; i < before.size(); i++) assertThat(before.get(i).outputTokens()).isEqualTo(i);
  }

  @Test
  void a_missing_file_is_an_error_naming_the_path() {
    String missing = dir.resolve("nope.jsonl").toString();

    assertThatThrownBy(() -> InputFiles.open(missing, InputStream.nullInputStream()))
        .isInstanceOf(NoSuchFileException.class)
        .hasMessageContaining(missing);
  }

  @Test
  void a_directory_is_an_error_naming_the_path() {
    assertThatThrownBy(() -> InputFiles.open(dir.toString(), InputStream.nullInputStream()))
        .isInstanceOf(IOException.class)
        .hasMessage(dir + ": is a directory, not a file");
  }
}
