package io.jouletrace.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.jouletrace.core.record.InvocationRecord;
import io.jouletrace.ledger.entry.LedgerEntry;
import io.jouletrace.ledger.store.DuckDbStore;
import io.jouletrace.ledger.store.Store;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Records figured under EcoLogits 0.9.1 keep those figures; {@code backfill --methodology ecologits-0.9.3}
 * adds 0.9.3's beside them, which know the models 0.9.3's registry added (and its new aliases).
 */
class BackfillEcoLogits093Test {

  @TempDir
  Path dir;

  @Test
  void backfill_under_0_9_3_figures_the_models_its_registry_added() {
    List<InvocationRecord> calls = List.of(
        call("a", "anthropic", "claude-haiku-4-5"), call("b", "openai", "gpt-5.1"), call("c", "mistralai", "open-mistral-7b"));
    try (Ledger ledger = Ledger.open(DuckDbStore.open(dir), null)) {
      try (Ledger.Writer writer = ledger.writer("ecologits-0.9.1", 10)) {
        for (InvocationRecord call : calls) writer.add(call, "test:" + call.id());
      }
      assertThat(ledger.store().entries("a").getFirst().figures().energyJoules()).as("0.9.1 lists no claude-haiku-4-5").isNull();

      assertThat(ledger.backfill("ecologits-0.9.3", 10)).isEqualTo(3);
      assertThat(ledger.backfill("ecologits-0.9.3", 10)).isZero();

      for (InvocationRecord call : calls) {
        LedgerEntry entry = ledger.store().entries(call.id()).getFirst();
        assertThat(entry.figures().methodologyVersion()).isEqualTo("ecologits-0.9.1");
        List<Store.StoredFigureSet> added = ledger.store().figureSets(entry.seq());
        assertThat(added).singleElement().satisfies(set -> {
          assertThat(set.figures().methodologyVersion()).isEqualTo("ecologits-0.9.3");
          assertThat(set.figures().energyJoules()).as(call.model()).isNotNull();
        });
      }
      assertThat(ledger.store().figureSets(ledger.store().entries("a").getFirst().seq()).getFirst().figures().modelResolved()).isEqualTo("claude-haiku-4-5-20251001");
      assertThat(ledger.verify().ok()).isTrue();
    }
  }

  private static InvocationRecord call(String id, String provider, String model) {
    return InvocationRecord.builder(provider, model, 400).id(id).timestamp(Instant.parse("2026-12-01T10:00:00Z"))
        .latencySeconds(8.0).zone("FRA").build();
  }
}
