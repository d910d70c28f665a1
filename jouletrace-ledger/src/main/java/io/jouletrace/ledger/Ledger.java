package io.jouletrace.ledger;

import io.jouletrace.catalog.Catalog;
import io.jouletrace.core.carbon.IntensityResolver;
import io.jouletrace.core.carbon.IntensitySignal;
import io.jouletrace.core.methodology.Estimate;
import io.jouletrace.core.methodology.Estimator;
import io.jouletrace.core.record.InvocationRecord;
import io.jouletrace.ledger.chain.ChainHasher;
import io.jouletrace.ledger.store.Fingerprint;
import io.jouletrace.ledger.store.Store;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.Set;
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

  /** Meta key naming the chain's hash function; fixed when the ledger is created. */
  static final String CHAIN_META = "chain";

  private final Store store;
  private final Function<IntensitySignal, Estimator> estimators;
  private volatile Signals signals;
  private final Supplier<ChainHasher> hashers;

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

  /** The estimator without the stored series, as a stateless estimate (the REST estimate) figures. */
  public Estimator estimatorWithoutSignals() {
    return estimators.apply(IntensitySignal.none());
  }

  /** The estimator new records are figured with: every stored series applies to them. */
  public Estimator estimator() {
    return signals.latest();
  }

  /**
   * The estimate that {@code entry}'s figures under {@code methodologyVersion} follow from — what verify recomputes.
   * It carries each figure's method, which the store does not keep (it follows from the version).
   */
  public Estimate refigure(LedgerEntry entry, String methodologyVersion) {
    return estimatorFor(entry.seq()).estimate(entry.record(), methodologyVersion);
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
      FigureSet figures = FigureSet.withDatasets(refigure(entry, methodologyVersion));
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
   * Buffers records and, per batch: drops ids already stored or already seen in the batch, numbers
   * the rest, figures and chains them, and appends them in one transaction.
   *
   * <p>The append runs on a committer thread while the caller reads, figures and hashes the next
   * batch: one batch at most is in flight. Counters and {@link #head()} move only when a commit
   * returns, so what they report is durable. A batch with possible duplicates first waits for the
   * one in flight, so the exact lookup sees everything before it. After a failed append the
   * writer refuses further work (the chain would otherwise continue from an uncommitted head).
   */
  public final class Writer implements AutoCloseable {
    private final String methodologyVersion;
    private final int batchSize;
    private final ChainHasher hasher = hashers.get();
    private final Estimator estimator = estimator();
    private final FingerprintSet known = new FingerprintSet();
    private final List<Pending> pending = new ArrayList<>();
    private final ExecutorService committer = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("ledger-committer").daemon().factory());
    private Future<?> inFlight;
    private Store.Head prepared;
    private volatile Store.Head head;
    private long accepted;
    private long duplicates;
    private RuntimeException failure;

    private record Pending(InvocationRecord record, String sourceRef, long fingerprint) {}

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
      pending.add(new Pending(record, sourceRef, Fingerprint.of(record.id())));
      if (pending.size() >= batchSize) submit();
    }

    /** Writes everything queued and waits for it: durable when it returns. */
    public void flush() {
      submit();
      awaitInFlight();
    }

    private void submit() {
      if (failure != null) throw failure;
      if (pending.isEmpty()) return;
      List<Store.Candidate> candidates = new ArrayList<>();
      for (Pending p : pending) {
        if (known.contains(p.fingerprint())) candidates.add(new Store.Candidate(p.record().id(), p.fingerprint()));
      }
      if (!candidates.isEmpty()) awaitInFlight();
      Set<String> stored = store.stored(candidates).keySet();
      Set<String> inBatch = new HashSet<>();
      List<LedgerEntry> entries = new ArrayList<>(pending.size());
      long seq = prepared.seq();
      String previous = prepared.hash();
      for (Pending p : pending) {
        if (stored.contains(p.record().id()) || !inBatch.add(p.record().id())) continue;
        InvocationRecord record = LedgerEntry.withStoredTimestamp(p.record());
        FigureSet figures = FigureSet.withDatasets(estimator.estimate(record, methodologyVersion));
        LedgerEntry unsealed = new LedgerEntry(++seq, record, figures, p.sourceRef(), null);
        previous = hasher.hash(previous, unsealed);
        entries.add(new LedgerEntry(seq, record, figures, p.sourceRef(), previous));
        known.add(p.fingerprint());
      }
      int skipped = pending.size() - entries.size();
      pending.clear();
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

    private void awaitInFlight() {
      if (inFlight == null) return;
      try {
        inFlight.get();
      } catch (ExecutionException e) {
        failure = e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        throw failure;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        failure = new IllegalStateException("interrupted while a batch was being committed", e);
        throw failure;
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

    /** The chain's head after the last committed batch. */
    public Store.Head head() {
      return head;
    }

    @Override
    public void close() {
      try {
        if (failure == null) flush();
      } finally {
        committer.shutdownNow();
      }
    }
  }


}
