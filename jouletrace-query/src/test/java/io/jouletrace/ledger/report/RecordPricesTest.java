package io.jouletrace.ledger.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.jouletrace.core.record.InvocationRecord;
import io.jouletrace.ledger.Ledger;
import io.jouletrace.ledger.LedgerContractTest;
import io.jouletrace.ledger.entry.LedgerEntry;
import io.jouletrace.ledger.store.DuckDbStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The list price applied when a record is written is stored on it, sealed by its hash, and is what the FOCUS export
 * bills: a later price table changes nothing already written. A ledger from before prices were kept migrates (V12)
 * and verifies.
 */
class RecordPricesTest {

  @TempDir
  Path dir;

  private static final Scope EVERYTHING = new Scope(Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2027-01-01T00:00:00Z"), Map.of());

  private static InvocationRecord call(String id, String model, String day) {
    return InvocationRecord.builder("openai", model, 1_000).id(id).timestamp(Instant.parse(day + "T10:00:00Z")).team("search")
        .inputTokens(2_000L).build();
  }

  private static PriceTable table(String rows) throws IOException {
    return PriceTable.parse("mine.csv", new ByteArrayInputStream(("provider,model,input_per_1m_tokens,output_per_1m_tokens,currency,as_of\n" + rows)
        .getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void the_bundled_table_prices_new_records_and_a_dated_snapshot_takes_its_models_price() {
    try (Ledger ledger = Ledger.open(DuckDbStore.open(dir), null)) {
      LedgerContractTest.ingest(ledger, List.of(call("a", "gpt-4o-mini-2024-07-18", "2026-11-02"), call("b", "in-house", "2026-11-02")), 10);
      PriceTable.Price price = ledger.store().entries("a").getFirst().price();
      assertThat(price).isEqualTo(PriceTable.bundled().find("openai", "gpt-4o-mini"));
      assertThat(price.inputPerMillionTokens()).isEqualByComparingTo("0.15");
      assertThat(price.source()).isEqualTo("https://platform.openai.com/docs/pricing");
      assertThat(price.asOf()).isNotNull();
      assertThat(ledger.store().entries("b").getFirst().price()).as("no price for an unlisted model").isNull();
      var json = recordJson(ledger, "a");
      assertThat(json.get("record").get("price").toString()).isEqualTo("{\"currency\":\"USD\",\"input_per_1m_tokens\":0.15,"
          + "\"output_per_1m_tokens\":0.6,\"source\":\"https://platform.openai.com/docs/pricing\",\"as_of\":\"" + price.asOf() + "\"}");
      assertThat(recordJson(ledger, "b").get("record").has("price")).isFalse();
      assertThat(ledger.verify().ok()).isTrue();
    }
  }

  @Test
  void a_stored_price_is_what_the_export_bills_whatever_the_table_says_later() throws Exception {
    try (Ledger ledger = Ledger.open(DuckDbStore.open(dir), null)) {
      ledger.usePrices(table("openai,gpt-4o,2.50,10,USD,2026-03-01\n"));
      LedgerContractTest.ingest(ledger, List.of(call("old", "gpt-4o", "2026-11-02")), 10);
      ledger.usePrices(table("openai,gpt-4o,5,20,USD,2026-11-15\n"));
      LedgerContractTest.ingest(ledger, List.of(call("new", "gpt-4o", "2026-11-20")), 10);
      assertThat(ledger.verify().ok()).isTrue();

      // An export-time table prices only records without a stored price: here, none.
      List<Map<String, String>> rows = export(ledger, table("openai,gpt-4o,100,100,EUR,2026-12-01\n"));
      assertThat(rows).extracting(r -> r.get("BilledCost"), r -> r.get("BillingCurrency"), r -> r.get("x_ListPriceAsOf"),
              r -> r.get("x_ListPriceSource"))
          .containsExactly(org.assertj.core.groups.Tuple.tuple("0.015", "USD", "2026-03-01", "mine.csv"),
              org.assertj.core.groups.Tuple.tuple("0.03", "USD", "2026-11-15", "mine.csv"));
    }
    // Tampering with a stored rate breaks the chain at that record.
    sql("UPDATE ledger_records SET price_input_per_1m = '0.1' WHERE id = 'old'");
    try (Ledger ledger = Ledger.open(DuckDbStore.open(dir), null)) {
      assertThat(ledger.verify().ok()).isFalse();
    }
  }

  @Test
  void a_ledger_written_before_prices_were_kept_migrates_and_still_verifies() throws Exception {
    // Records written without a price hash in the old form, as every record before V12 did.
    try (Ledger ledger = Ledger.open(DuckDbStore.open(dir), null).usePrices(PriceTable.NONE)) {
      LedgerContractTest.ingest(ledger, List.of(call("a", "gpt-4o", "2026-11-02"), call("b", "gpt-4o-mini", "2026-11-02")), 10);
    }
    // The schema as it was before V12: no price columns, nor what later migrations added (V13's requested model, V14's
    // chains), migrations up to V11.
    for (String column : List.of("price_currency", "price_input_per_1m", "price_output_per_1m", "price_source", "price_as_of",
        "model_requested", "chain", "chain_seq")) {
      sql("ALTER TABLE ledger_records DROP COLUMN " + column);
    }
    sql("DROP TABLE ledger_chains");
    sql("DROP TABLE ledger_roots");
    sql("DELETE FROM schema_migrations WHERE version >= 12");

    try (Ledger ledger = Ledger.open(DuckDbStore.open(dir), null)) {
      assertThat(ledger.verify().ok()).isTrue();
      assertThat(ledger.store().entries("a").getFirst().price()).isNull();
      LedgerContractTest.ingest(ledger, List.of(call("c", "gpt-4o", "2026-11-03")), 10);
      assertThat(ledger.store().entries("c").getFirst().price()).isNotNull();
      assertThat(ledger.verify().ok()).isTrue();
    }
  }

  /** The record as GET /api/invocations/{id} shows it. */
  private static com.fasterxml.jackson.databind.node.ObjectNode recordJson(Ledger ledger, String id) {
    LedgerEntry entry = ledger.store().entries(id).getFirst();
    return RecordJson.of(entry, List.of(), stored -> ledger.refigure(entry, stored));
  }

  private static List<Map<String, String>> export(Ledger ledger, PriceTable fallback) throws IOException {
    return FocusExportTest.rows(FocusExportTest.export(ledger, EVERYTHING, new FocusExport.Options(Dimension.DAY, Dimension.TEAM, "acme", fallback)));
  }

  private void sql(String statement) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + dir.resolve(DuckDbStore.FILE_NAME)); Statement st = c.createStatement()) {
      st.execute(statement);
    }
  }
}
