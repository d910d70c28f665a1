package io.jouletrace.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.HexFormat;
import java.util.List;

/**
 * An OTLP/HTTP protobuf {@code ExportTraceServiceRequest} as the OTLP JSON the ledger's mapper reads
 * ({@code io.jouletrace.ledger.ingest.OtlpTraces}), so both encodings go through one mapping. Ids become hex, as OTLP
 * JSON has them (protobuf-java's own JsonFormat would write base64).
 */
final class OtlpProtobuf {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private OtlpProtobuf() {}

  static JsonNode toJson(byte[] body) throws InvalidProtocolBufferException {
    ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(body);
    ObjectNode root = NODES.objectNode();
    ArrayNode resourceSpans = root.putArray("resourceSpans");
    for (ResourceSpans rs : request.getResourceSpansList()) {
      ObjectNode rsNode = resourceSpans.addObject();
      rsNode.set("resource", resource(rs.getResource()));
      ArrayNode scopes = rsNode.putArray("scopeSpans");
      for (ScopeSpans scope : rs.getScopeSpansList()) {
        ArrayNode spans = scopes.addObject().putArray("spans");
        for (Span span : scope.getSpansList()) spans.add(span(span));
      }
    }
    return root;
  }

  private static ObjectNode resource(Resource resource) {
    ObjectNode node = NODES.objectNode();
    node.set("attributes", attributes(resource.getAttributesList()));
    return node;
  }

  private static ObjectNode span(Span span) {
    ObjectNode node = NODES.objectNode();
    node.put("traceId", hex(span.getTraceId())).put("spanId", hex(span.getSpanId())).put("name", span.getName())
        .put("kind", span.getKindValue())
        .put("startTimeUnixNano", Long.toUnsignedString(span.getStartTimeUnixNano()))
        .put("endTimeUnixNano", Long.toUnsignedString(span.getEndTimeUnixNano()));
    node.set("attributes", attributes(span.getAttributesList()));
    node.putObject("status").put("code", span.getStatus().getCodeValue());
    return node;
  }

  private static ArrayNode attributes(List<KeyValue> attributes) {
    ArrayNode out = NODES.arrayNode();
    for (KeyValue kv : attributes) {
      ObjectNode attribute = out.addObject().put("key", kv.getKey());
      attribute.set("value", value(kv.getValue()));
    }
    return out;
  }

  private static ObjectNode value(AnyValue value) {
    ObjectNode node = NODES.objectNode();
    switch (value.getValueCase()) {
      case STRING_VALUE -> node.put("stringValue", value.getStringValue());
      case BOOL_VALUE -> node.put("boolValue", value.getBoolValue());
      case INT_VALUE -> node.put("intValue", Long.toString(value.getIntValue()));
      case DOUBLE_VALUE -> node.put("doubleValue", value.getDoubleValue());
      case ARRAY_VALUE -> {
        ArrayNode values = node.putObject("arrayValue").putArray("values");
        value.getArrayValue().getValuesList().forEach(v -> values.add(value(v)));
      }
      case KVLIST_VALUE -> node.putObject("kvlistValue").set("values", attributes(value.getKvlistValue().getValuesList()));
      case BYTES_VALUE -> node.put("bytesValue", java.util.Base64.getEncoder().encodeToString(value.getBytesValue().toByteArray()));
      default -> { }
    }
    return node;
  }

  private static String hex(ByteString id) {
    return id.isEmpty() ? null : HexFormat.of().formatHex(id.toByteArray());
  }
}
