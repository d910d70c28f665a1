package io.jouletrace.ledger;

import io.jouletrace.ledger.chain.ChainHasher;
import io.jouletrace.ledger.report.DerivedTables;
import io.jouletrace.ledger.store.Store;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Walks the ledger in seq order, recomputing each hash from the stored content and the previous
 * stored hash, and each figure set from the stored inputs with the stored methodology version.
 *
 * <p>Without an HMAC key, someone who edits a record can also rewrite its hash; the break then shows
 * at the next record, whose hash no longer follows. With a key they cannot, and the edited record
 * itself is named.
 *
 * <p>Then it checks the derived tables reports read against the records ({@link DerivedTables}) and, when given a
 * checkpoint, that the ledger still holds the record the checkpoint names: the chain alone cannot show its newest
 * records were deleted.
 */
final class Verifier {

  private static final int MAX_EXAMPLES = 10;

  private final Ledger ledger;
  private final Store store;
  private final ChainHasher hasher;
  private final Checkpoint expectedHead;

  private long checked;
  private long expectedSeq = 1;
  private String previousHash = ChainHasher.GENESIS;
  private Long firstAltered;
  private String firstAlteredId;
  private String alteration;
  private long recomputed;
  private long drift;
  private final List<String> examples = new ArrayList<>();
  private long figureSets;
  private long otherDatasets;
  private final List<String> otherDatasetExamples = new ArrayList<>();

  /** The checkpoint's record as the scan met it; null while not met. */
  private LedgerEntry expectedHeadEntry;

  /** @param expectedHead a checkpoint the ledger must still extend; null for none */
  Verifier(Ledger ledger, ChainHasher hasher, Checkpoint expectedHead) {
    this.ledger = ledger;
    this.store = ledger.store();
    this.hasher = hasher;
    this.expectedHead = expectedHead;
  }

  VerifyReport run() {
    store.scan(this::check);
    store.scanFigureSets(this::checkFigureSet);
    VerifyReport.HeadCheck head = expectedHead == null ? null
        : new VerifyReport.HeadCheck(expectedHead.seq(), expectedHead.hash(), expectedHeadProblem());
    return new VerifyReport(checked, firstAltered, alteration, recomputed, drift, List.copyOf(examples), figureSets, previousHash,
        firstAlteredId, DerivedTables.check(store), head, new VerifyReport.OtherDatasets(otherDatasets, otherDatasetExamples));
  }

  /** Why the ledger does not extend the checkpoint (or the checkpoint is refused); null when it does. */
  private String expectedHeadProblem() {
    String refusal = expectedHead.refusal(hasher);
    if (refusal != null) return "checkpoint refused: " + refusal;
    if (expectedHead.seq() == 0) {
      return expectedHead.hash().equals(ChainHasher.GENESIS) ? null : "seq 0 is the empty chain, whose hash is " + ChainHasher.GENESIS;
    }
    if (expectedHeadEntry == null) return "seq " + expectedHead.seq() + " is missing: the ledger ends before it (truncated)";
    return expectedHeadEntry.hash().equals(expectedHead.hash()) ? null : "seq " + expectedHeadEntry.seq() + " (id "
        + expectedHeadEntry.record().id() + ") has hash " + expectedHeadEntry.hash() + ", the checkpoint has " + expectedHead.hash() + " (rewritten)";
  }

  private void check(LedgerEntry entry) {
    checked++;
    if (expectedHead != null && entry.seq() == expectedHead.seq()) expectedHeadEntry = entry;
    List<String> differences = refigured("seq " + entry.seq(), entry, entry.figures());
    recomputed++;
    if (!differences.isEmpty()) noteDrift("seq " + entry.seq(), differences);
    if (firstAltered == null) {
      if (entry.seq() != expectedSeq) {
        breakAt(expectedSeq, entry.seq() > expectedSeq ? null : entry.record().id(), entry.seq() > expectedSeq
            ? "seq " + expectedSeq + (entry.seq() - expectedSeq > 1 ? "–" + (entry.seq() - 1) : "") + " missing (next stored seq is " + entry.seq() + ")"
            : "seq " + entry.seq() + " stored twice");
      } else {
        String computed = hasher.hash(previousHash, entry);
        if (!computed.equals(entry.hash())) {
          breakAt(entry.seq(), entry.record().id(), "stored hash " + entry.hash() + " does not follow from the stored content and the previous hash (recomputed "
              + computed + ")" + (differences.isEmpty() ? "" : "; figures no longer match inputs: " + String.join("; ", differences)));
        }
      }
    }
    previousHash = entry.hash();
    expectedSeq = entry.seq() + 1;
  }

  private void checkFigureSet(LedgerEntry entry, Store.StoredFigureSet set) {
    figureSets++;
    recomputed++;
    List<String> differences;
    if (set.attributionRun() == null) {
      differences = refigured("seq " + entry.seq() + " " + set.figures().methodologyVersion(), entry, set.figures());
    } else {
      differences = measuredDifferences(entry, set);
    }
    if (!differences.isEmpty()) noteDrift("seq " + entry.seq() + " " + set.figures().methodologyVersion(), differences);
    if (firstAltered == null && !hasher.hash(entry.hash(), set.figures(), set.attributionRun()).equals(set.hash())) {
      breakAt(entry.seq(), entry.record().id(), "the " + set.figures().methodologyVersion() + " figure set of seq " + entry.seq() + " was altered after it was sealed");
    }
  }

  /** A run's measured sets recomputed from its stored inputs, by span id; or why they cannot be. */
  private record RecomputedRun(Map<String, FigureSet> sets, String problem) {}

  private final Map<String, RecomputedRun> runs = new HashMap<>();

  private List<String> measuredDifferences(LedgerEntry entry, Store.StoredFigureSet set) {
    RecomputedRun run = runs.computeIfAbsent(set.attributionRun(), id -> {
      try {
        return new RecomputedRun(Measurement.recompute(ledger, id), null);
      } catch (RuntimeException e) {
        return new RecomputedRun(Map.of(), e.getMessage());
      }
    });
    if (run.problem() != null) return List.of(run.problem());
    FigureSet recomputedSet = run.sets().get(entry.record().id());
    if (recomputedSet == null) return List.of("attribution run " + set.attributionRun() + " no longer gives this record energy");
    return set.figures().differences(recomputedSet);
  }

  private void breakAt(long seq, String id, String what) {
    firstAltered = seq;
    firstAlteredId = id;
    alteration = what;
  }

  /**
   * How {@code stored} differs from its recomputation; nothing when it names dataset releases no longer bundled, which
   * is counted and named instead: its figures follow from other data, so a difference would not be drift.
   */
  private List<String> refigured(String where, LedgerEntry entry, FigureSet stored) {
    FigureSet recomputedSet = FigureSet.withDatasets(ledger.refigure(entry, stored));
    if (stored.datasetsDiffer(recomputedSet)) {
      otherDatasets++;
      if (otherDatasetExamples.size() < MAX_EXAMPLES) {
        otherDatasetExamples.add(where + ": figured with " + stored.datasets() + ", bundled now " + recomputedSet.datasets());
      }
      return List.of();
    }
    return stored.differences(recomputedSet);
  }

  private void noteDrift(String where, List<String> differences) {
    drift++;
    if (examples.size() < MAX_EXAMPLES) examples.add(where + ": " + String.join("; ", differences));
  }
}
