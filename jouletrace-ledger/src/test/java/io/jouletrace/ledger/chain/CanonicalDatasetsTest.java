package io.jouletrace.ledger.chain;

import static org.assertj.core.api.Assertions.assertThat;

import io.jouletrace.core.record.InvocationRecord;
import io.jouletrace.ledger.entry.FigureSet;
import io.jouletrace.ledger.entry.LedgerEntry;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Dataset releases are a trailing field, written only when present: figures without them encode as before. */
class CanonicalDatasetsTest {

  private static final String RELEASES = "grid-owid.1@d7f2ad55a8c2";
  private static final FigureSet WITHOUT = new FigureSet("ecologits-0.9.1", "gpt-4o", "registry", "accurate",
      new FigureSet.Amount(1, 2, "modelled", "medium"), null, null, null, 44.0, "zone-annual: x", "FRA", null);
  private static final FigureSet WITH = new FigureSet(WITHOUT.methodologyVersion(), WITHOUT.modelResolved(), WITHOUT.modelSource(),
      WITHOUT.modelBand(), WITHOUT.energyJoules(), null, null, null, 44.0, "zone-annual: x", "FRA", null, RELEASES);

  @Test
  void a_record_with_releases_is_its_old_encoding_then_the_marked_releases() {
    InvocationRecord record = InvocationRecord.builder("openai", "gpt-4o", 10).id("a").timestamp(Instant.parse("2026-11-02T10:00:00Z")).build();
    byte[] old = encode(new LedgerEntry(1, record, WITHOUT, "t:1", null));
    byte[] now = encode(new LedgerEntry(1, record, WITH, "t:1", null));
    assertThat(now).isEqualTo(concat(old, trailer()));
  }

  @Test
  void a_figure_set_with_releases_puts_them_after_the_attribution_run() {
    Canonical canonical = new Canonical();
    byte[] backfilled = Arrays.copyOf(canonical.encode("h", WITHOUT, null), canonical.size());
    assertThat(Arrays.copyOf(canonical.encode("h", WITH, null), canonical.size())).isEqualTo(concat(backfilled, trailer()));
    byte[] measured = Arrays.copyOf(canonical.encode("h", WITHOUT, "run-1"), canonical.size());
    assertThat(Arrays.copyOf(canonical.encode("h", WITH, "run-1"), canonical.size())).isEqualTo(concat(measured, trailer()));
  }

  private static byte[] encode(LedgerEntry entry) {
    Canonical canonical = new Canonical();
    return Arrays.copyOf(canonical.encode(entry), canonical.size());
  }

  private static byte[] trailer() {
    byte[] text = RELEASES.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(1 + 4 + text.length).put(Canonical.DATASETS).putInt(text.length).put(text).array();
  }

  private static byte[] concat(byte[] a, byte[] b) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(a);
    out.writeBytes(b);
    return out.toByteArray();
  }
}
