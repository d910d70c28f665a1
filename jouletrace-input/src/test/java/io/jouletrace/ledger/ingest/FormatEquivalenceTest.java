package io.jouletrace.ledger.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import io.jouletrace.core.record.InvocationRecord;
import io.jouletrace.core.record.Operation;
import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The same records written as JSONL and as CSV read back to the same values and the same ids. */
class FormatEquivalenceTest {

  private static final List<String> CSV_COLUMNS = RecordFields.NAMES;

  @TempDir Path dir;

  @Test
  void the_same_record_as_jsonl_and_csv_gets_the_same_id_and_a_different_record_another() throws IOException {
    Files.writeString(dir.resolve("a.jsonl"), """
        {"timestamp":"2026-11-25T10:00:00Z","provider":"openai","model":"gpt-4o","input_tokens":10,"output_tokens":5,"latency_s":0.75}
        {"timestamp":"2026-11-25T10:00:00Z","provider":"openai","model":"gpt-4o","input_tokens":10,"output_tokens":6,"latency_s":0.75}
        """);
    Files.writeString(dir.resolve("a.csv"), """
        provider,model,timestamp,input_tokens,output_tokens,latency_ms
        openai,gpt-4o,2026-11-25T10:00:00Z,10,5,750
        """);

    List<InvocationRecord> jsonl = Entries.records(Entries.readAll(open("a.jsonl")));
    List<InvocationRecord> csv = Entries.records(Entries.readAll(open("a.csv")));

    assertThat(csv.get(0).id()).startsWith("jt-").isEqualTo(jsonl.get(0).id());
    assertThat(jsonl.get(1).id()).startsWith("jt-").isNotEqualTo(jsonl.get(0).id());
  }

  @Test
  void five_hundred_random_records_survive_jsonl_and_csv_alike() throws IOException {
    Random random = new Random(20261125L);
    List<InvocationRecord> originals = new ArrayList<>();
    for (int i = 0; i < 500; i++) originals.add(randomRecord(random, i));
    writeJsonl(originals, dir.resolve("random.jsonl"));
    writeCsv(originals, dir.resolve("random.csv"));

    List<InvocationRecord> fromJsonl = Entries.records(Entries.readAll(open("random.jsonl")));
    List<InvocationRecord> fromCsv = Entries.records(Entries.readAll(open("random.csv")));

    assertThat(fromJsonl).hasSize(500);
    assertThat(fromCsv).hasSize(500);
    for (int i = 0; i < originals.size(); i++) {
      InvocationRecord original = originals.get(i);
      String expectedId = original.id() != null ? original.id() : RecordFields.contentId(original);
      InvocationRecord expected = withId(original, expectedId);
      assertThat(fromJsonl.get(i)).as("JSONL record %d", i).isEqualTo(expected);
      assertThat(fromCsv.get(i)).as("CSV record %d", i).isEqualTo(expected);
    }
    assertThat(fromJsonl.stream().map(InvocationRecord::id).distinct()).as("ids are distinct").hasSize(500);
  }

  private RecordReader open(String fileName) throws IOException {
    return InputFiles.open(dir.resolve(fileName).toString(), InputStream.nullInputStream());
  }

  private static InvocationRecord randomRecord(Random r, int i) {
    Operation operation = pick(r, Operation.CHAT, Operation.TEXT_COMPLETION, Operation.EMBEDDINGS,
        Operation.GENERATE_CONTENT, Operation.of("rerank"));
    long output = operation.equals(Operation.EMBEDDINGS) && r.nextBoolean() ? 0 : r.nextLong(0, 1L << 40);
    boolean useZone = r.nextBoolean();
    return InvocationRecord.builder(pick(r, "openai", "anthropic", "mistral", "google"),
            pick(r, "gpt-4o", "claude-sonnet-4", "mistral-large-2411", "gemini-2.5-pro", "llama-3.1-8b"), output)
        .id(r.nextInt(4) == 0 ? "call-" + i : null)
        .timestamp(Instant.ofEpochSecond(r.nextLong(0, 4_102_444_800L), r.nextBoolean() ? 0 : r.nextInt(1_000_000_000)))
        .tenant(maybe(r, () -> text(r)))
        .team(maybe(r, () -> text(r)))
        .costCenter(maybe(r, () -> "CC-" + r.nextInt(1000)))
        .traceId(maybe(r, () -> Long.toHexString(r.nextLong())))
        .operation(operation)
        .inputTokens(maybe(r, () -> r.nextLong(0, 2_000_000)))
        .reasoningTokens(maybe(r, () -> r.nextLong(0, 100_000)))
        .cachedInputTokens(maybe(r, () -> r.nextLong(0, 100_000)))
        .latencySeconds(maybe(r, () -> r.nextBoolean() ? r.nextDouble() * 120 : (double) r.nextInt(60)))
        .zone(useZone ? maybe(r, () -> pick(r, "FRA", "USA", "WOR", "SWE")) : null)
        .region(useZone ? null : maybe(r, () -> pick(r, "eu-west-1", "us-central1", "eu-north")))
        .intensityGramsPerKwh(maybe(r, () -> r.nextDouble() * 900))
        .build();
  }

