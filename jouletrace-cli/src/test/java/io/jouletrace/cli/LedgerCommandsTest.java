package io.jouletrace.cli;

import static io.jouletrace.cli.EstimateCommandTest.jouletrace;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.jouletrace.cli.EstimateCommandTest.Run;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ingest, verify, backfill and import-chain through the command line, on the embedded ledger. */
class LedgerCommandsTest {

  private static final Pattern HEAD = Pattern.compile("ledger head: seq (\\d+), hash ([0-9a-f]{64})");

  @TempDir
  Path dir;

  private String data() {
    return dir.resolve("data").toString();
  }

  static String call(int n, String provider, String model, long outputTokens) {
    return "{\"id\":\"call-" + n + "\",\"timestamp\":\"2026-11-0" + (1 + n % 9) + "T10:00:00Z\",\"tenant\":\"acme\",\"team\":\"search\","
        + "\"provider\":\"" + provider + "\",\"model\":\"" + model + "\",\"input_tokens\":" + (100 + n) + ",\"output_tokens\":" + outputTokens
        + ",\"latency_s\":2.5,\"zone\":\"FRA\"}";
  }

  private static Matcher head(Run run) {
    Matcher m = HEAD.matcher(run.out());
    assertThat(m.find()).as("head line in: %s", run.out()).isTrue();
    return m;
  }

  @Test
  void the_store_memory_limit_reaches_duckdb_and_a_bad_one_is_refused_naming_the_flag() {
    Run refused = jouletrace("head", "--data", data(), "--store-memory-limit", "plenty");
    assertThat(refused.exitCode()).isEqualTo(1);
    assertThat(refused.err()).startsWith("jouletrace head: --store-memory-limit: memory limit 'plenty': ");

    assertThat(jouletrace("head", "--data", data(), "--store-memory-limit", "300MB").exitCode()).isZero();
  }

  @Test
  void bad_lines_are_rejected_by_file_line_and_field_and_everything_else_is_kept_once() throws IOException {
    Path calls = Files.writeString(dir.resolve("calls.jsonl"), String.join("\n",
        call(1, "openai", "gpt-4o", 300),
        call(2, "mistralai", "open-mistral-7b", -5),
        "{broken",
        call(4, "acme", "uncatalogued-model", 50),
        call(5, "anthropic", "claude-opus-4-1", 800)) + "\n");
    Path rejects = dir.resolve("rejects.txt");
    Run first = jouletrace("ingest", "--data", data(), "--rejects", rejects.toString(), calls.toString());
    assertThat(first.exitCode()).isEqualTo(3);
    assertThat(first.out()).contains("accepted 3, duplicates skipped 0, rejected 2");
    assertThat(Files.readAllLines(rejects)).hasSize(2).satisfiesExactly(
        line -> assertThat(line).isEqualTo(calls + ":2: output_tokens: must be a whole number >= 0, got -5"),
        line -> assertThat(line).startsWith(calls + ":3: not valid JSON"));

    // The same file again, plus a gzipped copy of it and a CSV of one of its records: nothing new.
    Path gz = dir.resolve("calls.jsonl.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
      out.write(Files.readAllBytes(calls));
    }
    Path csv = Files.writeString(dir.resolve("one.csv"), "id,timestamp,tenant,team,provider,model,input_tokens,output_tokens,latency_s,zone\n"
        + "call-1,2026-11-02T10:00:00Z,acme,search,openai,gpt-4o,101,300,2.5,FRA\n");
    Run again = jouletrace("ingest", "--data", data(), "--rejects", rejects.toString(), calls.toString(), gz.toString(), csv.toString());
    assertThat(again.out()).contains("accepted 0, duplicates skipped 7, rejected 4");
    assertThat(head(again).group(2)).isEqualTo(head(first).group(2));

    Run verify = jouletrace("verify", "--data", data());
    assertThat(verify.exitCode()).isZero();
    assertThat(verify.out()).contains("records checked: 3", "chain: intact", "figures recomputed: 3", "drift: 0");
  }

