package io.jouletrace.ledger.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.jouletrace.catalog.Catalog;
import io.jouletrace.core.record.InvocationRecord;
import io.jouletrace.core.record.Operation;
import io.jouletrace.ledger.Ledger;
import io.jouletrace.ledger.LedgerContractTest;
import io.jouletrace.ledger.entry.LedgerEntry;
import io.jouletrace.ledger.VerifyReport;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ledger contract on PostgreSQL (a private cluster, or {@code JOULETRACE_TEST_POSTGRES}), plus
 * what is particular to it: the same chain as DuckDB, values that need escaping or exact doubles,
 * URLs with passwords, and a second concurrent writer.
 */
class PostgresStoreTest extends LedgerContractTest {

  @RegisterExtension
  static final PostgresServer POSTGRES = new PostgresServer();

  private String url;

  @BeforeEach
  void freshDatabase() {
    url = POSTGRES.newDatabase();
  }

  @Override
  protected Store openStore() {
    return PostgresStore.open(url);
  }

  @Override
  protected void sql(String statement) {
    PostgresServer.execute(url, statement);
  }

  /** Records whose values need escaping in COPY text, doubles that only round-trip if written and read exactly, edge timestamps. */
  static List<InvocationRecord> awkward() {
    String[] texts = {"tab\there", "new\nline", "carriage\rreturn", "back\\slash", "\\N", "\\.", "", " ", "\"quoted\" 'single'",
        "comma,semi;colon", "é ü ß", "电力", "🔋⚡", "a\\tb", "NULL", "\\\\N\t\n"};
    double[] doubles = {Double.MIN_VALUE, Double.MIN_NORMAL, 0.1 + 0.2, 1e308, Double.MAX_VALUE, 123456789.12345679, 1.0 / 3,
        2.5e-5, 0.0, -0.0, Double.POSITIVE_INFINITY, 7e22, 9007199254740993.0, Math.PI, Math.E * 1e-200};
    Instant[] instants = {Instant.parse("1969-12-31T23:59:59.999999Z"), Instant.parse("1970-01-01T00:00:00Z"),
        Instant.parse("0001-01-01T00:00:00Z"), Instant.parse("9999-12-31T23:59:59.999999Z"),
        Instant.parse("1582-10-10T12:34:56.000001Z"), Instant.parse("2026-02-28T23:59:59.5Z")};
    Operation[] operations = {Operation.CHAT, Operation.TEXT_COMPLETION, Operation.GENERATE_CONTENT, Operation.EMBEDDINGS};
    List<InvocationRecord> out = new ArrayList<>();
    for (int i = 0; i < texts.length * 2; i++) {
      String text = texts[i % texts.length];
      out.add(InvocationRecord.builder(i % 3 == 0 ? "openai" : "acme", i % 3 == 0 ? "gpt-4o" : "model " + text, i * 1_000_003L)
          .id("awkward-" + i + "-" + text)
          .timestamp(instants[i % instants.length])
          .tenant(text).team(i % 2 == 0 ? null : text).costCenter(text + text).traceId(i % 4 == 0 ? null : "t" + text)
          .operation(operations[i % operations.length])
          .inputTokens(i % 5 == 0 ? null : (1L << 53) + i).reasoningTokens(i % 2 == 0 ? null : (long) i)
          .cachedInputTokens(i % 3 == 0 ? 0L : null)
          .latencySeconds(i % 7 == 0 ? null : doubles[i % doubles.length])
          .zone(i % 2 == 0 ? "FRA" : null).region(i % 3 == 1 ? text : null)
          .intensityGramsPerKwh(i % 4 == 1 && Double.isFinite(doubles[(i * 5) % doubles.length]) ? doubles[(i * 5) % doubles.length] : null)
          .build());
    }
    return out;
  }

