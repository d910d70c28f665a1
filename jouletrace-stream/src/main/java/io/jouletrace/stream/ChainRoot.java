package io.jouletrace.stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jouletrace.core.hash.Sha256;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * The root over all partitions' chains: SHA-256 over {@code partition:seq:hash\n} per head, in partition order. The
 * topology publishes it sealed with the heads it covers ({@code {"at", "root", "heads": [{"partition", "seq", "hash"}…]}},
 * and {@code "signature"} when it has a key: {@link RootSeal}), so each published root can be checked on its own and
 * against the chains.
 */
final class ChainRoot {

  /** One chain's head: its partition, the seq of its last record and that record's hash. */
  record Head(int partition, long seq, String hash) {
    static Head of(JsonNode node) {
      if (!node.path("partition").isInt() || !node.path("seq").canConvertToLong() || !node.path("hash").isTextual()) {
        throw new IllegalArgumentException("a head needs partition, seq and hash, got " + node);
      }
      return new Head(node.get("partition").asInt(), node.get("seq").asLong(), node.get("hash").asText());
    }

    ObjectNode json() {
      return Messages.JSON.createObjectNode().put("partition", partition).put("seq", seq).put("hash", hash);
    }
  }

  private ChainRoot() {}

  static String hash(Collection<Head> heads) {
    StringBuilder input = new StringBuilder();
    heads.stream().sorted(Comparator.comparingInt(Head::partition))
        .forEach(h -> input.append(h.partition()).append(':').append(h.seq()).append(':').append(h.hash()).append('\n'));
    return Sha256.hexDigest(input.toString());
  }

  /** The sealed root message over {@code heads}, published at {@code at}, with its signature when {@code seal} has a key. */
  static String message(Instant at, Collection<Head> heads, RootSeal seal) {
    String root = hash(heads);
    ObjectNode node = Messages.JSON.createObjectNode().put("at", at.toString()).put("root", root);
    ArrayNode named = node.putArray("heads");
    heads.stream().sorted(Comparator.comparingInt(Head::partition)).forEach(h -> named.add(h.json()));
    if (seal.signs()) node.put("signature", seal.signature(at.toString(), root));
    return node.toString();
  }

  /** The heads a root message names; an entry without partition, seq or hash is an error. */
  static List<Head> heads(JsonNode root) {
    if (!root.path("heads").isArray()) throw new IllegalArgumentException("no heads array");
    List<Head> heads = new ArrayList<>();
    root.get("heads").forEach(h -> heads.add(Head.of(h)));
    return heads;
  }
}
