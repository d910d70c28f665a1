package io.jouletrace.ledger;

import io.jouletrace.catalog.Catalog;
import io.jouletrace.core.carbon.IntensityResolver;
import io.jouletrace.core.carbon.IntensitySignal;
import io.jouletrace.core.figure.NullReason;
import io.jouletrace.core.methodology.Derivation;
import io.jouletrace.core.methodology.Estimate;
import io.jouletrace.core.methodology.Estimator;
import io.jouletrace.core.record.InvocationRecord;
import io.jouletrace.ledger.chain.ChainHasher;
import io.jouletrace.ledger.report.PriceTable;
import io.jouletrace.ledger.store.Store;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The append-only, hash-chained ledger over a {@link Store}: the single writer that numbers, figures,
 * de-duplicates and seals records, and the verifier that recomputes all of it.
 */
public final class Ledger implements AutoCloseable {

  /** Threads that figure a batch's new records; the chain itself is linked on the writer's thread. */
  private static final int FIGURING_THREADS = Runtime.getRuntime().availableProcessors();

  /** Meta key naming the chain's hash function; fixed when the ledger is created. */
  static final String CHAIN_META = "chain";

  private final Store store;
  private final Function<IntensitySignal, Estimator> estimators;
  private volatile Signals signals;
  private final Supplier<ChainHasher> hashers;
  private volatile PriceTable prices = PriceTable.bundled();

  private Ledger(Store store, Function<IntensitySignal, Estimator> estimators, Supplier<ChainHasher> hashers) {
    this.store = store;
    this.estimators = estimators;
    this.signals = new Signals(store, estimators);
    this.hashers = hashers;
  }

  /** {@link #open(Store, Function, byte[])} with the bundled catalog's methodologies. */
  public static Ledger open(Store store, byte[] hmacKey) {
    return open(store, (Supplier<IntensityResolver.Deployment>) null, hmacKey);
  }

  /** {@link #open(Store, Function, byte[])} with the bundled catalog's methodologies and the deployment's intensity settings. */
  public static Ledger open(Store store, Supplier<IntensityResolver.Deployment> deployment, byte[] hmacKey) {
    return open(store, signal -> Catalog.estimator(new Catalog.Options(null, null, deployment, signal)), hmacKey);
  }

  /**
   * Opens the ledger in {@code store}. With {@code hmacKey} the chain is sealed with HMAC-SHA-256; a
   * ledger created with a key can only be written and verified with it, and one created without
   * cannot take a key later (the chain would change meaning halfway).
   *
   * @param estimators the methodologies, built around a grid-intensity signal: the series stored in the ledger as a
   *     record at a given seq sees them ({@link Signals})
   */
  public static Ledger open(Store store, Function<IntensitySignal, Estimator> estimators, byte[] hmacKey) {
    Supplier<ChainHasher> hashers = hmacKey == null ? ChainHasher::sha256 : () -> ChainHasher.hmacSha256(hmacKey);
    String wanted = hashers.get().mode();
    String recorded = store.meta(CHAIN_META).orElse(null);
    if (recorded == null) {
      store.putMeta(CHAIN_META, wanted);
    } else if (!recorded.equals(wanted)) {
      throw new IllegalArgumentException(recorded.equals(ChainHasher.HMAC_SHA_256)
          ? "this ledger (" + store.describe() + ") is sealed with an HMAC key: give it with --ledger-key-file or JOULETRACE_LEDGER_KEY"
          : "this ledger (" + store.describe() + ") was created without an HMAC key; it cannot be given one now");
    }
    return new Ledger(store, estimators, hashers);
  }

  public Store store() {
    return store;
  }

  /** The list prices stored on the records written from now on ({@link PriceTable#bundled()} until set; {@code --prices}). */
  public Ledger usePrices(PriceTable prices) {
    this.prices = prices;
    return this;
  }

  /** The estimator without the stored series, as a stateless estimate (the REST estimate) figures. */
  public Estimator estimatorWithoutSignals() {
    return estimators.apply(IntensitySignal.none());
  }

  /** The estimator new records are figured with: every stored series applies to them. */
  public Estimator estimator() {
    return signals.latest();
  }

  /** New figures of {@code entry} under {@code methodologyVersion}, as the signals stored before it see them (backfill). */
  private Estimate figureAnew(LedgerEntry entry, String methodologyVersion) {
    return figure(estimatorFor(entry.seq()), entry.record(), methodologyVersion);
  }

  /**
   * {@code record}'s estimate, or, where the methodology fails on it (a figure out of any range), every figure null
   * with the reason {@value NullReason#ESTIMATE_FAILED}: the call happened, so its record is kept; the failure is the
   * same when verify refigures it, so the chain still verifies, and a later methodology version may figure it.
   */
  public static Estimate figure(Estimator estimator, InvocationRecord record, String methodologyVersion) {
    return guarded(estimator, methodologyVersion, () -> estimator.estimate(record, methodologyVersion));
  }

