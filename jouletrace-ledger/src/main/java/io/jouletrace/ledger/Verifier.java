package io.jouletrace.ledger;

import io.jouletrace.ledger.chain.ChainHasher;
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
 */
final class Verifier {

  private static final int MAX_EXAMPLES = 10;

  private final Ledger ledger;
  private final Store store;
  private final ChainHasher hasher;

  private long checked;
  private long expectedSeq = 1;
  private String previousHash = ChainHasher.GENESIS;
  private Long firstAltered;
  private String alteration;
  private long recomputed;
  private long drift;
  private final List<String> examples = new ArrayList<>();
  private long figureSets;

  Verifier(Ledger ledger, ChainHasher hasher) {
    this.ledger = ledger;
    this.store = ledger.store();
    this.hasher = hasher;
  }

  VerifyReport run() {
    store.scan(this::check);
    store.scanFigureSets(this::checkFigureSet);
    return new VerifyReport(checked, firstAltered, alteration, recomputed, drift, List.copyOf(examples), figureSets, previousHash);
  }

  private void check(LedgerEntry entry) {
    checked++;
    List<String> differences = entry.figures().differences(FigureSet.of(ledger.refigure(entry, entry.figures())));
    recomputed++;
    if (!differences.isEmpty()) noteDrift("seq " + entry.seq(), differences);
    if (firstAltered == null) {
      if (entry.seq() != expectedSeq) {
        breakAt(expectedSeq, entry.seq() > expectedSeq
            ? "seq " + expectedSeq + (entry.seq() - expectedSeq > 1 ? "–" + (entry.seq() - 1) : "") + " missing (next stored seq is " + entry.seq() + ")"
            : "seq " + entry.seq() + " stored twice");
      } else {
        String computed = hasher.hash(previousHash, entry);
        if (!computed.equals(entry.hash())) {
          breakAt(entry.seq(), "stored hash " + entry.hash() + " does not follow from the stored content and the previous hash (recomputed "
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
      differences = set.figures().differences(FigureSet.of(ledger.refigure(entry, set.figures())));
    } else {
      differences = measuredDifferences(entry, set);
    }
    if (!differences.isEmpty()) noteDrift("seq " + entry.seq() + " " + set.figures().methodologyVersion(), differences);
    if (firstAltered == null && !hasher.hash(entry.hash(), set.figures(), set.attributionRun()).equals(set.hash())) {
      breakAt(entry.seq(), "the " + set.figures().methodologyVersion() + " figure set of seq " + entry.seq() + " was altered after it was sealed");
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

  private void breakAt(long seq, String what) {
    firstAltered = seq;
    alteration = what;
  }

  private void noteDrift(String where, List<String> differences) {
    drift++;
    if (examples.size() < MAX_EXAMPLES) examples.add(where + ": " + String.join("; ", differences));
  }
}