  @Test
  void an_id_stored_with_other_content_is_a_reject_line_and_another_tenants_id_is_its_own_record() throws IOException {
    Path calls = Files.writeString(dir.resolve("calls.jsonl"), call(1, "openai", "gpt-4o", 300) + "\n");
    assertThat(jouletrace("ingest", "--data", data(), calls.toString()).exitCode()).isZero();
    Path later = Files.writeString(dir.resolve("later.jsonl"), String.join("\n",
        call(1, "openai", "gpt-4o", 999),
        call(1, "openai", "gpt-4o", 300).replace("\"acme\"", "\"globex\""),
        call(1, "openai", "gpt-4o", 300)) + "\n");
    Path rejects = dir.resolve("rejects.txt");

    Run run = jouletrace("ingest", "--data", data(), "--rejects", rejects.toString(), later.toString());
    assertThat(run.exitCode()).isEqualTo(3);
    assertThat(run.out()).contains("accepted 1, duplicates skipped 1, rejected 1");
    assertThat(Files.readAllLines(rejects)).containsExactly(later + ":1: id: the same id with different content conflicts with stored record seq 1");
    assertThat(jouletrace("verify", "--data", data()).out()).contains("records checked: 2", "chain: intact");
  }

  @Test
  void nothing_readable_exits_1_and_a_clean_file_exits_0() throws IOException {
    Run missing = jouletrace("ingest", "--data", data(), "--rejects", dir.resolve("r.txt").toString(), dir.resolve("nope.jsonl").toString());
    assertThat(missing.exitCode()).isEqualTo(1);
    assertThat(missing.err()).contains("nope.jsonl");
    Path good = Files.writeString(dir.resolve("good.jsonl"), call(1, "openai", "gpt-4o", 10) + "\n");
    assertThat(jouletrace("ingest", "--data", data(), good.toString()).exitCode()).isZero();
  }

