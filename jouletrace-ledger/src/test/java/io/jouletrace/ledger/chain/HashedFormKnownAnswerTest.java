package io.jouletrace.ledger.chain;

import static org.assertj.core.api.Assertions.assertThat;

import io.jouletrace.catalog.Catalog;
import io.jouletrace.core.methodology.Estimator;
import io.jouletrace.core.record.InvocationRecord;
import io.jouletrace.ledger.entry.FigureSet;
import io.jouletrace.ledger.entry.LedgerEntry;
import io.jouletrace.ledger.ingest.Parsed;
import io.jouletrace.ledger.ingest.RecordFields;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/**
 * Known answers for the hashed form: every ledger already written rests on it, so a change to {@link Canonical}, the
 * chain's sealing, the content id of a record without one, or the figures of a published methodology version must
 * fail here instead of silently breaking their verification. The records are read as ingest reads them; the expected
 * ids, canonical-byte digests and chain hashes in {@code hashed-form-v1-expected.txt} were computed by the code that
 * wrote the existing ledgers (format 1, as of commit 08ed4b2): never regenerate them to make this pass.
 */
class HashedFormKnownAnswerTest {

  private static final String VERSION = "ecologits-0.9.1";
  private static final byte[] LEDGER_KEY = "known-answer-ledger-key-0123456789".getBytes(StandardCharsets.UTF_8);
  private static final String RUN = "0123456789abcdef";

  @Test
  void records_chain_and_figure_sets_hash_as_the_existing_ledgers_do() throws IOException {
    assertThat(computed()).containsExactlyElementsOf(expected());
  }

  /**
   * One line per record: its id, the SHA-256 of its canonical bytes, its sha256 and its hmac-sha256 chain hash; then a
   * backfilled and a measured figure set beside the last record.
   */
  private static List<String> computed() throws IOException {
    Estimator estimator = Catalog.estimator(Catalog.Options.defaults());
    ChainHasher sha = ChainHasher.sha256();
    ChainHasher hmac = ChainHasher.hmacSha256(LEDGER_KEY);
    Canonical canonical = new Canonical();
    List<String> lines = new ArrayList<>();
    String previousSha = ChainHasher.GENESIS;
    String previousHmac = ChainHasher.GENESIS;
    long seq = 0;
    LedgerEntry last = null;
    for (String json : resource("hashed-form-v1-records.jsonl").lines().toList()) {
      seq++;
      Parsed parsed = RecordFields.parse(RecordFields.jsonReader().readTree(json), "kat.jsonl:" + seq);
      assertThat(parsed).as(json).isInstanceOf(Parsed.Accepted.class);
      InvocationRecord record = LedgerEntry.withStoredTimestamp(((Parsed.Accepted) parsed).record());
      FigureSet figures = FigureSet.of(estimator.estimate(record, VERSION));
      LedgerEntry entry = new LedgerEntry(seq, record, figures, "kat.jsonl:" + seq, null);
      String bytes = sha256(canonical.encode(entry), canonical.size());
      previousSha = sha.hash(previousSha, entry);
      previousHmac = hmac.hash(previousHmac, entry);
      lines.add("record " + record.id().replace(' ', '_') + " " + bytes + " " + previousSha + " " + previousHmac);
      last = new LedgerEntry(seq, record, figures, entry.sourceRef(), previousSha);
    }
    String recordHash = Objects.requireNonNull(last).hash();
    FigureSet backfilled = FigureSet.of(estimator.estimate(last.record(), "ecologits-0.8.2"));
    lines.add("figure-set backfill " + sha.hash(recordHash, backfilled, null) + " " + hmac.hash(recordHash, backfilled, null));
    FigureSet measured = new FigureSet("measured-1", null, null, null, new FigureSet.Amount(10.5, 12.25, "measured", "accurate"), null,
        null, null, null, null, null, "carbon=intensity-unknown");
    lines.add("figure-set measured " + sha.hash(recordHash, measured, RUN) + " " + hmac.hash(recordHash, measured, RUN));
    return lines;
  }

  private static List<String> expected() throws IOException {
    return resource("hashed-form-v1-expected.txt").lines().filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
  }

  private static String sha256(byte[] bytes, int length) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update(bytes, 0, length);
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks SHA-256", e);
    }
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = HashedFormKnownAnswerTest.class.getResourceAsStream(name)) {
      return new String(Objects.requireNonNull(in, name).readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
