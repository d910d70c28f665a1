package io.jouletrace.ledger.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import io.jouletrace.core.record.InvocationRecord;
import io.jouletrace.core.record.Operation;
import java.time.Instant;
import java.util.List;

/**
 * The one mapping from named fields to an {@link InvocationRecord}, shared by JSONL keys, CSV
 * headers, OTLP attributes and the REST API. The field names are the product's contract.
 */
public final class RecordFields {

  public static final String ID = "id";
  public static final String TIMESTAMP = "timestamp";
  public static final String TENANT = "tenant";
  public static final String TEAM = "team";
  public static final String COST_CENTER = "cost_center";
  public static final String TRACE_ID = "trace_id";
  public static final String PROVIDER = "provider";
  public static final String MODEL = "model";
  public static final String OPERATION = "operation";
  public static final String INPUT_TOKENS = "input_tokens";
  public static final String OUTPUT_TOKENS = "output_tokens";
  public static final String REASONING_TOKENS = "reasoning_tokens";
  public static final String CACHED_INPUT_TOKENS = "cached_input_tokens";
  public static final String LATENCY_S = "latency_s";
  /** Accepted as an alternative to {@link #LATENCY_S}, converted to seconds. */
  public static final String LATENCY_MS = "latency_ms";
  public static final String ZONE = "zone";
  public static final String REGION = "region";
  public static final String INTENSITY_G_PER_KWH = "intensity_g_per_kwh";

  /** The contract's fields in their canonical order (the column order a CSV export should use). */
  public static final List<String> NAMES = List.of(ID, TIMESTAMP, TENANT, TEAM, COST_CENTER, TRACE_ID, PROVIDER,
      MODEL, OPERATION, INPUT_TOKENS, OUTPUT_TOKENS, REASONING_TOKENS, CACHED_INPUT_TOKENS, LATENCY_S, ZONE, REGION,
      INTENSITY_G_PER_KWH);

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

  /** The id a record without one gets: {@code jt-} and 32 hex chars of a hash over its content. */
  public static String contentId(InvocationRecord record) {
    return ContentId.of(record);
  }

  private static InvocationRecord toRecord(FieldValues in) throws FieldError {
    String provider = in.requiredText(PROVIDER);
    String model = in.requiredText(MODEL);
    Instant timestamp = in.timestamp(TIMESTAMP);
    if (timestamp == null) throw FieldValues.missing(TIMESTAMP);
    String operationCode = in.text(OPERATION);
    Operation operation = operationCode == null ? Operation.CHAT : Operation.of(operationCode);
    Long outputTokens = in.count(OUTPUT_TOKENS);
    if (outputTokens == null) {
      // embeddings generate no tokens; every other operation must say how many it did
      if (!operation.equals(Operation.EMBEDDINGS)) throw FieldValues.missing(OUTPUT_TOKENS);
      outputTokens = 0L;
    }
    InvocationRecord.Builder record = InvocationRecord.builder(provider, model, outputTokens)
        .timestamp(timestamp)
        .tenant(in.text(TENANT))
        .team(in.text(TEAM))
        .costCenter(in.text(COST_CENTER))
        .traceId(in.text(TRACE_ID))
        .operation(operation)
        .inputTokens(in.count(INPUT_TOKENS))
        .reasoningTokens(in.count(REASONING_TOKENS))
        .cachedInputTokens(in.count(CACHED_INPUT_TOKENS))
        .latencySeconds(latencySeconds(in))
        .intensityGramsPerKwh(in.nonNegative(INTENSITY_G_PER_KWH));
    placement(in, record);
    String id = in.text(ID);
    return record.id(id != null ? id : ContentId.of(record.build())).build();
  }

  private static Double latencySeconds(FieldValues in) throws FieldError {
    if (in.has(LATENCY_S) && in.has(LATENCY_MS)) {
      throw new FieldError(LATENCY_S, "give latency_s or latency_ms, not both");
    }
    return in.has(LATENCY_MS) ? in.seconds(LATENCY_MS, "ms") : in.seconds(LATENCY_S, "s");
  }

  /** Zone and region are two ways to name the grid; both at once would be ambiguous. */
  private static void placement(FieldValues in, InvocationRecord.Builder record) throws FieldError {
    String zone = in.text(ZONE);
    String region = in.text(REGION);
    if (zone != null && region != null) throw new FieldError(ZONE, "give zone or region, not both");
    record.zone(zone).region(region);
  }
}