  @Test
  void verify_names_the_first_altered_record_and_exits_non_zero() throws Exception {
    StringBuilder lines = new StringBuilder();
    for (int i = 1; i <= 40; i++) lines.append(call(i, "openai", "gpt-4o-mini", 10L * i)).append('\n');
    Path calls = Files.writeString(dir.resolve("calls.jsonl"), lines);
    assertThat(jouletrace("ingest", "--data", data(), calls.toString()).exitCode()).isZero();
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + dir.resolve("data/ledger.duckdb")); Statement st = c.createStatement()) {
      st.execute("UPDATE ledger_records SET team = 'someone-else' WHERE seq = 17");
    }
    Run verify = jouletrace("verify", "--data", data());
    assertThat(verify.exitCode()).isEqualTo(1);
    assertThat(verify.out()).contains("records checked: 40", "chain: BROKEN at seq 17 (id call-17)");
  }

  @Test
  void verify_names_an_edited_rollup_row_and_a_head_cut_after_a_checkpoint() throws Exception {
    StringBuilder lines = new StringBuilder();
    for (int i = 1; i <= 30; i++) lines.append(call(i, "openai", "gpt-4o", 300)).append('\n');
    Path calls = Files.writeString(dir.resolve("calls.jsonl"), lines);
    assertThat(jouletrace("ingest", "--data", data(), calls.toString()).exitCode()).isZero();
    double wh = jouletrace("report", "summary", "--json", "--data", data()).json().get("total_wh").asDouble();
    Run head = jouletrace("head", "--data", data());
    assertThat(head.out()).matches("checkpoint seq=30 hash=[0-9a-f]{64} at=\\S+Z\n");
    Path checkpoint = Files.writeString(dir.resolve("head.txt"), head.out());
    assertThat(jouletrace("head", "--json", "--data", data()).json().get("seq").asLong()).isEqualTo(30);
    Run clean = jouletrace("verify", "--data", data(), "--expect-head-file", checkpoint.toString());
    assertThat(clean.exitCode()).as(clean.out()).isZero();
    assertThat(clean.out()).contains("derived: report_rollup_day through seq 30:", "; 0 differ", "expected head: seq 30 ", ": extended");

    try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + dir.resolve("data/ledger.duckdb")); Statement st = c.createStatement()) {
      st.execute("UPDATE report_rollup_day SET energy_j_low = energy_j_low / 10, energy_j_high = energy_j_high / 10 WHERE tenant = 'acme'");
    }
    assertThat(jouletrace("report", "summary", "--json", "--data", data()).json().get("total_wh").asDouble()).isCloseTo(wh / 10, within(1e-9));
    Run edited = jouletrace("verify", "--data", data());
    assertThat(edited.exitCode()).isEqualTo(1);
    assertThat(edited.out()).contains("chain: intact", "drift: 0", "; 9 differ",
        "  report_rollup_day day=2026-11-01 tenant=acme team=search model=gpt-4o provider=openai zone=FRA", ": energy_j_low expected ");

    try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + dir.resolve("data/ledger.duckdb")); Statement st = c.createStatement()) {
      st.execute("DELETE FROM report_rollup_day");
      st.execute("UPDATE report_rollup_state SET through_seq = 0");
      st.execute("DELETE FROM ledger_records WHERE seq > 27");
    }
    assertThat(jouletrace("verify", "--data", data()).exitCode()).as("the chain alone cannot show a cut head").isZero();
    Run cut = jouletrace("verify", "--data", data(), "--expect-head-file", checkpoint.toString());
    assertThat(cut.exitCode()).isEqualTo(1);
    assertThat(cut.out()).contains("expected head: seq 30 ", ": NOT extended: seq 30 is missing: the ledger ends before it (truncated)");
    Run bare = jouletrace("verify", "--data", data(), "--expect-head", "30:" + head.out().split("hash=")[1].substring(0, 64));
    assertThat(bare.exitCode()).isEqualTo(1);
  }

  @Test
  void backfill_adds_a_figure_set_per_record_once() throws IOException {
    Path calls = Files.writeString(dir.resolve("calls.jsonl"), call(1, "openai", "gpt-4o", 100) + "\n" + call(2, "mistralai", "open-mistral-7b", 100) + "\n");
    jouletrace("ingest", "--data", data(), calls.toString());
    assertThat(jouletrace("backfill", "--data", data(), "--methodology", "ecologits-0.8.2").out()).contains("added 2 figure sets under ecologits-0.8.2");
    assertThat(jouletrace("backfill", "--data", data(), "--methodology", "ecologits-0.8.2").out()).contains("added 0 figure sets");
    Run verify = jouletrace("verify", "--data", data());
    assertThat(verify.exitCode()).isZero();
    assertThat(verify.out()).contains("figures recomputed: 4 (2 figure sets beside the records' own: backfilled or measured)");
  }

  @Test
  void import_chain_links_source_seqs_is_idempotent_and_meets_live_otlp_records_without_double_counting() throws Exception {
    Path sqlite = dir.resolve("calls.sqlite");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + sqlite); Statement st = c.createStatement()) {
      st.execute("CREATE TABLE chain (seq INTEGER PRIMARY KEY, timestamp_ns INTEGER NOT NULL, canonical_body TEXT NOT NULL, prev_hash TEXT, hash TEXT)");
      try (PreparedStatement insert = c.prepareStatement("INSERT INTO chain (seq, timestamp_ns, canonical_body) VALUES (?, ?, ?)")) {
        for (int seq = 1; seq <= 6; seq++) {
          insert.setLong(1, seq);
          insert.setLong(2, 1_764_064_800_000_000_000L + seq * 1_000_000_000L);
          insert.setString(3, "{\"trace_id\":\"5b8efff798038103d269b633813fc60c\",\"span_id\":\"00000000000000a" + seq + "\","
              + "\"attributes\":{\"gen_ai.operation.name\":\"chat\",\"gen_ai.provider.name\":\"openai\",\"gen_ai.request.model\":\"gpt-4o\","
              + "\"gen_ai.usage.input_tokens\":" + (100 * seq) + ",\"gen_ai.usage.output_tokens\":" + (10 * seq) + ",\"jouletrace.team\":\"search\"}}");
          insert.executeUpdate();
        }
      }
    }
    // Live recording already delivered the call of source seq 6 over OTLP, with the same attributes (other ones would conflict).
    Path otlp = Files.writeString(dir.resolve("live.json"), "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"5B8EFFF798038103D269B633813FC60C\","
        + "\"spanId\":\"00000000000000A6\",\"startTimeUnixNano\":\"1764064806000000000\",\"attributes\":["
        + "{\"key\":\"gen_ai.operation.name\",\"value\":{\"stringValue\":\"chat\"}},{\"key\":\"gen_ai.provider.name\",\"value\":{\"stringValue\":\"openai\"}},"
        + "{\"key\":\"gen_ai.request.model\",\"value\":{\"stringValue\":\"gpt-4o\"}},{\"key\":\"gen_ai.usage.output_tokens\",\"value\":{\"intValue\":\"60\"}},"
        + "{\"key\":\"gen_ai.usage.input_tokens\",\"value\":{\"intValue\":\"600\"}},{\"key\":\"jouletrace.team\",\"value\":{\"stringValue\":\"search\"}}]}]}]}]}\n");
    assertThat(jouletrace("ingest", "--data", data(), otlp.toString()).out()).contains("accepted 1");

    Run partial = jouletrace("import-chain", "--data", data(), "--since-seq", "4", sqlite.toString());
    assertThat(partial.exitCode()).isZero();
    assertThat(partial.out()).contains("chain rows read 3 (source seq 4..6), accepted 2, duplicates skipped 1");
    Run all = jouletrace("import-chain", "--data", data(), sqlite.toString());
    assertThat(all.out()).contains("chain rows read 6 (source seq 0..6), accepted 3, duplicates skipped 3");
    assertThat(head(all).group(1)).isEqualTo("6");
    assertThat(jouletrace("import-chain", "--data", data(), sqlite.toString()).out()).contains("accepted 0, duplicates skipped 6");

    try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + dir.resolve("data/ledger.duckdb")); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT source_ref, team FROM ledger_records WHERE id = '5b8efff798038103d269b633813fc60c:00000000000000a2'")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo("chain:calls.sqlite#2");
      assertThat(rs.getString(2)).isEqualTo("search");
    }
    assertThat(jouletrace("verify", "--data", data()).exitCode()).isZero();
  }

  /**
   * kill -9 in the middle of a large ingest, then the same ingest again: exactly the file's records,
   * each once, and the chain verifies. The child is a real JVM running the real CLI.
   */
  @Test
  void a_killed_ingest_rerun_stores_every_record_exactly_once() throws Exception {
    int records = 200_000;
    Path calls = dir.resolve("big.jsonl");
    try (Writer out = Files.newBufferedWriter(calls, StandardCharsets.UTF_8)) {
      for (int i = 0; i < records; i++) out.write(call(i, i % 3 == 0 ? "mistralai" : "openai", i % 3 == 0 ? "open-mistral-7b" : "gpt-4o", 1 + i % 700) + "\n");
    }
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process child = new ProcessBuilder(java.toString(), "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
        "io.jouletrace.cli.Main", "ingest", "--verbose", "--data", data(), "--batch-size", "5000", calls.toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("child.log").toFile()).start();
    // Kill once the child reports committed batches, well before it is done.
    Pattern committed = Pattern.compile("accepted ([1-9]\\d{4,})");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (child.isAlive() && System.nanoTime() < deadline && !committed.matcher(Files.readString(dir.resolve("child.log"))).find()) {
      Thread.sleep(5);
    }
    assertThat(child.isAlive()).as("the child must still be mid-ingest when killed; log: %s", Files.readString(dir.resolve("child.log"))).isTrue();
    child.destroyForcibly(); // SIGKILL on Linux: no shutdown hooks, no flush
    assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(child.exitValue()).isEqualTo(137);

    Run rerun = jouletrace("ingest", "--data", data(), calls.toString());
    assertThat(rerun.exitCode()).isZero();
    Matcher m = Pattern.compile("accepted (\\d+), duplicates skipped (\\d+), rejected 0").matcher(rerun.out());
    assertThat(m.find()).isTrue();
    long acceptedNow = Long.parseLong(m.group(1));
    long alreadyThere = Long.parseLong(m.group(2));
    assertThat(alreadyThere).as("batches committed before the kill survive").isPositive();
    assertThat(acceptedNow + alreadyThere).isEqualTo(records);
    assertThat(head(rerun).group(1)).isEqualTo(Integer.toString(records));

    try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + dir.resolve("data/ledger.duckdb")); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*), count(DISTINCT id), min(seq), max(seq) FROM ledger_records")) {
      rs.next();
      assertThat(List.of(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4))).containsExactly((long) records, (long) records, 1L, (long) records);
    }
    Run verify = jouletrace("verify", "--data", data());
    assertThat(verify.exitCode()).as(verify.out()).isZero();
  }
}
