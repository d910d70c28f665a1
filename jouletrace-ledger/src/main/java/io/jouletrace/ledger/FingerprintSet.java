package io.jouletrace.ledger;

/**
 * A set of 64-bit fingerprints in one open-addressing {@code long[]}: 10 M stored ids cost ~550 MB
 * as boxed Longs in a HashSet but ~128 MB here, which keeps a 10 M-record ingest inside a 1 GiB heap.
 */
final class FingerprintSet {

  /** Marks an empty slot; the fingerprint 0 itself is tracked separately. */
  private static final long EMPTY = 0;

  private long[] slots = new long[1 << 16];
  private int size;
  private boolean hasZero;

  boolean contains(long fingerprint) {
    if (fingerprint == EMPTY) return hasZero;
    int mask = slots.length - 1;
    for (int i = spread(fingerprint) & mask; ; i = (i + 1) & mask) {
      long slot = slots[i];
      if (slot == fingerprint) return true;
      if (slot == EMPTY) return false;
    }
  }

  void add(long fingerprint) {
    if (fingerprint == EMPTY) {
      hasZero = true;
      return;
    }
    if ((size + 1) * 3L > slots.length * 2L) grow();
    if (insert(slots, fingerprint)) size++;
  }

  private static boolean insert(long[] table, long fingerprint) {
    int mask = table.length - 1;
    for (int i = spread(fingerprint) & mask; ; i = (i + 1) & mask) {
      if (table[i] == fingerprint) return false;
      if (table[i] == EMPTY) {
        table[i] = fingerprint;
        return true;
      }
    }
  }

  private void grow() {
    long[] bigger = new long[slots.length * 2];
    for (long slot : slots) if (slot != EMPTY) insert(bigger, slot);
    slots = bigger;
  }

  private static int spread(long fingerprint) {
    return (int) (fingerprint ^ (fingerprint >>> 32));
  }

  @Override
  public String toString() {
    return "FingerprintSet[" + (size + (hasZero ? 1 : 0)) + " fingerprints in " + slots.length + " slots]";
  }
}
