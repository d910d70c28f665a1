package io.jouletrace.ledger.chain;

import static org.assertj.core.api.Assertions.assertThat;

import io.jouletrace.core.record.InvocationRecord;
import io.jouletrace.ledger.entry.FigureSet;
import io.jouletrace.ledger.entry.LedgerEntry;
import io.jouletrace.ledger.report.PriceTable;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** A record's stored price is a trailing field, written only when present: records without one encode as before. */
class CanonicalPriceTest {

  private static final InvocationRecord RECORD = InvocationRecord.builder("openai", "gpt-4o", 10).id("a")
      .timestamp(Instant.parse("2026-11-02T10:00:00Z")).build();
  private static final FigureSet FIGURES = new FigureSet("ecologits-0.9.1", "gpt-4o", "registry", "accurate",
      new FigureSet.Amount(1, 2, "modelled", "medium"), null, null, null, 44.0, "zone-annual: x", "FRA", null, "grid-owid.1@d7f2ad55a8c2");
  private static final PriceTable.Price PRICE = new PriceTable.Price(new BigDecimal("2.50"), new BigDecimal("10.00"), "USD",
      "https://platform.openai.com/docs/pricing", "2026-03-01");

  @Test
  void a_record_with_a_price_is_its_old_encoding_then_the_marked_price() {
    byte[] old = encode(new LedgerEntry(1, RECORD, FIGURES, "t:1", null));
    byte[] priced = encode(new LedgerEntry(1, RECORD, FIGURES, "t:1", null, PRICE));
    assertThat(encode(new LedgerEntry(1, RECORD, FIGURES, "t:1", null, null))).isEqualTo(old);
    // Rates as plain decimals without trailing zeros: 2.50 and 2.5 are one price, and one hash.
    assertThat(priced).isEqualTo(concat(old, trailer("USD", "2.5", "10", PRICE.source(), "2026-03-01")));
  }

  @Test
  void every_part_of_the_price_is_covered_by_the_hash() {
    ChainHasher hasher = ChainHasher.sha256();
    String priced = hasher.hash(ChainHasher.GENESIS, new LedgerEntry(1, RECORD, FIGURES, "t:1", null, PRICE));
    for (PriceTable.Price other : new PriceTable.Price[] {
        new PriceTable.Price(new BigDecimal("2.6"), PRICE.outputPerMillionTokens(), "USD", PRICE.source(), PRICE.asOf()),
        new PriceTable.Price(PRICE.inputPerMillionTokens(), new BigDecimal("11"), "USD", PRICE.source(), PRICE.asOf()),
        new PriceTable.Price(PRICE.inputPerMillionTokens(), PRICE.outputPerMillionTokens(), "EUR", PRICE.source(), PRICE.asOf()),
        new PriceTable.Price(PRICE.inputPerMillionTokens(), PRICE.outputPerMillionTokens(), "USD", "mine.csv", PRICE.asOf()),
        new PriceTable.Price(PRICE.inputPerMillionTokens(), PRICE.outputPerMillionTokens(), "USD", PRICE.source(), null)}) {
      assertThat(hasher.hash(ChainHasher.GENESIS, new LedgerEntry(1, RECORD, FIGURES, "t:1", null, other))).as(other.toString()).isNotEqualTo(priced);
    }
  }

  private static byte[] encode(LedgerEntry entry) {
    Canonical canonical = new Canonical();
    return Arrays.copyOf(canonical.encode(entry), canonical.size());
  }

  private static byte[] trailer(String... fields) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(Canonical.PRICE);
    for (String field : fields) {
      byte[] text = field.getBytes(StandardCharsets.UTF_8);
      out.writeBytes(ByteBuffer.allocate(4).putInt(text.length).array());
      out.writeBytes(text);
    }
    return out.toByteArray();
  }

  private static byte[] concat(byte[] a, byte[] b) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(a);
    out.writeBytes(b);
    return out.toByteArray();
  }
}
