package io.jouletrace.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.jouletrace.core.carbon.IntensityResolver;
import io.jouletrace.core.methodology.Estimate;
import io.jouletrace.core.methodology.Estimator;
import io.jouletrace.core.record.InvocationRecord;
import io.jouletrace.ledger.store.DuckDbStore;
import io.jouletrace.ledger.store.Store;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The composition root: one estimator for a call however it comes in, and one clock for "now". */
class CompositionTest {

  private static final Instant NOW = Instant.parse("2026-03-01T10:20:00Z");
  private static final Composition ROOT = new Composition(null, null,
      IntensityResolver.Deployment.of(new IntensityResolver.DeploymentDefault("FRA", null)), InstantSource.fixed(NOW), null);
  private static final InvocationRecord CALL = InvocationRecord.builder("openai", "gpt-4o", 300).latencySeconds(2.5).build();

  @TempDir
  Path dir;

  @Test
  void a_call_without_a_time_is_figured_at_the_clocks_now_with_the_series_stored_in_the_ledger() {
    try (Ledger ledger = ROOT.open(DuckDbStore.open(dir))) {
      ledger.addSignals(List.of(new Store.SignalPoint(Store.SignalPoint.INTENSITY, "FRA", NOW.minusSeconds(1200), 42.5, "fra.csv")));
      InvocationRecord now = Composition.madeNow(CALL, ledger.clock());
      assertThat(now.timestamp()).isEqualTo(NOW);
      Estimate inLedger = ledger.estimator().estimate(now, "ecologits-0.9.3");
      assertThat(inLedger.intensity().gramsPerKwh()).as(inLedger.intensity().source()).isEqualTo(42.5);

      Estimator besideIt = ROOT.estimator(ledger.store());
      assertThat(besideIt.estimate(now, "ecologits-0.9.3").carbon()).as("the same series read from the store")
          .isEqualTo(inLedger.carbon());
      assertThat(ROOT.estimator().estimate(now, "ecologits-0.9.3").intensity().gramsPerKwh()).as("no ledger, no series")
          .isNotEqualTo(42.5);
      assertThat(ledger.checkpoint().at()).as("the checkpoint's time is the root's clock").isEqualTo(NOW);
    }
  }

  @Test
  void a_call_with_a_time_keeps_it() {
    Instant then = Instant.parse("2025-01-01T00:00:00Z");
    assertThat(Composition.madeNow(CALL.withTimestamp(then), ROOT.clock()).timestamp()).isEqualTo(then);
  }
}
