package io.jouletrace.core.schema;

import io.jouletrace.core.record.InvocationRecord;
import io.jouletrace.core.record.Operation;
import java.time.Instant;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The record's fields, listed once: each field's JSON name (the input contract, docs/ledger.md), type, nullability,
 * store column, place in the hashed canonical form, and accessor. The JSON reader, the canonical form, the content id,
 * the store columns and the stream's messages all walk {@link #FIELDS} instead of naming the fields themselves.
 *
 * <p>The order of {@link #FIELDS} is the canonical order and must never change: the ledger's hashes cover it
 * (HashedFormKnownAnswerTest pins it). A field added later is {@link Hashing#TRAILING}: hashed after everything else,
 * behind its own marker byte, and only when present, so records written before it hash exactly as they did.
 */
public final class RecordSchema {

  /** How a field's value is read and written; the accessor's value is of the type named here. */
  public enum Type {
    /** A {@link String}. */
    TEXT,
    /** An {@link Instant}. */
    TIMESTAMP,
    /** A {@link Long} token count, never negative. */
    COUNT,
    /** A {@link Double} duration in seconds (input may name ms). */
    SECONDS,
    /** A {@link Double}, finite and never negative. */
    NUMBER
  }

  /** Where a field sits in the hashed canonical form. */
  public enum Hashing {
    /** In {@link #FIELDS} order, always, null-marked when absent. */
    IN_ORDER,
    /** After the entry's figures and price, behind the field's {@link Field#marker}, only when present. */
    TRAILING
  }

  /**
   * One field of a record.
   *
   * @param json its name in record JSON, CSV headers and OTLP mapping
   * @param nullable whether a stored record may leave it out; {@code false} fields are required on input unless the
   *     reader has a documented default for them (operation: chat; output_tokens: 0 for embeddings)
   * @param column its column in {@code ledger_records}
   * @param marker the byte that announces a {@link Hashing#TRAILING} field in the canonical form and content id; 0 otherwise
   * @param accessor its value in a record, of {@code type}'s Java type (the operation as its code)
   */
  public record Field(String json, Type type, boolean nullable, String column, Hashing hashing, byte marker,
      Function<InvocationRecord, Object> accessor) {

    public Object get(InvocationRecord record) {
      return accessor.apply(record);
    }
  }

  public static final Field ID = inOrder("id", Type.TEXT, true, "id", InvocationRecord::id);
  public static final Field TIMESTAMP = inOrder("timestamp", Type.TIMESTAMP, false, "ts", InvocationRecord::timestamp);
  public static final Field TENANT = inOrder("tenant", Type.TEXT, true, "tenant", InvocationRecord::tenant);
  public static final Field TEAM = inOrder("team", Type.TEXT, true, "team", InvocationRecord::team);
  public static final Field COST_CENTER = inOrder("cost_center", Type.TEXT, true, "cost_center", InvocationRecord::costCenter);
  public static final Field TRACE_ID = inOrder("trace_id", Type.TEXT, true, "trace_id", InvocationRecord::traceId);
  public static final Field PROVIDER = inOrder("provider", Type.TEXT, false, "provider", InvocationRecord::provider);
  /** The model that served the call and that the figures are for. */
  public static final Field MODEL = inOrder("model", Type.TEXT, false, "model", InvocationRecord::model);
  public static final Field OPERATION = inOrder("operation", Type.TEXT, false, "operation", r -> r.operation().code());
  public static final Field INPUT_TOKENS = inOrder("input_tokens", Type.COUNT, true, "input_tokens", InvocationRecord::inputTokens);
  public static final Field OUTPUT_TOKENS = inOrder("output_tokens", Type.COUNT, false, "output_tokens", InvocationRecord::outputTokens);
  public static final Field REASONING_TOKENS = inOrder("reasoning_tokens", Type.COUNT, true, "reasoning_tokens",
      InvocationRecord::reasoningTokens);
  public static final Field CACHED_INPUT_TOKENS = inOrder("cached_input_tokens", Type.COUNT, true, "cached_input_tokens",
      InvocationRecord::cachedInputTokens);
  public static final Field LATENCY_S = inOrder("latency_s", Type.SECONDS, true, "latency_s", InvocationRecord::latencySeconds);
  public static final Field ZONE = inOrder("zone", Type.TEXT, true, "zone", InvocationRecord::zone);
  public static final Field REGION = inOrder("region", Type.TEXT, true, "region", InvocationRecord::region);
  public static final Field INTENSITY_G_PER_KWH = inOrder("intensity_g_per_kwh", Type.NUMBER, true, "intensity_g_per_kwh",
      InvocationRecord::intensityGramsPerKwh);
  /** The model the client asked for (an alias such as {@code gpt-4o}) where it differs from or adds to {@link #MODEL} (V13). */
  public static final Field MODEL_REQUESTED = new Field("model_requested", Type.TEXT, true, "model_requested", Hashing.TRAILING,
      (byte) 'M', InvocationRecord::modelRequested);

  /** Every field, in canonical order: the {@link Hashing#IN_ORDER} ones, then the trailing ones in the order they were added. */
  public static final List<Field> FIELDS = List.of(ID, TIMESTAMP, TENANT, TEAM, COST_CENTER, TRACE_ID, PROVIDER, MODEL, OPERATION,
      INPUT_TOKENS, OUTPUT_TOKENS, REASONING_TOKENS, CACHED_INPUT_TOKENS, LATENCY_S, ZONE, REGION, INTENSITY_G_PER_KWH,
      MODEL_REQUESTED);

  /**
   * Each field's index in {@link #FIELDS}, found once: readers fill and read value arrays by it for every record, where
   * {@code FIELDS.indexOf} would walk the list (comparing records field by field) per field per record.
   */
  private static final Map<Field, Integer> POSITIONS = positions();

  /** The fields hashed in order (the record's columns before {@code source_ref}). */
  public static final List<Field> IN_ORDER = only(Hashing.IN_ORDER);

  /** The fields hashed last and only when present (the record's columns after the price). */
  public static final List<Field> TRAILING = only(Hashing.TRAILING);

  private RecordSchema() {}

  /** {@code field}'s index in {@link #FIELDS}, and so in a value array of {@link #record}. */
  public static int position(Field field) {
    return POSITIONS.get(field);
  }

  /** The field named {@code json}, or null. */
  public static Field named(String json) {
    for (Field field : FIELDS) {
      if (field.json().equals(json)) return field;
    }
    return null;
  }

  /** The JSON names of every field, in canonical order (the column order a CSV export should use). */
  public static List<String> names() {
    return FIELDS.stream().map(Field::json).toList();
  }

  /**
   * The record whose field values are {@code values}, indexed like {@link #FIELDS} (the operation as its code); a null
   * operation is chat. Phase timings are not part of a stored record and stay null.
   */
  public static InvocationRecord record(Object[] values) {
    String operation = (String) value(values, OPERATION);
    return new InvocationRecord((String) value(values, ID), (Instant) value(values, TIMESTAMP), (String) value(values, TENANT),
        (String) value(values, TEAM), (String) value(values, COST_CENTER), (String) value(values, TRACE_ID),
        (String) value(values, PROVIDER), (String) value(values, MODEL), operation == null ? Operation.CHAT : Operation.of(operation),
        (Long) value(values, INPUT_TOKENS), (Long) value(values, OUTPUT_TOKENS), (Long) value(values, REASONING_TOKENS),
        (Long) value(values, CACHED_INPUT_TOKENS), (Double) value(values, LATENCY_S), (String) value(values, ZONE),
        (String) value(values, REGION), (Double) value(values, INTENSITY_G_PER_KWH), (String) value(values, MODEL_REQUESTED), null);
  }

  private static Object value(Object[] values, Field field) {
    return values[position(field)];
  }

  private static Field inOrder(String json, Type type, boolean nullable, String column, Function<InvocationRecord, Object> accessor) {
    return new Field(json, type, nullable, column, Hashing.IN_ORDER, (byte) 0, accessor);
  }

  private static Map<Field, Integer> positions() {
    Map<Field, Integer> positions = new IdentityHashMap<>();
    for (int i = 0; i < FIELDS.size(); i++) positions.put(FIELDS.get(i), i);
    return positions;
  }

  private static List<Field> only(Hashing hashing) {
    return FIELDS.stream().filter(f -> f.hashing() == hashing).toList();
  }
}
