package io.jouletrace.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import io.jouletrace.core.record.InvocationRecord;
import io.jouletrace.core.record.Operation;

/**
 * One estimate request: a CLI {@code --batch} line or a REST body, named like the CLI flags in snake case
 * ({@code provider}, {@code model}, {@code output_tokens}, …). Bad values raise {@link FieldException} naming the field.
 */
public record EstimateRequest(InvocationRecord record, String methodology) {

  /** A bad value in one named field. */
  public static final class FieldException extends RuntimeException {
    private final String field;

    FieldException(String field, String message) {
      super(message);
      this.field = field;
    }

    public String field() {
      return field;
    }
  }

  public static EstimateRequest fromJson(JsonNode line) {
    if (!line.isObject()) throw new FieldException("", "expected a JSON object");
    var builder = InvocationRecord.builder(requiredText(line, "provider"), requiredText(line, "model"),
        count(line, "output_tokens", true));
    builder.inputTokens(line.hasNonNull("input_tokens") ? count(line, "input_tokens", false) : null);
    builder.latencySeconds(nonNegative(line, "latency_s"));
    builder.zone(optionalText(line, "zone"));
    builder.region(optionalText(line, "region"));
    builder.intensityGramsPerKwh(nonNegative(line, "intensity_g_per_kwh"));
    String operation = optionalText(line, "operation");
    if (operation != null) builder.operation(Operation.of(operation));
    return new EstimateRequest(builder.build(), optionalText(line, "methodology"));
  }

  private static String requiredText(JsonNode line, String field) {
    String value = optionalText(line, field);
    if (value == null) throw new FieldException(field, "is required");
    return value;
  }

  private static String optionalText(JsonNode line, String field) {
    JsonNode node = line.get(field);
    if (node == null || node.isNull()) return null;
    if (!node.isTextual() || node.asText().isBlank()) throw new FieldException(field, "must be a non-empty string, got " + node);
    return node.asText();
  }

  private static long count(JsonNode line, String field, boolean required) {
    JsonNode node = line.get(field);
    if (node == null || node.isNull()) {
      if (required) throw new FieldException(field, "is required");
      return 0;
    }
    if (!node.canConvertToExactIntegral() || !node.canConvertToLong() || node.asLong() < 0) {
      throw new FieldException(field, "must be a whole number >= 0, got " + node);
    }
    return node.asLong();
  }

  private static Double nonNegative(JsonNode line, String field) {
    JsonNode node = line.get(field);
    if (node == null || node.isNull()) return null;
    if (!node.isNumber() || !(node.asDouble() >= 0) || !Double.isFinite(node.asDouble())) {
      throw new FieldException(field, "must be a finite number >= 0, got " + node);
    }
    return node.asDouble();
  }
}
