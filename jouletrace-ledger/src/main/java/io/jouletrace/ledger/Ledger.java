package io.jouletrace.ledger;

import io.jouletrace.core.carbon.IntensityResolver;
import io.jouletrace.core.carbon.IntensitySignal;
import io.jouletrace.core.figure.NullReason;
import io.jouletrace.core.methodology.Derivation;
import io.jouletrace.core.methodology.Estimate;
import io.jouletrace.core.methodology.Estimator;
import io.jouletrace.core.record.InvocationRecord;
import io.jouletrace.ledger.chain.ChainHasher;
import io.jouletrace.ledger.chain.ChainRoot;
import io.jouletrace.ledger.entry.FigureSet;
import io.jouletrace.ledger.entry.LedgerEntry;
import io.jouletrace.ledger.report.PriceTable;
import io.jouletrace.ledger.store.IdentityTakenException;
import io.jouletrace.ledger.store.Store;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;

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
  /** The chain writers append to ({@link #appendAs}); the default chain until set. */
  private volatile String chain = LedgerEntry.DEFAULT_CHAIN;
  /** How often writers of a named chain seal a root over every chain; null: they seal none. */
  private volatile Duration rootInterval;
  private volatile InstantSource clock = InstantSource.system();

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
    return new Composition(null, null, deployment, null, hmacKey).open(store);
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

  /** How often a server's writer seals a root over every chain's head (when some chain moved). */
  public static final Duration ROOT_INTERVAL = Duration.ofSeconds(10);

  /** What an instance id may hold: it names a chain, and a root's head lines are {@code chain:seq:hash}. */
  private static final Pattern INSTANCE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");

  /**
   * Writers made from now on append to their own chain, {@code instanceId}, and seal a root over every chain's head each
   * {@code rootInterval} in which one moved, and when they close (docs/ledger.md, "Many writers: one chain each"). Each
   * server sharing a ledger has its own: a chain has one writer, so it never forks, and the servers never wait on each
   * other's chains.
   *
   * @throws IllegalArgumentException when {@code instanceId} is not 1–63 letters, digits, '.', '_' or '-' (starting with a
   *     letter or digit)
   */
  public Ledger appendAs(String instanceId, Duration rootInterval) {
    if (instanceId == null || !INSTANCE_ID.matcher(instanceId).matches()) {
      throw new IllegalArgumentException("instance id '" + instanceId + "': expected 1-63 letters, digits, '.', '_' or '-', starting with a"
          + " letter or digit");
    }
    this.chain = instanceId;
    this.rootInterval = rootInterval;
    return this;
  }

  /**
   * An instance id from this host's name (lower case, any character an id cannot hold as '-'), stable across restarts
   * of a server on the same host: a Kubernetes StatefulSet pod's name, a VM's host name. "localhost" when it has none.
   */
  public static String instanceIdOfHost() {
    String host;
    try {
      host = java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.net.UnknownHostException e) {
      host = System.getenv("HOSTNAME");
    }
    String id = host == null ? "" : host.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9._-]", "-").replaceAll("^[^a-z0-9]+", "");
    return id.isEmpty() ? "localhost" : id.substring(0, Math.min(id.length(), 63));
  }

  /**
   * Seals a root over every chain's head now, signed with the ledger key when there is one, unless the latest root
   * already names the same heads.
   *
   * @return the root stored, or empty when no chain moved since the latest
   */
  public Optional<Store.StoredRoot> sealRoot() {
    List<ChainRoot.Head> heads = store.chainHeads();
    if (heads.isEmpty()) return Optional.empty();
    String text = ChainRoot.text(heads);
    if (store.latestRoot().map(r -> r.heads().equals(text)).orElse(false)) return Optional.empty();
    Instant at = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    String root = ChainRoot.hash(heads);
    Store.StoredRoot sealed = new Store.StoredRoot(at, root, text, ChainRoot.signature(hashers.get(), at.toString(), root));
    store.appendRoot(sealed);
    return Optional.of(sealed);
  }

  /** What "now" is for this ledger: the time of a checkpoint ({@link InstantSource#system()} until set; {@link Composition}). */
  public Ledger useClock(InstantSource clock) {
    this.clock = clock;
    return this;
  }

  public InstantSource clock() {
    return clock;
  }

  /** The estimator new records are figured with: every stored series applies to them. */
  public Estimator estimator() {
    return signals.latest();
  }

  /** Figures calls under {@code methodologyVersion} with {@link #estimator()} as it is at each call. */
  public CallFigurer figurer(String methodologyVersion) {
    return record -> figure(estimator(), record, methodologyVersion);
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

  /**
   * A writer that figures new records with {@code methodologyVersion} and appends them in batches to this ledger's chain
   * for writers: the default chain, or the instance's ({@link #appendAs}).
   */
  public Writer writer(String methodologyVersion, int batchSize) {
    estimator().forVersion(methodologyVersion);
    return new Writer(methodologyVersion, batchSize, chain, rootInterval);
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
    return Checkpoint.of(head.seq(), head.hash(), clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS), hashers.get());
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
   * numbers the rest in its chain, figures and chains them, and appends them in one transaction. A dropped record that
   * says the same as the stored one is a duplicate; one that says something else is a {@link Conflict}, kept for
   * {@link #takeConflicts} (the stored record stays).
   *
   * <p>The append runs on a committer thread while the caller reads, figures and hashes the next
   * batch: one batch at most is in flight. Counters and {@link #head()} move only when a commit
   * returns, so what they report is durable. A batch with possible duplicates first waits for the
   * one in flight, so the exact lookup sees everything before it.
   *
   * <p>Other writers (other servers on a shared PostgreSQL ledger) append to chains of their own; the store numbers every
   * append's records ledger-wide. A record another writer stored since this one started is not among its known
   * fingerprints; the store's unique index on the identity refuses the batch then ({@link IdentityTakenException}), and
   * the committer looks the whole batch up, answers those records as duplicates or conflicts, chains the rest afresh and
   * appends them; a batch hashed meanwhile onto the refused one is chained afresh too.
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
    private final String chain;
    private final ChainHasher hasher = hashers.get();
    private final Estimator estimator = estimator();
    private final FingerprintSet known = new FingerprintSet();
    private final List<Pending> pending = new ArrayList<>();
    /** Commits batches and, for a named chain, seals roots: one thread, so a root never waits on a half-made batch. */
    private final ScheduledExecutorService committer =
        Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("ledger-committer").daemon().factory());
    private final boolean sealsRoots;
    /** Figures a batch's new records in slices ahead of the serial chain link (one slice per core). */
    private final ExecutorService figurers = Executors.newFixedThreadPool(FIGURING_THREADS,
        Thread.ofPlatform().name("ledger-figurer-", 0).daemon().factory());
    private Future<?> inFlight;
    /** The chain head the next batch chains onto (the in-flight batch's, once it is handed over); null: read it from the store. */
    private Store.Head prepared;
    /** Set by the committer when it had to chain its batch afresh: the head it really ended at. */
    private volatile Store.Head chainedAfresh;
    private volatile Store.Head head;
    private long accepted;
    private long duplicates;
    private final List<Conflict> conflicts = new ArrayList<>();

    private record Pending(InvocationRecord record, String sourceRef, Store.Candidate identity) {}

    /** A record figured for this batch, not yet numbered nor hashed. */
    private record Figured(InvocationRecord record, FigureSet figures, String sourceRef, PriceTable.Price price, Store.Candidate identity) {}

    private Writer(String methodologyVersion, int batchSize, String chain, Duration rootInterval) {
      this.methodologyVersion = methodologyVersion;
      this.batchSize = batchSize;
      this.chain = chain;
      this.head = store.chainHead(chain);
      this.prepared = head;
      this.sealsRoots = rootInterval != null;
      store.forEachFingerprint(known::add);
      if (sealsRoots) {
        long every = rootInterval.toMillis();
        committer.scheduleWithFixedDelay(this::sealRootQuietly, every, every, TimeUnit.MILLISECONDS);
      }
    }

    /** A root now; a failure (the database away) waits for the next interval, which seals the heads as they are then. */
    private void sealRootQuietly() {
      try {
        sealRoot();
      } catch (RuntimeException e) {
        // Nothing is lost: the next root seals every head, this one's included.
      }
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
        head = store.chainHead(chain);
        prepared = head;
      }
      List<Store.Candidate> candidates = new ArrayList<>();
      for (Pending p : pending) {
        if (known.contains(p.identity().fingerprint())) candidates.add(p.identity());
      }
      if (!candidates.isEmpty()) awaitInFlight();
      Map<Store.Candidate, Store.StoredRecord> earlier = new HashMap<>(store.storedRecords(candidates));
      List<Pending> fresh = new ArrayList<>(pending.size());
      long position = prepared.seq();
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
        // Its chain position stands in for the seq a later record of this batch names it by; the store numbers it.
        earlier.put(p.identity(), new Store.StoredRecord(++position, record));
        fresh.add(new Pending(record, p.sourceRef(), p.identity()));
        known.add(p.identity().fingerprint());
      }
      List<Figured> figured = figured(fresh);
      int skipped = pending.size() - figured.size() - found.size();
      addConflicts(found);
      Store.Head base = prepared;
      List<LedgerEntry> entries = chained(figured, base);
      awaitInFlight();
      if (chainedAfresh != null) { // the batch before had records taken by another writer: chain onto what it stored
        base = chainedAfresh;
        chainedAfresh = null;
        entries = chained(figured, base);
      }
      Store.Head from = base;
      List<LedgerEntry> batch = entries;
      prepared = batch.isEmpty() ? from : new Store.Head(batch.getLast().chainSeq(), batch.getLast().hash());
      inFlight = committer.submit(() -> commit(figured, batch, from, skipped));
    }

    /** {@code figured} numbered and hashed in this writer's chain after {@code from}. */
    private List<LedgerEntry> chained(List<Figured> figured, Store.Head from) {
      List<LedgerEntry> entries = new ArrayList<>(figured.size());
      long position = from.seq();
      String previous = from.hash();
      for (Figured f : figured) {
        position++;
        previous = hasher.hash(previous, new LedgerEntry(position, f.record(), f.figures(), f.sourceRef(), null, f.price(), chain, position));
        entries.add(new LedgerEntry(position, f.record(), f.figures(), f.sourceRef(), previous, f.price(), chain, position));
      }
      return entries;
    }

    /**
     * Appends one batch (on the committer thread). Where another writer stored some of its records first, those are
     * answered as duplicates or conflicts and the rest chained afresh from {@code from} and appended.
     */
    private void commit(List<Figured> figured, List<LedgerEntry> entries, Store.Head from, int skipped) {
      List<Figured> kept = figured;
      List<LedgerEntry> batch = entries;
      int skippedNow = skipped;
      while (true) {
        try {
          store.appendNext(batch);
          break;
        } catch (IdentityTakenException e) {
          Map<Store.Candidate, LedgerEntry> stored = store.stored(kept.stream().map(Figured::identity).toList());
          if (stored.isEmpty()) throw e; // not this batch's records: nothing the writer can resolve
          List<Figured> rest = new ArrayList<>();
          List<Conflict> found = new ArrayList<>();
          for (Figured f : kept) {
            LedgerEntry other = stored.get(f.identity());
            if (other == null) {
              rest.add(f);
            } else if (LedgerEntry.sameContent(other.record(), f.record())) {
              skippedNow++;
            } else {
              found.add(new Conflict(f.sourceRef(), f.record().tenant(), f.record().id(), other.seq()));
            }
          }
          addConflicts(found);
          kept = rest;
          batch = chained(rest, from);
          chainedAfresh = batch.isEmpty() ? from : new Store.Head(batch.getLast().chainSeq(), batch.getLast().hash());
        }
      }
      head = batch.isEmpty() ? from : new Store.Head(batch.getLast().chainSeq(), batch.getLast().hash());
      synchronized (this) {
        accepted += batch.size();
        duplicates += skippedNow;
      }
    }

    /**
     * {@code fresh} figured and priced in slices on the figuring threads: each record's figures depend on it alone, so
     * only {@link #chained} must go in order.
     */
    private List<Figured> figured(List<Pending> fresh) {
      int slice = Math.max(1_000, (fresh.size() + FIGURING_THREADS - 1) / FIGURING_THREADS);
      if (fresh.size() <= slice) return figuredSlice(fresh); // a small batch (the gateway's) needs no hand-off
      List<Future<List<Figured>>> slices = new ArrayList<>();
      for (int from = 0; from < fresh.size(); from += slice) {
        List<Pending> part = fresh.subList(from, Math.min(fresh.size(), from + slice));
        slices.add(figurers.submit(() -> figuredSlice(part)));
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

    private List<Figured> figuredSlice(List<Pending> part) {
      List<Figured> done = new ArrayList<>(part.size());
      for (Pending p : part) {
        InvocationRecord record = p.record();
        FigureSet figures = FigureSet.withDatasets(figure(estimator, record, methodologyVersion));
        done.add(new Figured(record, figures, p.sourceRef(), prices.find(record.provider(), record.model()), p.identity()));
      }
      return done;
    }

    /** Waits for the batch in flight; its failure is thrown here, and the next batch reads the head afresh. */
    private void awaitInFlight() {
      if (inFlight == null) return;
      try {
        inFlight.get();
      } catch (ExecutionException e) {
        prepared = null;
        chainedAfresh = null;
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

    /** This writer's chain's head after the last committed batch: its position in the chain and its hash. */
    public Store.Head head() {
      return head;
    }

    @Override
    public void close() {
      try {
        flush();
        if (sealsRoots) sealRoot(); // the last records, sealed before the writer goes
      } finally {
        committer.shutdownNow();
        figurers.shutdownNow();
      }
    }
  }


}
