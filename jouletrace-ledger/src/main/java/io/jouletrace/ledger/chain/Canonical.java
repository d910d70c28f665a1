package io.jouletrace.ledger.chain;

import io.jouletrace.core.record.InvocationRecord;
import io.jouletrace.core.schema.RecordSchema;
import io.jouletrace.ledger.entry.FigureSet;
import io.jouletrace.ledger.entry.LedgerEntry;
import io.jouletrace.ledger.report.PriceTable;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;

/**
 * The canonical byte form of a ledger entry that its hash covers (format 1, see docs/ledger.md).
 *
 * <p>Binary and length-prefixed rather than JSON text: building a canonical JSON string per record
 * measured 10× slower than this, and a fixed field order with explicit null markers is just as
 * unambiguous. The record's fields are written in {@link RecordSchema} order, then the entry's source, figures,
 * datasets, price and the schema's trailing fields; a string is a 4-byte big-endian length
 * then UTF-8 bytes (length -1 for null); an optional number is a presence byte then 8 bytes
 * (IEEE-754 bits for doubles); the timestamp is epoch microseconds.
 */
public final class Canonical {

  /** Bumped if the encoding ever changes; written first so old and new hashes can never collide. */
  public static final byte FORMAT = 1;

  /**
   * Marks a figure set's dataset releases, written last and only when present, so figures without them encode exactly
   * as before. The marker cannot be mistaken for an attribution run's 4-byte length, whose first byte is 0.
   */
  static final byte DATASETS = 'D';

  /**
   * Marks a record's stored list price, written after its datasets and only when present (records before V12 have none).
   * The record's trailing fields follow, each behind its own marker ({@link RecordSchema.Field#marker}).
   */
  static final byte PRICE = 'P';

  private byte[] buffer = new byte[512];
  private int size;

  /** Encodes {@code entry} (its {@code hash} excluded) and returns the bytes, valid until the next call. */
  public byte[] encode(LedgerEntry entry) {
    size = 0;
    writeByte(FORMAT);
    writeLong(entry.chainSeq()); // the position in its chain: the seq, for the default chain of a one-writer ledger
    InvocationRecord r = entry.record();
    for (RecordSchema.Field field : RecordSchema.IN_ORDER) writeField(field, field.get(r));
    writeString(entry.sourceRef());
    writeFigures(entry.figures());
    writeDatasets(entry.figures());
    writePrice(entry.price());
    for (RecordSchema.Field field : RecordSchema.TRAILING) writeTrailing(field, field.get(r));
    return buffer;
  }

  /** Number of valid bytes from the last {@link #encode}. */
  public int size() {
    return size;
  }

  /**
   * Encodes a figure set alone (chained to its record's hash): a backfilled set, or a measured one followed by its
   * attribution run (absent, not null-marked, for a backfilled set, so those encode as they always have); then the
   * set's dataset releases when it names them.
   */
  public byte[] encode(String recordHash, FigureSet figures, String attributionRun) {
    size = 0;
    writeByte(FORMAT);
    writeString(recordHash);
    writeFigures(figures);
    if (attributionRun != null) writeString(attributionRun);
    writeDatasets(figures);
    return buffer;
  }

  private void writeFigures(FigureSet f) {
    writeString(f.methodologyVersion());
    writeString(f.modelResolved());
    writeString(f.modelSource());
    writeString(f.modelBand());
    writeAmount(f.energyJoules());
    writeAmount(f.carbonGrams());
    writeAmount(f.embodiedCarbonGrams());
    writeAmount(f.waterLitres());
    writeOptional(f.intensityGramsPerKwh());
    writeString(f.intensitySource());
    writeString(f.intensityZone());
    writeString(f.nullReasons());
  }

  /**
   * A field in its type's encoding: text as a string, the timestamp as epoch microseconds, a number as an optional
   * value, or as a bare long where the schema says it is never null (output tokens).
   */
  private void writeField(RecordSchema.Field field, Object value) {
    switch (field.type()) {
      case TEXT -> writeString((String) value);
      case TIMESTAMP -> writeLong(epochMicros((Instant) value));
      case COUNT -> {
        if (field.nullable()) writeOptional((Long) value);
        else writeLong((Long) value);
      }
      case SECONDS, NUMBER -> writeOptional((Double) value);
    }
  }

  /** A field added after format 1: its marker then its value, only when present, so older records encode as before. */
  private void writeTrailing(RecordSchema.Field field, Object value) {
    if (value == null) return;
    writeByte(field.marker());
    writeField(field, value);
  }

  private static long epochMicros(Instant t) {
    return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1000);
  }

  private void writeDatasets(FigureSet f) {
    if (f.datasets() == null) return;
    writeByte(DATASETS);
    writeString(f.datasets());
  }

  private void writePrice(PriceTable.Price price) {
    if (price == null) return;
    writeByte(PRICE);
    writeString(price.currency());
    writeString(price.inputPerMillionTokens().toPlainString());
    writeString(price.outputPerMillionTokens().toPlainString());
    writeString(price.source());
    writeString(price.asOf());
  }

  private void writeAmount(FigureSet.Amount amount) {
    if (amount == null) {
      writeByte((byte) 0);
      return;
    }
    writeByte((byte) 1);
    writeLong(Double.doubleToLongBits(amount.low()));
    writeLong(Double.doubleToLongBits(amount.high()));
    writeString(amount.tier());
    writeString(amount.band());
  }

  private void writeOptional(Long value) {
    writeByte((byte) (value == null ? 0 : 1));
    if (value != null) writeLong(value);
  }

  private void writeOptional(Double value) {
    writeByte((byte) (value == null ? 0 : 1));
    if (value != null) writeLong(Double.doubleToLongBits(value));
  }

  private void writeString(String value) {
    if (value == null) {
      writeInt(-1);
      return;
    }
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    writeInt(bytes.length);
    ensure(bytes.length);
    System.arraycopy(bytes, 0, buffer, size, bytes.length);
    size += bytes.length;
  }

  private void writeByte(byte value) {
    ensure(1);
    buffer[size++] = value;
  }

  private void writeInt(int value) {
    ensure(4);
    for (int shift = 24; shift >= 0; shift -= 8) buffer[size++] = (byte) (value >>> shift);
  }

  private void writeLong(long value) {
    ensure(8);
    for (int shift = 56; shift >= 0; shift -= 8) buffer[size++] = (byte) (value >>> shift);
  }

  private void ensure(int more) {
    if (size + more > buffer.length) buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, size + more));
  }
}