  /** Text a CSV must quote: commas, quotes, line breaks, non-ASCII; never blank or padded (those mean absent). */
  private static String text(Random r) {
    String[] parts = {"acme", "Ünïcødé", "a,b", "say \"hi\"", "two\nlines", "tab\there", "日本", "x"};
    return parts[r.nextInt(parts.length)] + "-" + r.nextInt(100) + parts[r.nextInt(parts.length)];
  }

  private static InvocationRecord withId(InvocationRecord r, String id) {
    return new InvocationRecord(id, r.timestamp(), r.tenant(), r.team(), r.costCenter(), r.traceId(), r.provider(),
        r.model(), r.operation(), r.inputTokens(), r.outputTokens(), r.reasoningTokens(), r.cachedInputTokens(),
        r.latencySeconds(), r.zone(), r.region(), r.intensityGramsPerKwh(), r.modelRequested(), r.phases());
  }

  /** The contract's fields as text, the way both writers below emit them; {@code null} when absent. */
  private static Map<String, Object> fields(InvocationRecord r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put(RecordFields.ID, r.id());
    m.put(RecordFields.TIMESTAMP, r.timestamp().toString());
    m.put(RecordFields.TENANT, r.tenant());
    m.put(RecordFields.TEAM, r.team());
    m.put(RecordFields.COST_CENTER, r.costCenter());
    m.put(RecordFields.TRACE_ID, r.traceId());
    m.put(RecordFields.PROVIDER, r.provider());
    m.put(RecordFields.MODEL, r.model());
    m.put(RecordFields.OPERATION, r.operation().code());
    m.put(RecordFields.INPUT_TOKENS, r.inputTokens());
    // embeddings with no output leave the field out, exercising its default
    m.put(RecordFields.OUTPUT_TOKENS,
        r.operation().equals(Operation.EMBEDDINGS) && r.outputTokens() == 0 ? null : r.outputTokens());
    m.put(RecordFields.REASONING_TOKENS, r.reasoningTokens());
    m.put(RecordFields.CACHED_INPUT_TOKENS, r.cachedInputTokens());
    m.put(RecordFields.LATENCY_S, r.latencySeconds());
    m.put(RecordFields.ZONE, r.zone());
    m.put(RecordFields.REGION, r.region());
    m.put(RecordFields.INTENSITY_G_PER_KWH, r.intensityGramsPerKwh());
    return m;
  }

  private static void writeJsonl(List<InvocationRecord> records, Path file) throws IOException {
    ObjectMapper json = new ObjectMapper();
    try (Writer out = Files.newBufferedWriter(file)) {
      for (InvocationRecord r : records) {
        ObjectNode line = json.createObjectNode();
        fields(r).forEach((k, v) -> {
          if (v != null) line.set(k, json.valueToTree(v)); // numbers stay JSON numbers
        });
        out.write(json.writeValueAsString(line));
        out.write('\n');
      }
    }
  }

  private static void writeCsv(List<InvocationRecord> records, Path file) throws IOException {
    CsvSchema.Builder schema = CsvSchema.builder().setUseHeader(true);
    CSV_COLUMNS.forEach(schema::addColumn);
    CsvMapper csv = new CsvMapper();
    try (var out = csv.writer(schema.build()).writeValues(Files.newBufferedWriter(file))) {
      for (InvocationRecord r : records) {
        Map<String, Object> row = new LinkedHashMap<>();
        fields(r).forEach((k, v) -> row.put(k, v == null ? "" : v.toString()));
        out.write(row);
      }
    }
  }

  @SafeVarargs
  private static <T> T pick(Random r, T... options) {
    return options[r.nextInt(options.length)];
  }

  private static <T> T maybe(Random r, java.util.function.Supplier<T> value) {
    return r.nextInt(3) == 0 ? null : value.get();
  }
}
