package io.jouletrace.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.jouletrace.catalog.Catalog;
import io.jouletrace.core.carbon.IntensityResolver;
import io.jouletrace.core.methodology.Derivation;
import io.jouletrace.core.methodology.Estimate;
import io.jouletrace.core.methodology.Estimator;
import io.jouletrace.core.methodology.Methodology;
import io.jouletrace.core.model.NameEstimate;
import io.jouletrace.core.record.InvocationRecord;
import io.jouletrace.core.record.Operation;
import io.jouletrace.ledger.entry.FigureSet;
import io.jouletrace.ledger.store.DuckDbStore;
import io.jouletrace.ledger.store.Store;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Figures whose size was read from the model's name by an earlier rule (rule 1: the size taken as exact and dense)
 * keep verifying after the rule changed: verify recomputes each with the rule its stored model source names.
 */
class NameEstimateRuleTest {

  private static final String VERSION = Catalog.DEFAULT_METHODOLOGY;

  @TempDir
  Path dir;

  /** The estimator jouletrace had before rule 2: every size read from a name by rule 1. */
  private static Estimator beforeRule2() {
    Estimator today = Catalog.estimator(Catalog.Options.defaults());
    Methodology ecologits = today.forVersion(VERSION);
    Methodology rule1 = new Methodology() {
      @Override
      public String version() {
        return ecologits.version();
      }

      @Override
      public boolean models(Operation operation) {
        return ecologits.models(operation);
      }

      @Override
      public Estimate estimate(InvocationRecord record, IntensityResolver intensities, Derivation derivation) {
        return ecologits.estimate(record, intensities, NameEstimate.Rule.V1, derivation);
      }
    };
    return new Estimator(List.of(rule1), VERSION, List.of(), today.intensities());
  }

  @Test
  void a_ledger_written_under_rule_1_verifies_and_new_figures_follow_rule_2() {
    List<InvocationRecord> records = List.of(
        InvocationRecord.builder("groq", "llama-3-70b", 1000).id("named").timestamp(Instant.parse("2026-11-01T10:00:00Z")).zone("FRA").build(),
        InvocationRecord.builder("mistralai", "open-mistral-7b", 100).id("listed").timestamp(Instant.parse("2026-11-01T10:00:01Z")).build());
    try (Ledger old = Ledger.open(DuckDbStore.open(dir), signal -> beforeRule2(), null)) {
      LedgerContractTest.ingest(old, records, 10);
    }
    try (Ledger ledger = Ledger.open(DuckDbStore.open(dir), null)) {
      List<FigureSet> stored = new ArrayList<>();
      ledger.store().scan(entry -> stored.add(entry.figures()));
      assertThat(stored.getFirst().modelSource()).isEqualTo("name-estimate");
      assertThat(stored.getFirst().energyJoules().high() / stored.getFirst().energyJoules().low()).isLessThan(1.2);

      VerifyReport report = ledger.verify();
      assertThat(report.drift()).as(report.driftExamples().toString()).isZero();
      assertThat(report.ok()).isTrue();

      // Figures made now, beside the old ones, use rule 2; both verify.
      assertThat(ledger.backfill("ecologits-0.9.3", 10)).isEqualTo(2);
      List<Store.StoredFigureSet> backfilled = ledger.store().figureSets(ledger.store().entries("named").getFirst().seq());
      assertThat(backfilled.getFirst().figures().modelSource()).isEqualTo("name-estimate-2");
      assertThat(backfilled.getFirst().figures().energyJoules().high() / backfilled.getFirst().figures().energyJoules().low())
          .isGreaterThan(2);
      assertThat(ledger.verify().ok()).isTrue();
    }
  }
}