  @Test
  void duckdb_and_postgresql_seal_the_same_chain(@TempDir Path dir) {
    List<InvocationRecord> records = new ArrayList<>(records(3_000, 11));
    records.addAll(1_000, awkward());
    Function<Store, List<LedgerEntry>> ingestAndScan = store -> {
      try (Ledger ledger = Ledger.open(store, null)) {
        Ledger.Writer writer = ingest(ledger, records, 700);
        assertThat(writer.accepted()).isEqualTo(records.size());
        assertThat(ledger.backfill("ecologits-0.4.0", 900)).isEqualTo(records.size());
        VerifyReport report = ledger.verify();
        assertThat(report.ok()).as(report.toString()).isTrue();
        assertThat(report.headHash()).isEqualTo(writer.head().hash());
        List<LedgerEntry> entries = new ArrayList<>();
        store.scan(entries::add);
        store.scanFigureSets((entry, set) -> entries.add(new LedgerEntry(-entry.seq(), entry.record(), set.figures(), null, set.hash())));
        return entries;
      }
    };
    List<LedgerEntry> duck = ingestAndScan.apply(DuckDbStore.open(dir));
    List<LedgerEntry> postgres = ingestAndScan.apply(PostgresStore.open(url));

    assertThat(postgres).hasSize(2 * records.size());
    assertThat(postgres.get(records.size() - 1).hash()).isEqualTo(duck.get(records.size() - 1).hash());
    for (int i = 0; i < duck.size(); i++) assertThat(postgres.get(i)).as("entry %d", i).isEqualTo(duck.get(i));
    // And what is stored is what was given, bit for bit (timestamps are already whole microseconds here).
    for (int i = 0; i < records.size(); i++) {
      InvocationRecord given = records.get(i);
      InvocationRecord stored = postgres.get(i).record();
      assertThat(stored).isEqualTo(new InvocationRecord(given.id(), LedgerEntry.storedTimestamp(given.timestamp()), given.tenant(),
          given.team(), given.costCenter(), given.traceId(), given.provider(), given.model(), given.operation(), given.inputTokens(),
          given.outputTokens(), given.reasoningTokens(), given.cachedInputTokens(), given.latencySeconds(), given.zone(),
          given.region(), given.intensityGramsPerKwh(), given.modelRequested(), null));
    }
  }

  @Test
  void backfill_keeps_scanning_past_one_fetch_while_it_commits() {
    // More records than one FETCH of the scan's cursor: each appended batch of figure sets commits mid-scan.
    try (Ledger ledger = open(null)) {
      ingest(ledger, records(12_500, 17), 5_000);
      assertThat(ledger.backfill("ecologits-0.4.0", 1_000)).isEqualTo(12_500);
      assertThat(ledger.backfill("ecologits-0.4.0", 1_000)).isZero();
      VerifyReport report = ledger.verify();
      assertThat(report.ok()).isTrue();
      assertThat(report.figureSetsChecked()).isEqualTo(12_500);
    }
  }

