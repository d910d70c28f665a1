package io.jouletrace.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jouletrace.core.methodology.Estimate;
import io.jouletrace.core.methodology.ecologits.EcoLogitsCoefficients;
import io.jouletrace.core.model.ModelRegistry;
import io.jouletrace.core.model.ModelSpec;
import io.jouletrace.core.record.InvocationRecord;
import io.jouletrace.core.record.Operation;
import io.jouletrace.core.schema.RecordSchema;
import java.util.ArrayList;
import java.util.List;

/**
 * One estimate request: a CLI {@code --batch} line or a REST body, named like the CLI flags in snake case
 * ({@code provider}, {@code model}, {@code output_tokens}, …; the record's names from {@link RecordSchema}). Bad values raise {@link FieldException} naming the field.
 *
 * <p>It also takes BIJOTEL's shape, {@code {"model", "tokens", "region"}}: without {@code provider}, the provider is the
 * one the newest EcoLogits registry lists the model under (case ignored; none or several is an error), and
 * {@code tokens} counts as output tokens, none as input — an upper bound, since an output token costs more energy
 * than an input one (EcoLogits figures output tokens only). Each such inference is one of {@link #assumptions}.
 *
 * @param assumptions what the request left out and this class filled in, for the answer's warnings
 */
public record EstimateRequest(InvocationRecord record, String methodology, List<String> assumptions) {

  /** The registry a provider is inferred from: the newest EcoLogits release's. */
  private static final EcoLogitsCoefficients PROVIDER_REGISTRY = EcoLogitsCoefficients.V0_9_3;

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
    List<String> assumptions = new ArrayList<>();
    String model = requiredText(line, RecordSchema.MODEL.json());
    String provider = optionalText(line, RecordSchema.PROVIDER.json());
    if (provider == null) {
      provider = inferProvider(model);
      assumptions.add("provider " + provider + " inferred from the model name (the only provider "
          + Providers.REGISTRY.name() + " lists it under)");
    }
    long outputTokens;
    Long inputTokens;
    if (line.hasNonNull("tokens")) {
      if (line.hasNonNull(RecordSchema.OUTPUT_TOKENS.json()) || line.hasNonNull(RecordSchema.INPUT_TOKENS.json())) {
        throw new FieldException("tokens", "give either tokens or input_tokens/output_tokens, not both");
      }
      outputTokens = count(line, "tokens", true);
      inputTokens = null;
      assumptions.add("tokens: all " + outputTokens + " counted as output tokens, none as input: an upper bound "
          + "(an output token costs more energy than an input one); send input_tokens and output_tokens for the split");
    } else {
      outputTokens = count(line, RecordSchema.OUTPUT_TOKENS.json(), true);
      inputTokens = line.hasNonNull(RecordSchema.INPUT_TOKENS.json()) ? count(line, RecordSchema.INPUT_TOKENS.json(), false) : null;
    }
    var builder = InvocationRecord.builder(provider, model, outputTokens);
    builder.inputTokens(inputTokens);
    builder.latencySeconds(nonNegative(line, RecordSchema.LATENCY_S.json()));
    builder.zone(optionalText(line, RecordSchema.ZONE.json()));
    builder.region(optionalText(line, RecordSchema.REGION.json()));
    builder.intensityGramsPerKwh(nonNegative(line, RecordSchema.INTENSITY_G_PER_KWH.json()));
    String operation = optionalText(line, RecordSchema.OPERATION.json());
    if (operation != null) builder.operation(Operation.of(operation));
    return new EstimateRequest(builder.build(), optionalText(line, "methodology"), List.copyOf(assumptions));
  }

  /** The eco block of this request's estimate, with the {@link #assumptions} among its warnings. */
  public ObjectNode ecoBlock(Estimate estimate) {
    ObjectNode block = EcoBlock.of(record, estimate);
    assumptions.forEach(((ArrayNode) block.get("warnings"))::add);
    return block;
  }

  /** The one provider the registry lists {@code model} under, ignoring case; none or several: provider is required. */
  private static String inferProvider(String model) {
    List<String> providers = Providers.REGISTRY.byNameIgnoringCase(model).stream().map(ModelSpec::provider).distinct().sorted().toList();
    if (providers.size() == 1) return providers.getFirst();
    throw new FieldException(RecordSchema.PROVIDER.json(), "is required: " + (providers.isEmpty()
        ? "model '" + model + "' is not in " + Providers.REGISTRY.name() + ", so its provider cannot be inferred"
        : "model '" + model + "' is listed under several providers (" + String.join(", ", providers) + ")"));
  }

  /** Read on first use: most requests name their provider. */
  private static final class Providers {
    static final ModelRegistry REGISTRY = EcoLogitsData.registry(PROVIDER_REGISTRY);
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