  /**
   * {@code stored} recomputed from {@code record} as it was made (its methodology version, its name-estimate rule), failing
   * as {@link #figure} fails.
   */
  public static Estimate refigure(Estimator estimator, InvocationRecord record, FigureSet stored) {
    return guarded(estimator, stored.methodologyVersion(),
        () -> estimator.refigure(record, stored.methodologyVersion(), stored.modelSource()));
  }

  private static Estimate guarded(Estimator estimator, String methodologyVersion, Supplier<Estimate> estimate) {
    try {
      return estimate.get();
    } catch (Estimator.UnknownMethodologyException e) {
      throw e;
    } catch (RuntimeException e) {
      return Estimate.unknown(estimator.forVersion(methodologyVersion).version(),
          new NullReason(NullReason.ESTIMATE_FAILED, "the methodology failed on this record: " + e.getMessage()));
    }
  }

  /** {@code stored} recomputed from the entry's inputs as it was made (its methodology version, its name-estimate rule). */
  public Estimate refigure(LedgerEntry entry, FigureSet stored) {
    return refigure(estimatorFor(entry.seq()), entry.record(), stored);
  }

  /** {@code stored} recomputed as {@link #refigure(LedgerEntry, FigureSet)} does, each step written into {@code derivation} ({@code explain}). */
  public Estimate refigure(LedgerEntry entry, FigureSet stored, Derivation derivation) {
    return estimatorFor(entry.seq()).refigure(entry.record(), stored.methodologyVersion(), stored.modelSource(), derivation);
  }

  /** The estimator that figures (and refigures) the record at {@code seq}: series stored before it. */
  Estimator estimatorFor(long seq) {
    return signals.estimatorFor(seq);
  }

  /**
   * {@code facility}'s stored PUE series, time → PUE (of two points at one time the later-ingested correction wins);
   * empty when none is stored. An attribution run keeps the series it used among its inputs.
   */
  public NavigableMap<Instant, Double> pueSeries(String facility) {
    NavigableMap<Instant, Double> series = new TreeMap<>();
    store.scanSignalPoints(Store.SignalPoint.PUE, (point, afterSeq) -> {
      if (point.key().equals(facility)) series.put(point.time(), point.value());
    });
    return series;
  }

  /**
   * Stores grid-intensity or PUE series points. They figure records written from now on; records already in the
   * ledger keep the figures they were sealed with (and verify still reproduces those).
   */
  public void addSignals(List<Store.SignalPoint> points) {
    store.appendSignalPoints(points, store.head().seq());
    signals = new Signals(store, estimators);
  }

  /** A hasher for this ledger's chain (sha256, or hmac-sha256 with its key); one per thread. */
  ChainHasher hasher() {
    return hashers.get();
  }

  /** A writer that figures new records with {@code methodologyVersion} and appends them in batches. */
  public Writer writer(String methodologyVersion, int batchSize) {
    estimator().forVersion(methodologyVersion);
    return new Writer(methodologyVersion, batchSize);
  }

  /** Recomputes the whole chain and every stored figure, and checks the derived tables; see {@link Verifier}. */
  public VerifyReport verify() {
    return verify(null);
  }

  /** {@link #verify()}, and whether the ledger still extends {@code expectedHead} (null: no checkpoint to check). */
  public VerifyReport verify(Checkpoint expectedHead) {
    return new Verifier(this, hashers.get(), expectedHead).run();
  }

