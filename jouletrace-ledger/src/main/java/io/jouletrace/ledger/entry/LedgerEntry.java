package io.jouletrace.ledger.entry;

import io.jouletrace.core.record.InvocationRecord;
import io.jouletrace.core.record.PhaseTimings;
import io.jouletrace.ledger.report.PriceTable;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * One chained record: its position, its inputs, the figures made from them, where it came from, and
 * the hash that seals all of it to the record before.
 *
 * @param sourceRef where the record was read ({@code file:line}, {@code chain:<seq>}, …); part of the hash
 * @param hash hex SHA-256 (or HMAC-SHA-256) of {@link Canonical#encode} chained to the previous hash
 * @param seq the entry's place in the whole ledger (every chain's records together, in commit order)
 * @param price the list price applied when the record was written; null for records written before prices were kept
 *     (and where the table has none); part of the hash when present
 */
public record LedgerEntry(long seq, InvocationRecord record, FigureSet figures, String sourceRef, String hash, PriceTable.Price price,
    String chain, long chainSeq) {

  /** The default chain's name: the one chain of a ledger written by one writer, and of every ledger before V14. */
  public static final String DEFAULT_CHAIN = "";

  /** An entry without a stored price. */
  public LedgerEntry(long seq, InvocationRecord record, FigureSet figures, String sourceRef, String hash) {
    this(seq, record, figures, sourceRef, hash, null);
  }

  /** An entry of the default chain, where its position is its seq (as for every record of a one-writer ledger). */
  public LedgerEntry(long seq, InvocationRecord record, FigureSet figures, String sourceRef, String hash, PriceTable.Price price) {
    this(seq, record, figures, sourceRef, hash, price, DEFAULT_CHAIN, seq);
  }

  /**
   * @param chain the chain the entry belongs to ({@link #DEFAULT_CHAIN}, or a writer's instance id; docs/ledger.md)
   * @param chainSeq its position in that chain: the seq its hash covers. {@code seq} is its place in the whole ledger.
   */
  public LedgerEntry {
    Objects.requireNonNull(chain, "chain");
    Objects.requireNonNull(record.id(), "record id");
    Objects.requireNonNull(record.timestamp(), "record timestamp");
    if (!record.timestamp().equals(storedTimestamp(record.timestamp()))) {
      throw new IllegalArgumentException("timestamp must be truncated to microseconds: " + record.timestamp());
    }
  }

  /** Stores keep microseconds (DuckDB and PostgreSQL TIMESTAMP); the ledger truncates before hashing. */
  public static Instant storedTimestamp(Instant timestamp) {
    return timestamp.truncatedTo(ChronoUnit.MICROS);
  }

  /** {@code r} with its timestamp as the stores keep it (microseconds): what the ledger figures and hashes. */
  public static InvocationRecord withStoredTimestamp(InvocationRecord r) {
    var stored = storedTimestamp(r.timestamp());
    if (stored.equals(r.timestamp())) return r;
    return copy(r, stored, r.phases());
  }

  /**
   * Whether two records of one (tenant, id) say the same, as stored: every field the ledger keeps alike (timestamps to
   * the microsecond; phase timings are not stored). The same record sent again is a duplicate; anything else a conflict.
   */
  public static boolean sameContent(InvocationRecord stored, InvocationRecord other) {
    return asKept(stored).equals(asKept(other));
  }

  private static InvocationRecord asKept(InvocationRecord r) {
    return copy(r, storedTimestamp(r.timestamp()), null);
  }

  private static InvocationRecord copy(InvocationRecord r, Instant timestamp, PhaseTimings phases) {
    return new InvocationRecord(r.id(), timestamp, r.tenant(), r.team(), r.costCenter(), r.traceId(), r.provider(), r.model(),
        r.operation(), r.inputTokens(), r.outputTokens(), r.reasoningTokens(), r.cachedInputTokens(), r.latencySeconds(),
        r.zone(), r.region(), r.intensityGramsPerKwh(), r.modelRequested(), phases);
  }

  /** This entry at ledger-wide {@code seq} (where the store appended it), its chain position and hash unchanged. */
  public LedgerEntry at(long seq) {
    return new LedgerEntry(seq, record, figures, sourceRef, hash, price, chain, chainSeq);
  }
}
