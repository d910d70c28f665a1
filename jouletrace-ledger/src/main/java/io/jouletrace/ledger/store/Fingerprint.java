package io.jouletrace.ledger.store;

/**
 * A 64-bit fingerprint of a record id: FNV-1a over its chars, then a SplitMix64 finaliser to spread
 * the bits. A fingerprint match only means "maybe stored": the exact id is always checked.
 */
public final class Fingerprint {

  private Fingerprint() {}

  public static long of(String id) {
    long h = 0xcbf29ce484222325L;
    for (int i = 0; i < id.length(); i++) {
      h ^= id.charAt(i);
      h *= 0x100000001b3L;
    }
    h ^= h >>> 30;
    h *= 0xbf58476d1ce4e5b9L;
    h ^= h >>> 27;
    h *= 0x94d049bb133111ebL;
    return h ^ (h >>> 31);
  }
}
