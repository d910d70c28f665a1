package io.jouletrace.ledger.chain;

import io.jouletrace.core.hash.Sha256;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/**
 * A root over several hash chains: SHA-256 over one line {@code chain:seq:hash\n} per chain head, in the order given
 * (the stream orders its partitions by number, the ledger its chains by name), and its signature under the ledger key,
 * HMAC-SHA-256 over {@code jouletrace-root\n<at>\n<root>}. A sealed root anchors every chain it names at that head:
 * a chain whose history was cut or rewritten after it no longer holds that head. Used by the ledger's writers (one
 * chain per server, docs/ledger.md) and by the stream topology (one chain per partition, docs/scale-out.md).
 */
public final class ChainRoot {

  /** The prefix of a signature: its algorithm. */
  public static final String SIGNATURE_PREFIX = "hmac-sha256:";

  /** One chain's head: the chain's name, the seq (chain position) of its last record and that record's hash. */
  public record Head(String chain, long seq, String hash) {
    /** As the root hashes it: {@code chain:seq:hash}. */
    public String line() {
      return chain + ":" + seq + ":" + hash;
    }

    /** The head a {@link #line()} names; the chain may itself hold colons, the seq and hash do not. */
    public static Head ofLine(String line) {
      int hashAt = line.lastIndexOf(':');
      int seqAt = hashAt < 0 ? -1 : line.lastIndexOf(':', hashAt - 1);
      if (seqAt < 0) throw new IllegalArgumentException("a head line is chain:seq:hash, got '" + line + "'");
      return new Head(line.substring(0, seqAt), Long.parseLong(line.substring(seqAt + 1, hashAt)), line.substring(hashAt + 1));
    }
  }

  private ChainRoot() {}

  /** The text a root hashes: each head's line and a newline, in the order given. */
  public static String text(List<Head> heads) {
    StringBuilder text = new StringBuilder();
    heads.forEach(h -> text.append(h.line()).append('\n'));
    return text.toString();
  }

  /** The heads a root's {@link #text} names, in order. */
  public static List<Head> heads(String text) {
    List<Head> heads = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (!line.isEmpty()) heads.add(Head.ofLine(line));
    }
    return heads;
  }

  /** The root (hex SHA-256) over {@code heads} in the order given. */
  public static String hash(List<Head> heads) {
    return Sha256.hexDigest(text(heads));
  }

  /** {@code hmac-sha256:<hex>} over {@code at} and {@code root} under {@code hasher}'s key; null when it has none. */
  public static String signature(ChainHasher hasher, String at, String root) {
    String mac = hasher.sign("jouletrace-root\n" + at + "\n" + root);
    return mac == null ? null : SIGNATURE_PREFIX + mac;
  }

  /**
   * Why a root published at {@code at} with {@code signature} (null: unsigned) is not signed by {@code hasher}'s key;
   * null when it is, or when there is no key to check with (roots are then checked by their hash alone).
   */
  public static String signatureProblem(ChainHasher hasher, String at, String root, String signature) {
    String expected = signature(hasher, at, root);
    if (expected == null) return null;
    if (signature == null) return "it is not signed, and roots are checked with a key";
    return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), signature.getBytes(StandardCharsets.UTF_8)) ? null
        : "its signature does not match the key";
  }
}
