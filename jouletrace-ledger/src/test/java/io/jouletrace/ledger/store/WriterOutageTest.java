package io.jouletrace.ledger.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jouletrace.catalog.Catalog;
import io.jouletrace.core.record.InvocationRecord;
import io.jouletrace.ledger.Ledger;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The ledger writer through a real outage: its private PostgreSQL server stopped and started again. */
class WriterOutageTest {

  @RegisterExtension
  static final PostgresServer POSTGRES = new PostgresServer();

  private static InvocationRecord call(String id) {
    return InvocationRecord.builder("openai", "gpt-4o", 100).id(id).timestamp(Instant.parse("2026-11-01T10:00:00Z")).tenant("acme").build();
  }

  private static void add(Ledger.Writer writer, String prefix, int count) {
    for (int i = 0; i < count; i++) writer.add(call(prefix + i), "test");
  }

  @Test
  void a_failed_append_fails_its_batch_only_and_the_writer_goes_on_from_the_committed_head_once_the_database_is_back()
      throws Exception {
    assumeTrue(POSTGRES.isPrivateCluster(), "stopping the server needs the private cluster");
    try (Ledger ledger = Ledger.open(PostgresStore.open(POSTGRES.newDatabase()), null);
        Ledger.Writer writer = ledger.writer(Catalog.DEFAULT_METHODOLOGY, 1_000)) {
      add(writer, "before-", 20);
      writer.flush();

      POSTGRES.stopServer();
      try {
        add(writer, "during-", 20);
        assertThatThrownBy(writer::flush).isInstanceOf(StoreException.class);
        add(writer, "again-", 5);
        assertThatThrownBy(writer::flush).as("still away: this batch fails too, on its own").isInstanceOf(StoreException.class);
      } finally {
        POSTGRES.startAgain();
      }

      add(writer, "after-", 20);
      add(writer, "during-", 20); // the failed batch, sent again
      writer.flush();
      assertThat(writer.accepted()).isEqualTo(60);
      assertThat(writer.duplicates()).isZero();
      assertThat(writer.head().seq()).isEqualTo(60);
      assertThat(ledger.store().entries("during-7")).hasSize(1);
      assertThat(ledger.store().entries("again-0")).as("a failed batch is not stored behind the caller's back").isEmpty();
      assertThat(ledger.verify().ok()).isTrue();
    }
  }
}
