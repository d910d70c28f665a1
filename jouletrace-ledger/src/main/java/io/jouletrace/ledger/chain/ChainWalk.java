package io.jouletrace.ledger.chain;

import io.jouletrace.ledger.entry.LedgerEntry;

/**
 * One hash chain walked in position order, as verification walks it: each stored entry's position (its chain seq) must
 * follow the one before, and its stored hash must follow from its content and the previous entry's stored hash. Keeps
 * the chain's head and its first break. The ledger's verify walks one per writer's chain; the stream's verify one per
 * input partition's.
 */
public final class ChainWalk {

  private final ChainHasher hasher;
  private long records;
  private long expected = 1;
  private String previousHash = ChainHasher.GENESIS;
  private Long brokenAtSeq;
  private String problem;

  public ChainWalk(ChainHasher hasher) {
    this.hasher = hasher;
  }

  /**
   * Takes the chain's next stored entry. Returns what breaks at it — positions missing, a position stored twice, or a
   * hash that does not follow — or null; once the chain is broken, later entries are counted but not judged.
   *
   * @param detail added to a hash that does not follow (what else differs there); empty for nothing
   */
  public String next(LedgerEntry entry, String detail) {
    return next(entry, null, detail);
  }

  /**
   * {@link #next(LedgerEntry, String)} with the entry's canonical bytes already encoded ({@link ChainHasher#canonical},
   * on another thread, as verify does); null: encode them here.
   */
  public String next(LedgerEntry entry, byte[] canonical, String detail) {
    records++;
    String found = null;
    if (entry.chainSeq() != expected) {
      found = order(expected, entry.chainSeq());
    } else if (problem == null) {
      String computed = canonical == null ? hasher.hash(previousHash, entry) : hasher.hashCanonical(previousHash, canonical);
      if (!computed.equals(entry.hash())) {
        found = "stored hash " + entry.hash() + " does not follow from the stored content and the previous hash (recomputed " + computed + ")"
            + detail;
      }
    }
    previousHash = entry.hash();
    expected = entry.chainSeq() + 1;
    if (found == null || problem != null) return null;
    breakAt(entry.seq(), found);
    return found;
  }

  /** Notes the chain's first break, at ledger seq {@code seq} (null: at no one record); a later one is not kept. */
  public void breakAt(Long seq, String what) {
    if (problem != null) return;
    brokenAtSeq = seq;
    problem = what;
  }

  /** What is wrong where position {@code found} follows instead of {@code expected}: positions missing, or one stored twice. */
  public static String order(long expected, long found) {
    return found > expected
        ? "seq " + expected + (found - expected > 1 ? "–" + (found - 1) : "") + " missing (next stored seq is " + found + ")"
        : "seq " + found + " stored twice";
  }

  public long records() {
    return records;
  }

  /** The position of the last entry taken (0 before any). */
  public long headSeq() {
    return expected - 1;
  }

  /** The last entry's stored hash (the genesis hash before any). */
  public String headHash() {
    return previousHash;
  }

  /** The ledger seq of the entry where the chain first broke; null when intact or broken at no one record. */
  public Long brokenAtSeq() {
    return brokenAtSeq;
  }

  /** The first break; null while intact. */
  public String problem() {
    return problem;
  }
}
