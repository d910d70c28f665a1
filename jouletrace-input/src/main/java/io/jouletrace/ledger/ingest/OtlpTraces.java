package io.jouletrace.ledger.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Maps an OTLP/JSON {@code ExportTraceServiceRequest} onto record fields, one {@link Parsed} per
 * span, following the OpenTelemetry GenAI semantic conventions (old and new attribute names). Both
 * the protobuf JSON (lowerCamelCase) and snake_case key spellings are read.
 */
public final class OtlpTraces {

  /** Operations that orchestrate model calls rather than being one. */
  private static final java.util.Set<String> ORCHESTRATION = java.util.Set.of("execute_tool", "invoke_agent", "create_agent",
      "invoke_workflow", "retrieval");

  private OtlpTraces() {}

  /**
   * One entry per span, in document order, with origin {@code origin#spanN} (N counts from 1 across
   * the request). Spans without GenAI attributes are {@link Parsed.Skipped}.
   */
  public static List<Parsed> map(JsonNode request, String origin) {
    if (request == null || !request.isObject()) {
      return List.of(new Parsed.Rejected(origin, "", "expected an OTLP ExportTraceServiceRequest object"));
    }
    JsonNode resourceSpans = field(request, "resourceSpans", "resource_spans");
    if (resourceSpans == null && !request.isEmpty()) {
      return List.of(new Parsed.Rejected(origin, "", "not an OTLP ExportTraceServiceRequest: no resourceSpans"));
    }
    List<Parsed> out = new ArrayList<>();
    for (JsonNode rs : elements(resourceSpans)) {
      Map<String, JsonNode> resource = attributes(rs.get("resource"));
      for (JsonNode scope : scopes(rs)) {
        for (JsonNode span : elements(scope.get("spans"))) {
          out.add(mapSpan(span, resource, origin + "#span" + (out.size() + 1)));
        }
      }
    }
    return out;
  }

  private static Parsed mapSpan(JsonNode span, Map<String, JsonNode> resource, String origin) {
    Map<String, JsonNode> own = attributes(span);
    if (!own.containsKey("gen_ai.operation.name") && !own.containsKey("gen_ai.provider.name")
        && !own.containsKey("gen_ai.system")) {
      return new Parsed.Skipped(origin, "span \"" + text(span.get("name"))
          + "\" has no gen_ai.operation.name, gen_ai.provider.name or gen_ai.system: not a GenAI call");
    }
    String operation = text(own.get("gen_ai.operation.name"));
    if (operation != null && ORCHESTRATION.contains(operation)) {
      // Agent and tool spans wrap the model calls beneath them; counting their token totals too would count twice.
      return new Parsed.Skipped(origin, "span \"" + text(span.get("name")) + "\" is a " + operation
          + " span: its model calls are figured from their own spans");
    }
    Map<String, JsonNode> attrs = new HashMap<>(resource);
    attrs.putAll(own); // the span knows better than its resource

    ObjectNode fields = Json.MAPPER.createObjectNode();
    String traceId = normalisedId(field(span, "traceId", "trace_id"));
    String spanId = normalisedId(field(span, "spanId", "span_id"));
    if (traceId != null && spanId != null) fields.put(RecordFields.ID, traceId + ":" + spanId);
    if (traceId != null) fields.put(RecordFields.TRACE_ID, traceId);
    try {
      putTiming(fields, span);
    } catch (FieldError e) {
      return new Parsed.Rejected(origin, e.field, e.reason);
    }
    putAttributes(fields, attrs);
    return RecordFields.parse(fields, origin);
  }

  /** Start time as exact epoch seconds; latency only when the span has ended. */
  private static void putTiming(ObjectNode fields, JsonNode span) throws FieldError {
    BigInteger start = unixNanos(field(span, "startTimeUnixNano", "start_time_unix_nano"),
        RecordFields.TIMESTAMP, "startTimeUnixNano");
    BigInteger end = unixNanos(field(span, "endTimeUnixNano", "end_time_unix_nano"),
        RecordFields.LATENCY_S, "endTimeUnixNano");
    if (start != null) fields.set(RecordFields.TIMESTAMP, DecimalNode.valueOf(new BigDecimal(start, 9)));
    if (start != null && end != null) {
      fields.set(RecordFields.LATENCY_S, DecimalNode.valueOf(new BigDecimal(end.subtract(start), 9)));
    }
  }

