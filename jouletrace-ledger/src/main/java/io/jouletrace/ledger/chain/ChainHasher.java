package io.jouletrace.ledger.chain;

import io.jouletrace.core.hash.Sha256;
import io.jouletrace.ledger.entry.FigureSet;
import io.jouletrace.ledger.entry.LedgerEntry;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;

/**
 * hash(n) = H(hash(n−1) ‖ canonical(entry n)), H = SHA-256, or HMAC-SHA-256 under a key so that
 * someone with write access to the store but not the key cannot re-forge the chain after an edit.
 * The chain starts from 32 zero bytes. Not thread-safe: one per thread.
 */
public final class ChainHasher {

  public static final String GENESIS = "0".repeat(64);
  public static final String SHA_256 = "sha256";
  public static final String HMAC_SHA_256 = "hmac-sha256";

  private static final HexFormat HEX = HexFormat.of();

  private final MessageDigest digest;
  private final Mac mac;
  private final Canonical canonical = new Canonical();

  private ChainHasher(MessageDigest digest, Mac mac) {
    this.digest = digest;
    this.mac = mac;
  }

  public static ChainHasher sha256() {
    return new ChainHasher(Sha256.digest(), null);
  }

  public static ChainHasher hmacSha256(byte[] key) {
    if (key.length < 16) throw new IllegalArgumentException("an HMAC ledger key needs at least 16 bytes, got " + key.length);
    return new ChainHasher(null, Sha256.hmac(key));
  }

  /** {@link #SHA_256} or {@link #HMAC_SHA_256}; recorded in the store so verification uses the same. */
  public String mode() {
    return mac == null ? SHA_256 : HMAC_SHA_256;
  }

  /** The hash of {@code entry} (whose own {@code hash} is ignored) following {@code previousHash}. */
  public String hash(String previousHash, LedgerEntry entry) {
    byte[] bytes = canonical.encode(entry);
    return seal(previousHash, bytes, canonical.size());
  }

  /**
   * The canonical bytes of {@code entry} (its own {@code hash} ignored), a copy: encoded on any thread, chained later
   * by {@link #hashCanonical}, so that {@code hashCanonical(p, canonical(e))} equals {@code hash(p, e)}.
   */
  public byte[] canonical(LedgerEntry entry) {
    return java.util.Arrays.copyOf(canonical.encode(entry), canonical.size());
  }

  /** The hash of an entry whose {@link #canonical} bytes these are, following {@code previousHash}. */
  public String hashCanonical(String previousHash, byte[] canonicalBytes) {
    return seal(previousHash, canonicalBytes, canonicalBytes.length);
  }

  /**
   * The hash of a figure set beside a record's own, tied to the hash of the record it figures and, for a measured
   * set, to the attribution run (whose id is derived from the digest of its stored inputs); null for a backfilled set.
   */
  public String hash(String recordHash, FigureSet figures, String attributionRun) {
    byte[] bytes = canonical.encode(recordHash, figures, attributionRun);
    return seal(recordHash, bytes, canonical.size());
  }

  /**
   * HMAC-SHA-256 (hex) of {@code text} under the ledger key, or null when this chain has no key: a ledger checkpoint
   * kept elsewhere is signed with it, so one altered there is refused.
   */
  public String sign(String text) {
    return mac == null ? null : HEX.formatHex(mac.doFinal(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }

  private String seal(String previousHash, byte[] bytes, int length) {
    byte[] previous = HEX.parseHex(previousHash);
    byte[] result;
    if (mac != null) {
      mac.update(previous);
      mac.update(bytes, 0, length);
      result = mac.doFinal();
    } else {
      digest.update(previous);
      digest.update(bytes, 0, length);
      result = digest.digest();
    }
    return HEX.formatHex(result);
  }
}
