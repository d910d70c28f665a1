package io.jouletrace.stream;

import com.fasterxml.jackson.databind.JsonNode;
import io.jouletrace.ledger.chain.ChainHasher;
import io.jouletrace.ledger.chain.ChainRoot;

/**
 * Signs the sealed roots with the deployment's ledger key (the ledger's root signature, {@link ChainRoot#signature}), so
 * that someone who can write the roots topic but lacks the key cannot add a root of their own: with the key,
 * {@code stream verify} takes only roots whose signature it can recompute. Without a key roots go out unsigned and are
 * checked by their hash alone.
 */
final class RootSeal {

  static final RootSeal NONE = new RootSeal(ChainHasher.sha256());
  static final String PREFIX = ChainRoot.SIGNATURE_PREFIX;

  /** Its MAC is not thread-safe: every use is synchronized. */
  private final ChainHasher hasher;

  private RootSeal(ChainHasher hasher) {
    this.hasher = hasher;
  }

  /** Signs with {@code key} (at least 16 bytes, as for a ledger's HMAC chain); null or empty: unsigned. */
  static RootSeal of(byte[] key) {
    return key == null || key.length == 0 ? NONE : new RootSeal(ChainHasher.hmacSha256(key));
  }

  boolean signs() {
    return hasher.mode().equals(ChainHasher.HMAC_SHA_256);
  }

  /** {@code hmac-sha256:<hex>} over {@code at} and {@code root}, one per line; null when unsigned. */
  synchronized String signature(String at, String root) {
    return ChainRoot.signature(hasher, at, root);
  }

  /** Why {@code root} (a published root message) is not signed by this key; null when it is, or when there is no key. */
  synchronized String problem(JsonNode root) {
    JsonNode signature = root.get("signature");
    return ChainRoot.signatureProblem(hasher, root.path("at").asText(), root.path("root").asText(),
        signature != null && signature.isTextual() ? signature.asText() : null);
  }
}
