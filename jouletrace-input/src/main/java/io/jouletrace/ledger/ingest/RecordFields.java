package io.jouletrace.ledger.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jouletrace.core.record.InvocationRecord;
import io.jouletrace.core.record.Operation;
import io.jouletrace.core.schema.RecordSchema;
import java.util.List;

/**
 * The one mapping from named fields to an {@link InvocationRecord}, shared by JSONL keys, CSV
 * headers, OTLP attributes and the REST API. The field names are the product's contract; the fields and their types
 * come from {@link RecordSchema}.
 */
public final class RecordFields {

  public static final String ID = RecordSchema.ID.json();
  public static final String TIMESTAMP = RecordSchema.TIMESTAMP.json();
  public static final String TENANT = RecordSchema.TENANT.json();
  public static final String TEAM = RecordSchema.TEAM.json();
  public static final String COST_CENTER = RecordSchema.COST_CENTER.json();
  public static final String TRACE_ID = RecordSchema.TRACE_ID.json();
  public static final String PROVIDER = RecordSchema.PROVIDER.json();
  public static final String MODEL = RecordSchema.MODEL.json();
  public static final String OPERATION = RecordSchema.OPERATION.json();
  public static final String INPUT_TOKENS = RecordSchema.INPUT_TOKENS.json();
  public static final String OUTPUT_TOKENS = RecordSchema.OUTPUT_TOKENS.json();
  public static final String REASONING_TOKENS = RecordSchema.REASONING_TOKENS.json();
  public static final String CACHED_INPUT_TOKENS = RecordSchema.CACHED_INPUT_TOKENS.json();
  public static final String LATENCY_S = RecordSchema.LATENCY_S.json();
  /** Accepted as an alternative to {@link #LATENCY_S}, converted to seconds. */
  public static final String LATENCY_MS = "latency_ms";
  public static final String ZONE = RecordSchema.ZONE.json();
  public static final String REGION = RecordSchema.REGION.json();
  public static final String INTENSITY_G_PER_KWH = RecordSchema.INTENSITY_G_PER_KWH.json();
  public static final String MODEL_REQUESTED = RecordSchema.MODEL_REQUESTED.json();

  /** The contract's fields in their canonical order (the column order a CSV export should use). */
  public static final List<String> NAMES = RecordSchema.names();

  private RecordFields() {}

  /** Maps one entry; every broken rule becomes a {@link Parsed.Rejected} naming the field. */
  public static Parsed parse(FieldAccess fields, String origin) {
    try {
      return new Parsed.Accepted(toRecord(new FieldValues(fields)), origin);
    } catch (FieldError e) {
      return new Parsed.Rejected(origin, e.field, e.reason);
    }
  }

  /** Maps a JSON object (a JSONL line, a REST body); anything but an object is rejected. */
  public static Parsed parse(JsonNode object, String origin) {
    if (object == null || !object.isObject()) {
      String got = object == null ? "nothing" : object.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
      return new Parsed.Rejected(origin, "", "expected a JSON object, got " + got);
    }
    return parse(FieldAccess.of(object), origin);
  }

  /**
   * Parses JSON the way ingest does: fractions as exact decimals, so a REST body yields the same values
   * and ids as the same record in a file.
   */
  public static ObjectReader jsonReader() {
    return Json.ONE_VALUE;
  }

  /**
   * {@code record} in the input shape, every schema field in canonical order (absent ones as JSON null), numbers as the
   * values they hold: {@link #parse} gives the same record back.
   */
  public static ObjectNode json(InvocationRecord record) {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    for (RecordSchema.Field field : RecordSchema.FIELDS) {
      Object value = field.get(record);
      switch (field.type()) {
        case TEXT -> node.put(field.json(), (String) value);
        case TIMESTAMP -> node.put(field.json(), value == null ? null : value.toString());
        case COUNT -> node.put(field.json(), (Long) value);
        case SECONDS, NUMBER -> node.put(field.json(), (Double) value);
      }
    }
    return node;
  }

  /** The id a record without one gets: {@code jt-} and 32 hex chars of a hash over its content. */
  public static String contentId(InvocationRecord record) {
    return ContentId.of(record);
  }

  /**
   * The fields a record must carry, in the order a missing one is named: what was called (provider, model) first, so a
   * span without its model is named by its model attribute, as before the schema. Operation and output tokens have
   * defaults ({@link #toRecord}).
   */
  private static final List<RecordSchema.Field> REQUIRED = java.util.stream.Stream.concat(
          java.util.stream.Stream.of(RecordSchema.PROVIDER, RecordSchema.MODEL), RecordSchema.FIELDS.stream())
      .filter(f -> !f.nullable() && f != RecordSchema.OPERATION && f != RecordSchema.OUTPUT_TOKENS).distinct().toList();

  /**
   * Reads every schema field by its type; a field the schema calls non-nullable is required unless it has a default
   * (operation: chat; output_tokens: 0 for embeddings, which generate none).
   */
  private static InvocationRecord toRecord(FieldValues in) throws FieldError {
    Object[] values = new Object[RecordSchema.FIELDS.size()];
    for (int i = 0; i < values.length; i++) values[i] = read(in, RecordSchema.FIELDS.get(i));
    for (RecordSchema.Field field : REQUIRED) {
      if (values[RecordSchema.position(field)] == null) throw FieldValues.missing(field.json());
    }
    int outputTokens = RecordSchema.position(RecordSchema.OUTPUT_TOKENS);
    if (values[outputTokens] == null) {
      String operation = (String) values[RecordSchema.position(RecordSchema.OPERATION)];
      if (operation == null || !Operation.of(operation).equals(Operation.EMBEDDINGS)) throw FieldValues.missing(OUTPUT_TOKENS);
      values[outputTokens] = 0L;
    }
    placement(in);
    int requested = RecordSchema.position(RecordSchema.MODEL_REQUESTED);
    // The same name twice says nothing new: kept null so such a record stores, hashes and is identified as it was before V13.
    if (values[requested] != null && values[requested].equals(values[RecordSchema.position(RecordSchema.MODEL)])) values[requested] = null;
    InvocationRecord record = RecordSchema.record(values);
    return record.id() != null ? record : RecordSchema.record(withId(values, ContentId.of(record)));
  }

  private static Object read(FieldValues in, RecordSchema.Field field) throws FieldError {
    return switch (field.type()) {
      case TEXT -> in.text(field.json());
      case TIMESTAMP -> in.timestamp(field.json());
      case COUNT -> in.count(field.json());
      case SECONDS -> latencySeconds(in);
      case NUMBER -> in.nonNegative(field.json());
    };
  }

  private static Object[] withId(Object[] values, String id) {
    values[RecordSchema.position(RecordSchema.ID)] = id;
    return values;
  }

  private static Double latencySeconds(FieldValues in) throws FieldError {
    if (in.has(LATENCY_S) && in.has(LATENCY_MS)) {
      throw new FieldError(LATENCY_S, "give latency_s or latency_ms, not both");
    }
    return in.has(LATENCY_MS) ? in.seconds(LATENCY_MS, "ms") : in.seconds(LATENCY_S, "s");
  }

  /** Zone and region are two ways to name the grid; both at once would be ambiguous. */
  private static void placement(FieldValues in) throws FieldError {
    if (in.has(ZONE) && in.has(REGION)) throw new FieldError(ZONE, "give zone or region, not both");
  }
}