  /** The head now, signed with the ledger key when there is one: a checkpoint to keep outside the store. */
  public Checkpoint checkpoint() {
    Store.Head head = store.head();
    return Checkpoint.of(head.seq(), head.hash(), Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS), hashers.get());
  }

  /**
   * Figures every record that has none under {@code methodologyVersion} yet into its own figure set;
   * the records and their original figures are untouched. Running it again adds nothing.
   *
   * @return how many figure sets were added
   */
  public long backfill(String methodologyVersion, int batchSize) {
    estimator().forVersion(methodologyVersion);
    ChainHasher hasher = hashers.get();
    List<Store.StoredFigureSet> batch = new ArrayList<>();
    long[] added = {0};
    store.scanMissingFigureSets(methodologyVersion, entry -> {
      FigureSet figures = FigureSet.withDatasets(figureAnew(entry, methodologyVersion));
      batch.add(new Store.StoredFigureSet(entry.record().id(), entry.seq(), figures, null, hasher.hash(entry.hash(), figures, null)));
      if (batch.size() >= batchSize) {
        added[0] += batch.size();
        store.appendFigureSets(List.copyOf(batch));
        batch.clear();
      }
    });
    added[0] += batch.size();
    store.appendFigureSets(batch);
    return added[0];
  }

  @Override
  public void close() {
    store.close();
  }

  /**
   * A record whose (tenant, id) is stored already with different content: not stored, and the stored record stays.
   *
   * @param storedSeq the seq of the record it conflicts with (one of the same batch counts as stored)
   */
  public record Conflict(String sourceRef, String tenant, String id, long storedSeq) {
    public String reason() {
      return "the same id with different content conflicts with stored record seq " + storedSeq;
    }

    /** As a rejects file line: {@code file:line: id: reason}. */
    public String line() {
      return sourceRef + ": id: " + reason();
    }
  }

  /**
   * Buffers records and, per batch: drops records whose (tenant, id) is already stored or already seen in the batch,
   * numbers the rest, figures and chains them, and appends them in one transaction. A dropped record that says the
   * same as the stored one is a duplicate; one that says something else is a {@link Conflict}, kept for
   * {@link #takeConflicts} (the stored record stays).
   *
   * <p>The append runs on a committer thread while the caller reads, figures and hashes the next
   * batch: one batch at most is in flight. Counters and {@link #head()} move only when a commit
   * returns, so what they report is durable. A batch with possible duplicates first waits for the
   * one in flight, so the exact lookup sees everything before it.
   *
   * <p>A failed append (database away, disk full) fails the records not yet committed when it is noticed: the batch
   * in flight and the one being handed over. The call that notices it ({@link #add} or {@link #flush}) throws; the
   * writer then starts afresh, reading the chain's head from the store again at its next batch, since the failed
   * commit may or may not have happened. Ids of a failed batch stay among the known fingerprints: those only ask
   * for the exact lookup, which then finds the records stored or not.
   */
  public final class Writer implements AutoCloseable {
    private final String methodologyVersion;
    private final int batchSize;
    private final ChainHasher hasher = hashers.get();
    private final Estimator estimator = estimator();
    private final FingerprintSet known = new FingerprintSet();
    private final List<Pending> pending = new ArrayList<>();
    private final ExecutorService committer = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("ledger-committer").daemon().factory());
    /** Figures and encodes a batch's new records in slices ahead of the serial chain link (one slice per core). */
    private final ExecutorService figurers = Executors.newFixedThreadPool(FIGURING_THREADS,
        Thread.ofPlatform().name("ledger-figurer-", 0).daemon().factory());
    private Future<?> inFlight;
    /** The head the next batch chains onto (the in-flight batch's, once it is handed over); null: read it from the store. */
    private Store.Head prepared;
    private volatile Store.Head head;
    private long accepted;
    private long duplicates;
    private final List<Conflict> conflicts = new ArrayList<>();

    private record Pending(InvocationRecord record, String sourceRef, Store.Candidate identity) {}

    private Writer(String methodologyVersion, int batchSize) {
      this.methodologyVersion = methodologyVersion;
      this.batchSize = batchSize;
      this.head = store.head();
      this.prepared = head;
      store.forEachFingerprint(known::add);
    }

    /** The methodology this writer figures new records with. */
    public String methodologyVersion() {
      return methodologyVersion;
    }

    /** Queues one record (it must carry an id and a timestamp); may hand a batch to the committer. */
    public void add(InvocationRecord record, String sourceRef) {
      if (record.id() == null) throw new IllegalArgumentException(sourceRef + ": a ledger record needs an id");
      if (record.timestamp() == null) throw new IllegalArgumentException(sourceRef + ": a ledger record needs a timestamp");
      pending.add(new Pending(record, sourceRef, Store.Candidate.of(record)));
      if (pending.size() >= batchSize) submit();
    }

    /** Writes everything queued and waits for it: durable when it returns. */
    public void flush() {
      submit();
      awaitInFlight();
    }

    private void submit() {
      if (pending.isEmpty()) return;
      try {
        prepareAndHandOver();
      } catch (RuntimeException e) {
        try {
          awaitInFlight(); // settle the batch in flight before the head is read again
        } catch (RuntimeException alsoFailed) {
          e.addSuppressed(alsoFailed);
        }
        prepared = null; // the chain continues from whatever the store committed
        throw e;
      } finally {
        pending.clear(); // a failed batch is given up: its caller is told by the exception
      }
    }

    private void prepareAndHandOver() {
      if (prepared == null) {
        head = store.head();
        prepared = head;
      }
      List<Store.Candidate> candidates = new ArrayList<>();
      for (Pending p : pending) {
        if (known.contains(p.identity().fingerprint())) candidates.add(p.identity());
      }
      if (!candidates.isEmpty()) awaitInFlight();
      Map<Store.Candidate, Store.StoredRecord> earlier = new HashMap<>(store.storedRecords(candidates));
      List<Pending> fresh = new ArrayList<>(pending.size());
      long seq = prepared.seq();
      List<Conflict> found = new ArrayList<>();
      for (Pending p : pending) {
        InvocationRecord record = LedgerEntry.withStoredTimestamp(p.record());
        Store.StoredRecord stored = earlier.get(p.identity());
        if (stored != null) {
          // The same content is a duplicate (counted as skipped); other content a conflict.
          if (!LedgerEntry.sameContent(stored.record(), record)) {
            found.add(new Conflict(p.sourceRef(), record.tenant(), record.id(), stored.seq()));
          }
          continue;
        }
        earlier.put(p.identity(), new Store.StoredRecord(++seq, record));
        fresh.add(new Pending(record, p.sourceRef(), p.identity()));
        known.add(p.identity().fingerprint());
      }
      List<LedgerEntry> entries = chain(figured(fresh, prepared.seq()), prepared.hash());
      String previous = entries.isEmpty() ? prepared.hash() : entries.getLast().hash();
      int skipped = pending.size() - entries.size() - found.size();
      addConflicts(found);
      awaitInFlight();
      Store.Head next = new Store.Head(seq, previous);
      prepared = next;
      inFlight = committer.submit(() -> {
        store.append(entries);
        head = next;
        synchronized (this) {
          accepted += entries.size();
          duplicates += skipped;
        }
      });
    }

    /** A new record figured and encoded, waiting for its place in the chain. */
    private record Figured(LedgerEntry unsealed, byte[] canonical) {}

    /**
     * {@code fresh} numbered from {@code afterSeq + 1}, figured, priced and encoded in slices on the figuring threads:
     * each record's figures depend on it alone, so only {@link #chain} must go in order.
     */
    private List<Figured> figured(List<Pending> fresh, long afterSeq) {
      int slice = Math.max(1_000, (fresh.size() + FIGURING_THREADS - 1) / FIGURING_THREADS);
      if (fresh.size() <= slice) return figuredSlice(fresh, afterSeq + 1); // a small batch (the gateway's) needs no hand-off
      List<Future<List<Figured>>> slices = new ArrayList<>();
      for (int from = 0; from < fresh.size(); from += slice) {
        List<Pending> part = fresh.subList(from, Math.min(fresh.size(), from + slice));
        long firstSeq = afterSeq + from + 1;
        slices.add(figurers.submit(() -> figuredSlice(part, firstSeq)));
      }
      List<Figured> all = new ArrayList<>(fresh.size());
      for (Future<List<Figured>> part : slices) {
        try {
          all.addAll(part.get());
        } catch (ExecutionException e) {
          throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while a batch was being figured", e);
        }
      }
      return all;
    }

    private List<Figured> figuredSlice(List<Pending> part, long firstSeq) {
      ChainHasher encoder = hashers.get(); // one per thread
      List<Figured> done = new ArrayList<>(part.size());
      long seq = firstSeq;
      for (Pending p : part) {
        InvocationRecord record = p.record();
        FigureSet figures = FigureSet.withDatasets(figure(estimator, record, methodologyVersion));
        LedgerEntry unsealed = new LedgerEntry(seq++, record, figures, p.sourceRef(), null, prices.find(record.provider(), record.model()));
        done.add(new Figured(unsealed, encoder.canonical(unsealed)));
      }
      return done;
    }

    /** The figured records sealed in order, each hash following the one before, from {@code previous}. */
    private List<LedgerEntry> chain(List<Figured> figured, String previous) {
      List<LedgerEntry> entries = new ArrayList<>(figured.size());
      for (Figured f : figured) {
        previous = hasher.hashCanonical(previous, f.canonical());
        LedgerEntry u = f.unsealed();
        entries.add(new LedgerEntry(u.seq(), u.record(), u.figures(), u.sourceRef(), previous, u.price()));
      }
      return entries;
    }

    /** Waits for the batch in flight; its failure is thrown here, and the next batch reads the head afresh. */
    private void awaitInFlight() {
      if (inFlight == null) return;
      try {
        inFlight.get();
      } catch (ExecutionException e) {
        prepared = null;
        throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        prepared = null;
        throw new IllegalStateException("interrupted while a batch was being committed", e);
      } finally {
        inFlight = null;
      }
    }

    public synchronized long accepted() {
      return accepted;
    }

    public synchronized long duplicates() {
      return duplicates;
    }

    private synchronized void addConflicts(List<Conflict> found) {
      conflicts.addAll(found);
    }

    /** The conflicts found since the last call, in the order their records were added; each is reported once. */
    public synchronized List<Conflict> takeConflicts() {
      List<Conflict> taken = List.copyOf(conflicts);
      conflicts.clear();
      return taken;
    }

    /** The chain's head after the last committed batch. */
    public Store.Head head() {
      return head;
    }

    @Override
    public void close() {
      try {
        flush();
      } finally {
        committer.shutdownNow();
        figurers.shutdownNow();
      }
    }
  }


}
