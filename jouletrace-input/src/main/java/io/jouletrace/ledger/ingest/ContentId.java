package io.jouletrace.ledger.ingest;

import io.jouletrace.core.hash.Sha256;
import io.jouletrace.core.record.InvocationRecord;
import io.jouletrace.core.schema.RecordSchema;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;

/**
 * Deterministic ids for records that came without one, so re-ingesting the same file finds the same
 * records. The hash covers the normalised values (not the input text), so any format gives the same id.
 *
 * <p>Encoding: every field in {@link RecordSchema#FIELDS} order (id excluded) as a 4-byte big-endian
 * length then its UTF-8 text, length -1 for absent. Numbers are written as {@link Long#toString} /
 * {@link Double#toString}; the timestamp as epoch nanoseconds. A trailing field (added later) is written only when
 * present, after its marker byte, so the ids of records without it never change.
 */
final class ContentId {

  private static final BigInteger NANOS_PER_SECOND = BigInteger.valueOf(1_000_000_000L);

  private ContentId() {}

  static String of(InvocationRecord r) {
    var out = new ByteArrayOutputStream(256);
    for (RecordSchema.Field field : RecordSchema.FIELDS) {
      if (field == RecordSchema.ID) continue;
      Object value = field.get(r);
      if (field.hashing() == RecordSchema.Hashing.TRAILING) {
        if (value == null) continue;
        out.write(field.marker());
      }
      write(out, value instanceof Instant t ? epochNanos(t) : value);
    }
    return "jt-" + HexFormat.of().formatHex(Sha256.of(out.toByteArray()), 0, 16);
  }

  private static String epochNanos(Instant t) {
    return BigInteger.valueOf(t.getEpochSecond()).multiply(NANOS_PER_SECOND).add(BigInteger.valueOf(t.getNano()))
        .toString();
  }

  private static void write(ByteArrayOutputStream out, Object value) {
    if (value == null) {
      writeInt(out, -1);
      return;
    }
    byte[] bytes = value.toString().getBytes(StandardCharsets.UTF_8);
    writeInt(out, bytes.length);
    out.writeBytes(bytes);
  }

  private static void writeInt(ByteArrayOutputStream out, int v) {
    out.write(v >>> 24);
    out.write(v >>> 16);
    out.write(v >>> 8);
    out.write(v);
  }

}
