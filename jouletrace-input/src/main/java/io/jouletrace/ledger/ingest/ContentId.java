package io.jouletrace.ledger.ingest;

import io.jouletrace.core.hash.Sha256;
import io.jouletrace.core.record.InvocationRecord;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;

/**
 * Deterministic ids for records that came without one, so re-ingesting the same file finds the same
 * records. The hash covers the normalised values (not the input text), so any format gives the same id.
 *
 * <p>Encoding: every field in {@link RecordFields#NAMES} order (id excluded) as a 4-byte big-endian
 * length then its UTF-8 text, length -1 for absent. Numbers are written as {@link Long#toString} /
 * {@link Double#toString}; the timestamp as epoch nanoseconds.
 */
final class ContentId {

  private static final BigInteger NANOS_PER_SECOND = BigInteger.valueOf(1_000_000_000L);

  private ContentId() {}

  static String of(InvocationRecord r) {
    var out = new ByteArrayOutputStream(256);
    write(out, epochNanos(r.timestamp()));
    write(out, r.tenant());
    write(out, r.team());
    write(out, r.costCenter());
    write(out, r.traceId());
    write(out, r.provider());
    write(out, r.model());
    write(out, r.operation().code());
    write(out, r.inputTokens());
    write(out, r.outputTokens());
    write(out, r.reasoningTokens());
    write(out, r.cachedInputTokens());
    write(out, r.latencySeconds());
    write(out, r.zone());
    write(out, r.region());
    write(out, r.intensityGramsPerKwh());
    return "jt-" + HexFormat.of().formatHex(Sha256.of(out.toByteArray()), 0, 16);
  }

  private static String epochNanos(Instant t) {
    if (t == null) return null;
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
