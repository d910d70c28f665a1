package io.jouletrace.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.jouletrace.catalog.Catalog;
import io.jouletrace.core.figure.NullReason;
import io.jouletrace.core.record.InvocationRecord;
import io.jouletrace.ledger.entry.LedgerEntry;
import io.jouletrace.ledger.store.DuckDbStore;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A record the methodology fails on does not take its batch, or the writer, down with it. */
class FigureGuardTest {

  @Test
  void a_record_the_methodology_fails_on_is_stored_with_null_figures_and_its_reason_and_the_ledger_verifies(@TempDir Path dir) {
    Instant at = Instant.parse("2026-11-01T10:00:00Z");
    InvocationRecord overflowing = InvocationRecord.builder("openai", "gpt-4o", 9_000_000_000_000_000_000L).id("huge").timestamp(at)
        .intensityGramsPerKwh(1e308).build();
    try (Ledger ledger = Ledger.open(DuckDbStore.open(dir), null); Ledger.Writer writer = ledger.writer(Catalog.DEFAULT_METHODOLOGY, 100)) {
      writer.add(InvocationRecord.builder("openai", "gpt-4o", 100).id("before").timestamp(at).build(), "test");
      writer.add(overflowing, "test");
      writer.add(InvocationRecord.builder("openai", "gpt-4o", 100).id("after").timestamp(at).build(), "test");
      writer.flush();
      writer.add(InvocationRecord.builder("openai", "gpt-4o", 100).id("next-batch").timestamp(at).build(), "test");
      writer.flush();

      assertThat(writer.accepted()).isEqualTo(4);
      LedgerEntry huge = ledger.store().entries("huge").getFirst();
      assertThat(huge.figures().energyJoules()).isNull();
      assertThat(huge.figures().nullReasons()).contains("energy=" + NullReason.ESTIMATE_FAILED);
      assertThat(ledger.store().entries("after").getFirst().figures().energyJoules()).isNotNull();
      assertThat(ledger.verify().ok()).isTrue();
    }
  }
}
