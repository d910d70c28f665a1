package io.jouletrace.ledger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jouletrace.ledger.chain.ChainHasher;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The ledger's head at a moment (docs/ledger.md, "Checkpoints"), printed by {@code jouletrace head} to keep outside
 * the store. The chain alone cannot show that its newest records were deleted (what is left still chains); a later
 * {@code verify} given a checkpoint fails when the ledger no longer holds the record at its seq with its hash.
 *
 * @param at when it was taken; null for a bare {@code SEQ:HASH} given on the command line
 * @param hmac HMAC-SHA-256 (hex) under the ledger key over seq, hash and time; null when the ledger has no key
 */
public record Checkpoint(long seq, String hash, Instant at, String hmac) {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern HASH = Pattern.compile("[0-9a-f]{64}");
  private static final String TEXT_PREFIX = "checkpoint ";

  /** A checkpoint of {@code head} now, signed with {@code hasher}'s key when it has one. */
  static Checkpoint of(long seq, String hash, Instant at, ChainHasher hasher) {
    return new Checkpoint(seq, hash, at, hasher.sign(signedText(seq, hash, at)));
  }

  private static String signedText(long seq, String hash, Instant at) {
    return "jouletrace-checkpoint\n" + seq + "\n" + hash + "\n" + at + "\n";
  }

  /**
   * Why {@code hasher}'s ledger refuses this checkpoint, or null when it accepts it. A signed ledger takes a checkpoint
   * file only with a matching HMAC; a bare seq and hash typed by the user is their own assertion.
   */
  String refusal(ChainHasher hasher) {
    if (at == null) return null;
    String expected = hasher.sign(signedText(seq, hash, at));
    if (hmac == null) return expected == null ? null : "it has no HMAC, and this ledger is sealed with a key";
    if (expected == null) return "it carries an HMAC, and this ledger has no key";
    return MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII), hmac.getBytes(StandardCharsets.US_ASCII)) ? null
        : "its HMAC does not match its seq, hash and time under this ledger's key (altered, or taken with another key)";
  }

  /** The one-line form {@code jouletrace head} prints: {@code checkpoint seq=… hash=… at=… [hmac=…]}. */
  public String text() {
    return TEXT_PREFIX + "seq=" + seq + " hash=" + hash + " at=" + at + (hmac == null ? "" : " hmac=" + hmac);
  }

  /** {@code {"seq", "hash", "at", "hmac"}} ({@code hmac} null without a ledger key). */
  public ObjectNode json() {
    ObjectNode node = JSON.createObjectNode();
    node.put("seq", seq).put("hash", hash).put("at", at == null ? null : at.toString()).put("hmac", hmac);
    return node;
  }

  /** {@code SEQ:HASH}, as {@code verify --expect-head} takes it. */
  public static Checkpoint parseSeqHash(String value) {
    int colon = value.indexOf(':');
    if (colon < 0) throw new IllegalArgumentException("--expect-head: expected SEQ:HASH, got '" + value + "'");
    return new Checkpoint(seq(value.substring(0, colon), "--expect-head: seq"), hash(value.substring(colon + 1), "--expect-head: hash"),
        null, null);
  }

  /** What {@code jouletrace head} printed, text or {@code --json}; errors name {@code source}, the line and the field. */
  public static Checkpoint parse(String content, String source) {
    if (content.strip().startsWith("{")) {
      JsonNode node;
      try {
        node = JSON.readTree(content);
      } catch (JsonProcessingException e) {
        throw new IllegalArgumentException(source + ": not a checkpoint (JSON): " + e.getOriginalMessage());
      }
      return fields(Map.of("seq", node.path("seq").asText(), "hash", node.path("hash").asText(), "at", node.path("at").asText(),
          "hmac", node.path("hmac").isTextual() ? node.get("hmac").asText() : ""), source);
    }
    String[] lines = content.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      if (!lines[i].startsWith(TEXT_PREFIX)) continue;
      Map<String, String> fields = new HashMap<>();
      for (String part : lines[i].substring(TEXT_PREFIX.length()).trim().split("\\s+")) {
        int eq = part.indexOf('=');
        if (eq > 0) fields.put(part.substring(0, eq), part.substring(eq + 1));
      }
      return fields(fields, source + ":" + (i + 1));
    }
    throw new IllegalArgumentException(source + ": no checkpoint in it (a line 'checkpoint seq=… hash=… at=…' or the JSON of `jouletrace head --json`)");
  }

  private static Checkpoint fields(Map<String, String> fields, String where) {
    Instant at;
    try {
      at = Instant.parse(fields.getOrDefault("at", ""));
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(where + ": field 'at': expected an ISO-8601 instant, got '" + fields.getOrDefault("at", "") + "'");
    }
    String hmac = fields.getOrDefault("hmac", "");
    if (!hmac.isEmpty() && !HASH.matcher(hmac).matches()) {
      throw new IllegalArgumentException(where + ": field 'hmac': expected 64 lower-case hex digits, got '" + hmac + "'");
    }
    return new Checkpoint(seq(fields.getOrDefault("seq", ""), where + ": field 'seq'"), hash(fields.getOrDefault("hash", ""), where + ": field 'hash'"),
        at, hmac.isEmpty() ? null : hmac);
  }

  private static long seq(String value, String where) {
    try {
      long seq = Long.parseLong(value.trim());
      if (seq >= 0) return seq;
    } catch (NumberFormatException e) {
      // named below
    }
    throw new IllegalArgumentException(where + ": expected a seq (0 or more), got '" + value + "'");
  }

  private static String hash(String value, String where) {
    if (!HASH.matcher(value.trim()).matches()) throw new IllegalArgumentException(where + ": expected 64 lower-case hex digits, got '" + value + "'");
    return value.trim();
  }
}
