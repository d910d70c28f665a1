package io.jouletrace.ledger.store;

import io.jouletrace.core.attribution.MeterSample;
import io.jouletrace.core.figure.Tier;
import io.jouletrace.core.record.InvocationRecord;
import io.jouletrace.ledger.entry.FigureSet;
import io.jouletrace.ledger.entry.LedgerEntry;
import io.jouletrace.ledger.budget.Budget;
import io.jouletrace.ledger.chain.ChainRoot;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * Where the ledger lives. One writer at a time appends; {@link #append} is atomic and durable when
 * it returns (a crash before that loses the whole batch and nothing else). Each method is atomic towards the others:
 * threads may share a store (its one connection takes their calls in turn).
 */
public interface Store extends AutoCloseable {

  /** The last entry's seq and hash; seq 0 and the genesis hash when empty. */
  Head head();

  /** Every stored record's id fingerprint, for the writer's duplicate pre-check. */
  void forEachFingerprint(LongConsumer fingerprints);

  /**
   * Which of {@code candidates} ((tenant, id) with the id's fingerprint) are stored, with each one's stored entry: the
   * exact check behind a fingerprint hit, and what the writer compares a repeated id's content with.
   */
  Map<Candidate, LedgerEntry> stored(Collection<Candidate> candidates);

  /**
   * {@link #stored}, each with its seq and record only: what the writer's duplicate check compares, which a store may
   * read from fewer columns (re-ingesting a file reads every record it had stored).
   */
  default Map<Candidate, StoredRecord> storedRecords(Collection<Candidate> candidates) {
    Map<Candidate, StoredRecord> found = new java.util.HashMap<>();
    stored(candidates).forEach((candidate, entry) -> found.put(candidate, new StoredRecord(entry.seq(), entry.record())));
    return found;
  }

  /** Appends entries in one transaction. */
  void append(Collection<LedgerEntry> entries);

  /**
   * Appends entries after every stored record, in one transaction: each takes the next seq, in order, under a lock all of
   * the ledger's writers share (PostgreSQL's across processes), so seq stays unique, gap-free and in commit order whatever
   * chain each entry belongs to; the chains' heads move with them. The entries' own seq is ignored.
   *
   * @return the entries as stored, each at its seq
   * @throws IdentityTakenException when another writer stored one of their (tenant, id) first; nothing was stored
   */
  List<LedgerEntry> appendNext(List<LedgerEntry> entries);

  /** The last record of {@code chain}: its chain position and hash; 0 and the genesis hash when the chain has none. */
  Head chainHead(String chain);

  /** Every chain's head as the appends left it, by chain name ({@code ""}: the default chain). */
  List<ChainRoot.Head> chainHeads();

  /** Stores a sealed root. */
  void appendRoot(StoredRoot root);

  /** Every sealed root, oldest first. */
  List<StoredRoot> roots();

  /** The root sealed last, if any. */
  Optional<StoredRoot> latestRoot();

  /** Every entry in seq order. */
  void scan(Consumer<LedgerEntry> consumer);

  /** Ids (with their seq and hash) that have no figure set yet under {@code methodologyVersion}, in seq order. */
  void scanMissingFigureSets(String methodologyVersion, Consumer<LedgerEntry> consumer);

  void appendFigureSets(Collection<StoredFigureSet> figureSets);

  /** Every backfilled or measured figure set with the entry it figures, in seq order. */
  void scanFigureSets(BiConsumer<LedgerEntry, StoredFigureSet> consumer);

  /** The stored entries with this id, one per tenant that has it (a record's identity is its tenant and id), in seq order. */
  List<LedgerEntry> entries(String id);

  /** The figure sets beside the record at {@code seq}'s own (backfilled and measured), by methodology version. */
  List<StoredFigureSet> figureSets(long seq);

  void addApiKey(ApiKey key);

  boolean hasApiKeys();

  /** The key whose SHA-256 (hex) this is, revoked or not. */
  Optional<ApiKey> apiKey(String sha256);

  /** Every key, revoked ones too, oldest first. */
  List<ApiKey> apiKeys();

  /** Marks the key whose SHA-256 this is revoked at {@code at}; false when there is no such key or it was revoked already. */
  boolean revokeApiKey(String sha256, Instant at);

  /** Which of the records at {@code seqs} already have a figure set under {@code methodologyVersion}. */
  Set<Long> seqsWithFigureSet(String methodologyVersion, Collection<Long> seqs);

  boolean hasAttributionRun(String runId);

  /** Stores an attribution run, its inputs (span JSONL lines) and the figure sets it made, in one transaction. */
  void appendAttributionRun(AttributionRun run, List<MeterSample> samples, List<String> spans, Collection<StoredFigureSet> figureSets);

  Optional<AttributionRun> attributionRun(String runId);

  /** A run's stored meter samples and span lines, each in input order. */
  void readAttributionInputs(String runId, Consumer<MeterSample> samples, Consumer<String> spans);

  /**
   * Appends series points after those stored (a later point at the same time is a correction and wins), each marked
   * with {@code afterSeq}, the ledger head when they arrived.
   */
  void appendSignalPoints(List<SignalPoint> points, long afterSeq);

  /** Every stored point of one kind ({@link SignalPoint#INTENSITY} or {@link SignalPoint#PUE}) in ingest order, with its afterSeq. */
  void scanSignalPoints(String kind, BiConsumer<SignalPoint, Long> consumer);

  Optional<String> meta(String key);

  void putMeta(String key, String value);

  /** Stores a budget, replacing the one of the same name. Budgets are configuration: outside the hash chain. */
  void putBudget(Budget budget);

  /** Every stored budget, by name. */
  List<Budget> budgets();

  /** Deletes the budget named {@code name}; false when there is none. */
  boolean deleteBudget(String name);

  /**
   * Stores a cluster's team × model × hour totals (docs/scale-out.md) in one transaction, each replacing the row of
   * its {@link StreamAggregate#key()}: an update carries its window's running totals, so writing one again changes
   * nothing.
   */
  void putStreamAggregates(Collection<StreamAggregate> aggregates);

  /** The stored team × model × hour totals, by key. */
  List<StreamAggregate> streamAggregates();

  /**
   * Runs a read-only query in the SQL both stores share (reports read the {@code report_figures} view); an
   * {@link Instant} parameter is a UTC timestamp.
   */
  void select(String what, String sql, List<?> parameters, RowHandler handler);

  /**
   * Runs write statements in the SQL both stores share, in one transaction: derived tables only (the reports' daily
   * rollup), never the chained records.
   */
  void update(String what, List<String> statements);

  /** One result row at a time. */
  interface RowHandler {
    void accept(ResultSet rs) throws SQLException;
  }

  /** A human-readable location, e.g. the DuckDB file or the PostgreSQL URL without password. */
  String describe();

  @Override
  void close();

  record Head(long seq, String hash) {}

  /** A stored record at its seq, without its figures, price or hash. */
  record StoredRecord(long seq, InvocationRecord record) {}

  /**
   * A root sealing every chain's head at {@code at} (docs/ledger.md, "Many writers: one chain each").
   *
   * @param heads the text {@code root} is the SHA-256 of: {@link ChainRoot#text}
   * @param signature {@code hmac-sha256:<hex>} under the ledger key; null for a ledger without one
   */
  record StoredRoot(Instant at, String root, String heads, String signature) {}

  /**
   * A record's identity, (tenant, id) with tenant null for records without one, and the id's fingerprint (the column
   * {@code id_fp}, which keeps the id alone: a hit on it is a superset of the (tenant, id) hits).
   */
  record Candidate(String tenant, String id, long fingerprint) {
    public static Candidate of(InvocationRecord record) {
      return new Candidate(record.tenant(), record.id(), Fingerprint.of(record.id()));
    }
  }

  /**
   * A figure set beside a record's own: under another methodology version (backfill), or measured by an
   * attribution run.
   *
   * @param attributionRun the run whose stored inputs reproduce a measured set; null for a methodology's set
   */
  record StoredFigureSet(String id, long seq, FigureSet figures, String attributionRun, String hash) {}

  /**
   * One attribution run: the digest of its stored inputs, its options (JSON) and how many samples and spans it had.
   *
   * @param runId the first 16 hex digits of {@code inputsSha256}: the same inputs are the same run
   */
  record AttributionRun(String runId, String inputsSha256, String options, long samples, long spans, Instant createdAt) {}

  /**
   * A server API key, stored as its SHA-256 only.
   *
   * @param role {@code admin} or {@code tenant}
   * @param tenant the tenant a tenant key is limited to; null for an admin key
   * @param team the team a tenant key's calls are stamped with, or null
   * @param costCenter the cost center a tenant key's calls are stamped with, or null
   * @param revokedAt when the key was revoked; null while it is valid
   */
  record ApiKey(String sha256, String role, String tenant, String label, Instant createdAt, String team, String costCenter,
      Instant revokedAt) {}

  /**
   * A cluster's totals for one team, model and hour of event time, from the stream topology's aggregates topic.
   *
   * @param team null for calls without a team
   * @param energyJ joules per tier, for the tiers that had calls with known energy
   * @param carbonG grams CO2e per tier, likewise
   * @param unratedCalls calls with unknown energy (never counted as 0 J), and the tokens they carried
   */
  record StreamAggregate(String team, String model, Instant windowStart, long calls, Map<Tier, Double> energyJ, Map<Tier, Double> carbonG,
      long unratedCalls, long unratedTokens) {
    public StreamAggregate {
      energyJ = Map.copyOf(energyJ);
      carbonG = Map.copyOf(carbonG);
    }

    /** team|model|window start, as the aggregates topic keys it. */
    public String key() {
      return (team == null ? "" : team) + "|" + model + "|" + windowStart;
    }
  }

  /**
   * A point of a stored series: grid intensity (gCO2e/kWh) for a zone or region, or PUE for a facility.
   *
   * @param source where it came from (file and line), kept for provenance
   */
  record SignalPoint(String kind, String key, Instant time, double value, String source) {
    public static final String INTENSITY = "intensity";
    public static final String PUE = "pue";
  }
}
