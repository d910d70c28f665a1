package io.jouletrace.ledger;

import io.jouletrace.ledger.chain.ChainHasher;
import io.jouletrace.ledger.chain.ChainRoot;
import io.jouletrace.ledger.chain.ChainWalk;
import io.jouletrace.ledger.DerivedTables;
import io.jouletrace.ledger.entry.FigureSet;
import io.jouletrace.ledger.entry.LedgerEntry;
import io.jouletrace.ledger.store.Store;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Walks the ledger in seq order, recomputing each hash from the stored content and the previous
 * stored hash of its chain, and each figure set from the stored inputs with the stored methodology version; then
 * checks every sealed root over the chains' heads.
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

  /**
   * Entries per batch handed to the recomputing threads, and per task among them. Small: entries that outlive a young
   * collection are copied into the old generation, and 20,000-entry batches made verify's GC time and CPU double.
   */
  private static final int BATCH = 4_000;
  private static final int SLICE = 1_000;
  private static final int RECOMPUTING_THREADS = Runtime.getRuntime().availableProcessors();

  private final Ledger ledger;
  private final Store store;
  private final ChainHasher hasher;
  private final Checkpoint expectedHead;

  private long checked;
  private long expectedSeq = 1;
  /** The last record's hash, whatever its chain: the ledger's head. */
  private String previousHash = ChainHasher.GENESIS;
  /** Each chain's walk, by name. */
  private final Map<String, ChainWalk> chains = new TreeMap<>();

  private List<Store.StoredRoot> roots = List.of();
  /** The chain positions the roots name, by chain, each with the hash the scan met there (null until met). */
  private final Map<String, Map<Long, String>> rootHeads = new HashMap<>();
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
    roots = store.roots();
    for (Store.StoredRoot root : roots) {
      try {
        ChainRoot.heads(root.heads()).forEach(h -> rootHeads.computeIfAbsent(h.chain(), c -> new HashMap<>()).put(h.seq(), null));
      } catch (IllegalArgumentException unreadable) {
        // Named as that root's problem below.
      }
    }
    ExecutorService recomputers = Executors.newFixedThreadPool(RECOMPUTING_THREADS, Thread.ofPlatform().name("verify-recompute-", 0).daemon().factory());
    try {
      Batches batches = new Batches(recomputers);
      store.scan(batches::add);
      batches.finish();
    } finally {
      recomputers.shutdownNow();
    }
    store.scanFigureSets(this::checkFigureSet);
    VerifyReport.Roots rootsChecked = checkRoots();
    VerifyReport.HeadCheck head = expectedHead == null ? null
        : new VerifyReport.HeadCheck(expectedHead.seq(), expectedHead.hash(), expectedHeadProblem());
    List<VerifyReport.ChainCheck> chainChecks = new ArrayList<>();
    chains.forEach((name, walk) -> chainChecks.add(new VerifyReport.ChainCheck(name, walk.records(), walk.headSeq(), walk.headHash(),
        walk.brokenAtSeq(), walk.problem())));
    return new VerifyReport(checked, firstAltered, alteration, recomputed, drift, List.copyOf(examples), figureSets, previousHash,
        firstAlteredId, DerivedTables.check(store), head, new VerifyReport.OtherDatasets(otherDatasets, otherDatasetExamples),
        chainChecks, rootsChecked);
  }

  /**
   * Every sealed root: signed by the ledger key (when there is one), its hash following from the heads it names, and
   * each of those on its chain. A chain no longer holding a head a root named was cut or rewritten after that root.
   */
  private VerifyReport.Roots checkRoots() {
    List<String> problems = new ArrayList<>();
    for (Store.StoredRoot root : roots) {
      String what = "root sealed at " + root.at() + " (" + root.root() + ")";
      String unsigned = ChainRoot.signatureProblem(hasher, root.at().toString(), root.root(), root.signature());
      if (unsigned != null) {
        problems.add(what + ": " + unsigned);
        continue;
      }
      List<ChainRoot.Head> named;
      try {
        named = ChainRoot.heads(root.heads());
      } catch (IllegalArgumentException e) {
        problems.add(what + ": unreadable heads: " + e.getMessage());
        continue;
      }
      if (!ChainRoot.hash(named).equals(root.root())) {
        problems.add(what + ": its hash does not follow from the heads it names");
        continue;
      }
      for (ChainRoot.Head head : named) {
        String found = rootHeads.getOrDefault(head.chain(), Map.of()).get(head.seq());
        if (!head.hash().equals(found)) {
          ChainWalk walk = chains.get(head.chain());
          String where = "names " + chainName(head.chain()) + " head seq " + head.seq() + " (" + head.hash() + "), which is not on that chain of "
              + (walk == null ? 0 : walk.records()) + " records";
          problems.add(what + ": " + where);
          if (walk != null) walk.breakAt(null, "cut or rewritten after the " + what + ", which " + where);
          break;
        }
      }
    }
    return new VerifyReport.Roots(roots.size(), ChainHasher.HMAC_SHA_256.equals(hasher.mode()), problems);
  }

  /** How messages name a chain: {@code chain web-1}, or {@code the default chain}. */
  static String chainName(String chain) {
    return chain.isEmpty() ? "the default chain" : "chain " + chain;
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

  /** An entry with what the recomputing threads made of it: its figures recomputed, its canonical bytes. */
  private record Recomputed(LedgerEntry entry, FigureSet figures, byte[] canonical) {}

  /**
   * The scan's entries in batches: while the scanning thread reads the next batch from the store, the recomputing
   * threads refigure and encode this one in slices; then the scanning thread checks it in seq order (the chain link,
   * the counts). One batch at most waits, so memory stays at two batches.
   */
  private final class Batches {
    private final ExecutorService recomputers;
    private List<LedgerEntry> filling = new ArrayList<>(BATCH);
    private List<Future<List<Recomputed>>> waiting = List.of();

    Batches(ExecutorService recomputers) {
      this.recomputers = recomputers;
    }

    void add(LedgerEntry entry) {
      filling.add(entry);
      if (filling.size() == BATCH) handOver();
    }

    void finish() {
      handOver();
      checkWaiting();
    }

    private void handOver() {
      List<Future<List<Recomputed>>> submitted = new ArrayList<>();
      for (int from = 0; from < filling.size(); from += SLICE) {
        List<LedgerEntry> slice = filling.subList(from, Math.min(filling.size(), from + SLICE));
        submitted.add(recomputers.submit(() -> recompute(slice)));
      }
      checkWaiting();
      waiting = submitted;
      filling = new ArrayList<>(BATCH);
    }

    private void checkWaiting() {
      for (Future<List<Recomputed>> slice : waiting) {
        try {
          for (Recomputed r : slice.get()) check(r);
        } catch (ExecutionException e) {
          throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while verifying", e);
        }
      }
      waiting = List.of();
    }
  }

  private List<Recomputed> recompute(List<LedgerEntry> slice) {
    ChainHasher encoder = ledger.hasher(); // one per thread
    List<Recomputed> done = new ArrayList<>(slice.size());
    for (LedgerEntry entry : slice) {
      done.add(new Recomputed(entry, FigureSet.withDatasets(ledger.refigure(entry, entry.figures())), encoder.canonical(entry)));
    }
    return done;
  }

  private void check(Recomputed scanned) {
    LedgerEntry entry = scanned.entry();
    checked++;
    if (expectedHead != null && entry.seq() == expectedHead.seq()) expectedHeadEntry = entry;
    List<String> differences = compared("seq " + entry.seq(), entry.figures(), scanned.figures());
    recomputed++;
    if (!differences.isEmpty()) noteDrift("seq " + entry.seq(), differences);
    // Ledger-wide, seq runs 1, 2, 3… whatever chain each record is in (the store numbers every append in turn).
    if (firstAltered == null && entry.seq() != expectedSeq) {
      breakAt(expectedSeq, entry.seq() > expectedSeq ? null : entry.record().id(), ChainWalk.order(expectedSeq, entry.seq()));
    }
    previousHash = entry.hash();
    expectedSeq = entry.seq() + 1;
    // Within its chain, the position runs 1, 2, 3… and each hash follows from the one before it in that chain.
    ChainWalk walk = chains.computeIfAbsent(entry.chain(), c -> new ChainWalk(hasher));
    String broken = walk.next(entry, scanned.canonical(), differences.isEmpty() ? "" : "; figures no longer match inputs: " + String.join("; ", differences));
    if (broken != null && firstAltered == null) {
      // A named chain's break names it; the default chain's reads as a one-writer ledger's always did.
      breakAt(entry.seq(), entry.record().id(), (entry.chain().isEmpty() ? "" : chainName(entry.chain()) + ": ") + broken);
    }
    Map<Long, String> named = rootHeads.get(entry.chain());
    if (named != null && named.containsKey(entry.chainSeq())) named.put(entry.chainSeq(), entry.hash());
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
    return compared(where, stored, FigureSet.withDatasets(ledger.refigure(entry, stored)));
  }

  /** {@link #refigured} once the set is recomputed. */
  private List<String> compared(String where, FigureSet stored, FigureSet recomputedSet) {
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
