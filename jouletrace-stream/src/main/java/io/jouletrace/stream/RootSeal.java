package io.jouletrace.stream;

import com.fasterxml.jackson.databind.JsonNode;
import io.jouletrace.core.hash.Sha256;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Signs the sealed roots with the deployment's ledger key (HMAC-SHA-256 over the time and the root), so that someone who
 * can write the roots topic but lacks the key cannot add a root of their own: with the key, {@code stream verify} takes
 * only roots whose signature it can recompute. Without a key roots go out unsigned and are checked by their hash alone.
 */
final class RootSeal {

  static final RootSeal NONE = new RootSeal(null);
  static final String PREFIX = "hmac-sha256:";

  private final byte[] key;

  private RootSeal(byte[] key) {
    this.key = key;
  }

  /** Signs with {@code key}; null or empty: unsigned. */
  static RootSeal of(byte[] key) {
    return key == null || key.length == 0 ? NONE : new RootSeal(key.clone());
  }

  boolean signs() {
    return key != null;
  }

  /** {@code hmac-sha256:<hex>} over {@code at} and {@code root}, one per line; null when unsigned. */
  String signature(String at, String root) {
    if (key == null) return null;
    return PREFIX + Sha256.hex(Sha256.hmac(key).doFinal(("jouletrace-root\n" + at + "\n" + root).getBytes(StandardCharsets.UTF_8)));
  }

  /** Why {@code root} (a published root message) is not signed by this key; null when it is, or when there is no key. */
  String problem(JsonNode root) {
    if (key == null) return null;
    JsonNode signature = root.get("signature");
    if (signature == null || !signature.isTextual()) return "it is not signed, and roots are checked with a key";
    String expected = signature(root.path("at").asText(), root.path("root").asText());
    boolean matches = MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), signature.asText().getBytes(StandardCharsets.UTF_8));
    return matches ? null : "its signature does not match the key";
  }
}