  /** Each record field and the span attributes it comes from: GenAI semantic conventions, newest name first, then jouletrace's own. */
  private static final Map<String, List<String>> ATTRIBUTES = Map.ofEntries(
      Map.entry(RecordFields.PROVIDER, List.of("gen_ai.provider.name", "gen_ai.system")),
      Map.entry(RecordFields.MODEL, List.of("gen_ai.response.model", "gen_ai.request.model")),
      Map.entry(RecordFields.MODEL_REQUESTED, List.of("gen_ai.request.model")),
      Map.entry(RecordFields.OPERATION, List.of("gen_ai.operation.name")),
      Map.entry(RecordFields.INPUT_TOKENS, List.of("gen_ai.usage.input_tokens", "gen_ai.usage.prompt_tokens")),
      Map.entry(RecordFields.OUTPUT_TOKENS, List.of("gen_ai.usage.output_tokens", "gen_ai.usage.completion_tokens")),
      Map.entry(RecordFields.REASONING_TOKENS, List.of("gen_ai.usage.reasoning.output_tokens")),
      Map.entry(RecordFields.CACHED_INPUT_TOKENS, List.of("gen_ai.usage.cache_read.input_tokens")),
      Map.entry(RecordFields.REGION, List.of("cloud.region")),
      Map.entry(RecordFields.ZONE, List.of("jouletrace.zone")),
      Map.entry(RecordFields.TENANT, List.of("jouletrace.tenant")),
      Map.entry(RecordFields.TEAM, List.of("jouletrace.team")),
      Map.entry(RecordFields.COST_CENTER, List.of("jouletrace.cost_center")),
      Map.entry(RecordFields.INTENSITY_G_PER_KWH, List.of("jouletrace.intensity_g_per_kwh")));

  /**
   * The span attribute a record field comes from (its newest semantic-convention name), so that an error names what
   * the sender sets; a field that comes from no attribute (the id, the timing) is named as it is.
   */
  public static String attributeOf(String field) {
    List<String> keys = ATTRIBUTES.get(field);
    return keys == null ? field : keys.getFirst();
  }

  private static void putAttributes(ObjectNode fields, Map<String, JsonNode> attrs) {
    ATTRIBUTES.forEach((name, keys) -> put(fields, name, attrs, keys));
  }

  /** Sets {@code name} from the first attribute key present. */
  private static void put(ObjectNode fields, String name, Map<String, JsonNode> attrs, List<String> keys) {
    for (String key : keys) {
      JsonNode value = attrs.get(key);
      if (value != null) {
        fields.set(name, value);
        return;
      }
    }
  }

  /** {@code attributes: [{key, value: AnyValue}]} as key to scalar; arrays and maps are not needed. */
  private static Map<String, JsonNode> attributes(JsonNode owner) {
    Map<String, JsonNode> out = new HashMap<>();
    if (owner == null) return out;
    for (JsonNode kv : elements(owner.get("attributes"))) {
      JsonNode key = kv.get("key");
      JsonNode value = scalar(kv.get("value"));
      if (key != null && key.isTextual() && value != null) out.put(key.textValue(), value);
    }
    return out;
  }

  /** An AnyValue's scalar; {@code intValue} stays text when sent as text (proto JSON int64). */
  private static JsonNode scalar(JsonNode anyValue) {
    if (anyValue == null) return null;
    for (String kind : List.of("stringValue", "string_value", "intValue", "int_value", "doubleValue",
        "double_value", "boolValue", "bool_value")) {
      JsonNode value = anyValue.get(kind);
      if (value != null && value.isValueNode() && !value.isNull()) return value;
    }
    return null;
  }

  private static List<JsonNode> scopes(JsonNode resourceSpans) {
    List<JsonNode> out = new ArrayList<>();
    elements(field(resourceSpans, "scopeSpans", "scope_spans")).forEach(out::add);
    elements(field(resourceSpans, "instrumentationLibrarySpans", "instrumentation_library_spans")).forEach(out::add);
    return out;
  }

  /** Hex ids are lower-cased so ids join regardless of the exporter's case; base64 ids stay as sent. */
  private static String normalisedId(JsonNode node) {
    String id = text(node);
    if (id == null || id.isEmpty()) return null;
    return id.chars().allMatch(c -> Character.digit(c, 16) >= 0) ? id.toLowerCase(Locale.ROOT) : id;
  }

  /** Nanoseconds since the epoch (fixed64: a string or a number); 0 means unset. */
  private static BigInteger unixNanos(JsonNode node, String field, String key) throws FieldError {
    if (node == null || node.isNull()) return null;
    BigInteger nanos = null;
    if (node.isIntegralNumber()) {
      nanos = node.bigIntegerValue();
    } else if (node.isTextual() && node.textValue().strip().matches("\\d{1,20}")) {
      nanos = new BigInteger(node.textValue().strip());
    }
    if (nanos == null || nanos.signum() < 0) {
      throw new FieldError(field, key + " must be whole nanoseconds >= 0, got " + node);
    }
    return nanos.signum() == 0 ? null : nanos;
  }

  private static JsonNode field(JsonNode node, String camel, String snake) {
    if (node == null) return null;
    JsonNode value = node.get(camel);
    return value != null ? value : node.get(snake);
  }

  private static Iterable<JsonNode> elements(JsonNode array) {
    return array != null && array.isArray() ? array : List.of();
  }

  private static String text(JsonNode node) {
    return node == null || node.isNull() ? null : node.asText();
  }
}