  @Test
  void a_ledger_written_before_tenant_identity_migrates_and_still_verifies() throws Exception {
    List<InvocationRecord> records = records(300, 31);
    try (Ledger ledger = open(null)) {
      ingest(ledger, records, 100);
      assertThat(ledger.backfill("rates-1", 100)).isEqualTo(300);
    }
    // The schema as it was before V9: figure sets unique per (id, methodology version).
    sql("DROP INDEX ledger_figure_sets_seq_version");
    sql("CREATE UNIQUE INDEX ledger_figure_sets_id_version ON ledger_figure_sets (id, methodology_version)");
    String migration;
    try (var in = Store.class.getResourceAsStream("/io/jouletrace/ledger/migrations/V9__tenant_identity.postgresql.sql")) {
      migration = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
    for (String statement : migration.replaceAll("(?m)--.*$", "").split(";")) {
      if (!statement.isBlank()) sql(statement);
    }

    try (Ledger ledger = open(null)) {
      VerifyReport report = ledger.verify();
      assertThat(report.ok()).isTrue();
      assertThat(report.figureSetsChecked()).isEqualTo(300);
      // The first record's id again for another tenant: a record of its own, with its own figure set.
      InvocationRecord first = records.getFirst();
      ingest(ledger, List.of(first.withTenant(first.tenant() + "-other")), 10);
      assertThat(ledger.store().entries(first.id())).hasSize(2);
      assertThat(ledger.backfill("rates-1", 100)).isEqualTo(1);
      assertThat(ledger.verify().ok()).isTrue();
    }
  }

  @Test
  void a_nul_character_is_refused_and_nothing_of_the_batch_is_stored() {
    try (Ledger ledger = open(null)) {
      ingest(ledger, records(10, 12), 100);
      InvocationRecord bad = InvocationRecord.builder("openai", "gpt-4o", 10).id("nul\u0000id")
          .timestamp(Instant.parse("2026-01-01T00:00:00Z")).build();
      Ledger.Writer writer = ledger.writer(Catalog.DEFAULT_METHODOLOGY, 100);
      for (InvocationRecord r : records(5, 13)) writer.add(r, "ok");
      writer.add(bad, "bad");
      assertThatThrownBy(writer::flush).isInstanceOf(StoreException.class).hasMessageContaining("NUL character");
      assertThat(ledger.store().head().seq()).isEqualTo(10);
      assertThat(ledger.verify().ok()).isTrue();
    }
  }

  @Test
  void a_second_writer_at_the_same_time_fails_instead_of_forking_the_chain() {
    try (Ledger first = open(null); Ledger second = open(null)) {
      Ledger.Writer a = first.writer(Catalog.DEFAULT_METHODOLOGY, 1_000);
      Ledger.Writer b = second.writer(Catalog.DEFAULT_METHODOLOGY, 1_000);
      for (InvocationRecord r : records(20, 14)) a.add(r, "a");
      for (InvocationRecord r : records(20, 15)) b.add(r, "b");
      a.flush();
      assertThatThrownBy(b::flush).isInstanceOf(StoreException.class).hasMessageContaining("another writer");
      VerifyReport report = first.verify();
      assertThat(report.ok()).isTrue();
      assertThat(report.recordsChecked()).isEqualTo(20);
    }
  }

  @Test
  void the_same_record_sent_to_two_servers_writers_is_stored_once_and_the_loser_answers_it_as_a_duplicate_or_conflict() {
    // Two servers' ledgers on one database, each writer knowing none of the other's ids (both start on an empty ledger).
    try (Ledger first = open(null); Ledger second = open(null)) {
      Ledger.Writer a = first.appendAs("a", null).writer(Catalog.DEFAULT_METHODOLOGY, 100);
      Ledger.Writer b = second.appendAs("b", null).writer(Catalog.DEFAULT_METHODOLOGY, 4);
      List<InvocationRecord> records = records(15, 17);
      for (InvocationRecord r : records.subList(0, 10)) a.add(r, "a");
      a.flush();
      // b: five the same as a's (duplicates), one with other content (a conflict), five new; batches of 4, so the
      // batches after a refused one were hashed onto it and must be chained afresh.
      for (InvocationRecord r : records.subList(4, 9)) b.add(r, "b");
      InvocationRecord tenth = records.get(9);
      b.add(InvocationRecord.builder(tenth.provider(), tenth.model(), tenth.outputTokens() + 1).id(tenth.id()).tenant(tenth.tenant())
          .timestamp(tenth.timestamp()).build(), "b:conflict");
      for (InvocationRecord r : records.subList(10, 15)) b.add(r, "b");
      b.close();
      assertThat(b.accepted()).isEqualTo(5);
      assertThat(b.duplicates()).isEqualTo(5);
      assertThat(b.takeConflicts()).extracting(Ledger.Conflict::id, Ledger.Conflict::storedSeq).containsExactly(tuple(tenth.id(), 10L));
      assertThat(b.head().seq()).as("b's chain: its five records").isEqualTo(5);
      VerifyReport report = first.verify();
      assertThat(report.ok()).as(report.toString()).isTrue();
      assertThat(report.recordsChecked()).isEqualTo(15);
      assertThat(report.chains()).extracting(VerifyReport.ChainCheck::chain, VerifyReport.ChainCheck::records)
          .containsExactly(tuple("a", 10L), tuple("b", 5L));
    }
  }

  @Test
  void a_password_in_the_url_is_used_and_never_shown() {
    String withPassword = POSTGRES.withPassword(url);
    for (String form : List.of(withPassword, "jdbc:" + withPassword)) {
      try (PostgresStore store = PostgresStore.open(form)) {
        assertThat(store.describe()).startsWith("PostgreSQL postgresql://").endsWith(url.substring(url.lastIndexOf('/')));
        if (POSTGRES.isPrivateCluster()) {
          assertThat(store.describe()).doesNotContain("p@ss", "p%40ss").contains(PostgresServer.PASSWORD_ROLE + "@");
        }
        try (Ledger ledger = Ledger.open(store, null)) {
          ingest(ledger, records(5, 16), 10);
        }
      }
    }
    try (Ledger ledger = open(null)) {
      assertThat(ledger.verify().recordsChecked()).isEqualTo(5);
    }
  }

  @Test
  void urls_in_every_accepted_form_are_shown_without_their_password() {
    assertThat(PostgresStore.display("postgresql://bob:s3cret@db.example:5433/ledger?sslmode=require"))
        .isEqualTo("postgresql://bob@db.example:5433/ledger?sslmode=require");
    assertThat(PostgresStore.display("postgres://bob:s%40cret@db.example/ledger"))
        .isEqualTo("postgresql://bob@db.example/ledger");
    assertThat(PostgresStore.display("jdbc:postgresql://db.example:5432/ledger?user=bob&password=s3cret&ssl=true"))
        .isEqualTo("postgresql://bob@db.example:5432/ledger?ssl=true");
    assertThat(PostgresStore.display("jdbc:postgresql://[::1]:5432/ledger")).isEqualTo("postgresql://[::1]:5432/ledger");
    assertThat(PostgresStore.display("postgresql:///ledger")).isEqualTo("postgresql://localhost/ledger");
    assertThatThrownBy(() -> PostgresStore.display("mysql://bob:s3cret@db/ledger"))
        .isInstanceOf(IllegalArgumentException.class).message().doesNotContain("s3cret");
    // A server that is not there: the error names it, without the password.
    assertThatThrownBy(() -> PostgresStore.open("postgresql://bob:s3cret@127.0.0.1:1/ledger?connectTimeout=2"))
        .isInstanceOf(StoreException.class).hasMessageContaining("postgresql://bob@127.0.0.1:1/ledger").message()
        .doesNotContain("s3cret");
  }
}
