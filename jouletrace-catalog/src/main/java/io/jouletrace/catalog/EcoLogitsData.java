package io.jouletrace.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jouletrace.core.figure.Range;
import io.jouletrace.core.methodology.ecologits.EcoLogitsCoefficients;
import io.jouletrace.core.methodology.ecologits.ElectricityMixes;
import io.jouletrace.core.model.ModelRegistry;
import io.jouletrace.core.model.ModelSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Loads one EcoLogits release's vendored model registry and electricity mixes. */
public final class EcoLogitsData {

  /** EcoLogits 0.4's spelling of the warning later releases call {@code model-arch-not-released}. */
  private static final String LEGACY_ARCH_NOT_RELEASED = "model_architecture_not_released";

  private EcoLogitsData() {}

  public static ModelRegistry registry(EcoLogitsCoefficients release) {
    String folder = folder(release);
    return release.version().equals("0.4.0")
        ? csvRegistry(release, folder + "models.csv")
        : jsonRegistry(release, folder + "models.json");
  }

  public static ElectricityMixes mixes(EcoLogitsCoefficients release) {
    String path = folder(release) + "electricity_mixes.csv";
    Resources.Table table = Resources.readCsv(path);
    List<ElectricityMixes.Mix> mixes = new ArrayList<>();
    for (Resources.Row row : table.rows()) {
      mixes.add(new ElectricityMixes.Mix(row.get("name"), row.number("gwp"), row.number("adpe"), row.number("pe"),
          row.has("wue") ? row.number("wue") : Double.NaN));
    }
    return new ElectricityMixes(release.methodologyVersion() + " electricity mix", mixes);
  }

  private static String folder(EcoLogitsCoefficients release) {
    return "/io/jouletrace/catalog/ecologits/" + release.version() + "/";
  }

  private static ModelRegistry csvRegistry(EcoLogitsCoefficients release, String path) {
    return new ModelRegistry(release.methodologyVersion() + " models.csv", ModelRegistry.Lookup.SUBSTRING,
        specs(Resources.readCsv(path)), Map.of());
  }

  /**
   * Rows of EcoLogits 0.4's {@code models.csv} layout ({@code provider,name,total_parameters,
   * active_parameters,warnings,sources}; a size range written {@code min;max}), which is also the
   * layout of a user's provider-documentation table.
   */
  static List<ModelSpec> specs(Resources.Table table) {
    List<ModelSpec> models = new ArrayList<>();
    for (Resources.Row row : table.rows()) {
      String warning = row.has("warnings") ? row.get("warnings") : "";
      models.add(new ModelSpec(row.get("provider"), row.get("name"),
          semicolonRange(row, "active_parameters"), semicolonRange(row, "total_parameters"),
          warning.isEmpty() ? List.of() : List.of(warning.equals(LEGACY_ARCH_NOT_RELEASED) ? ModelSpec.ARCH_NOT_RELEASED : warning)));
    }
    return models;
  }

  /** 0.4's CSV writes a size range as {@code min;max}. */
  private static Range semicolonRange(Resources.Row row, String column) {
    String text = row.get(column);
    int cut = text.indexOf(';');
    try {
      return cut < 0 ? Range.exactly(Double.parseDouble(text))
          : new Range(Double.parseDouble(text.substring(0, cut)), Double.parseDouble(text.substring(cut + 1)));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(row.file() + ":" + row.line() + ": field '" + column + "': " + e.getMessage(), e);
    }
  }

  private static ModelRegistry jsonRegistry(EcoLogitsCoefficients release, String path) {
    JsonNode root;
    try (InputStream in = Resources.open(path)) {
      root = new ObjectMapper().readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + path, e);
    }
    List<ModelSpec> models = new ArrayList<>();
    int index = 0;
    for (JsonNode model : root.path("models")) {
      String where = path + ": models[" + index++ + "]";
      JsonNode parameters = model.path("architecture").path("parameters");
      Range total;
      Range active;
      if (parameters.has("total")) {
        total = range(parameters.get("total"), where + ".architecture.parameters.total");
        active = range(parameters.get("active"), where + ".architecture.parameters.active");
      } else {
        total = active = range(parameters, where + ".architecture.parameters");
      }
      List<String> warnings = new ArrayList<>();
      model.path("warnings").forEach(w -> warnings.add(w.asText()));
      models.add(new ModelSpec(text(model, "provider", where), text(model, "name", where), active, total, warnings));
    }
    Map<String, String> aliases = new LinkedHashMap<>();
    for (JsonNode alias : root.path("aliases")) {
      aliases.put(text(alias, "provider", path) + "/" + text(alias, "name", path), text(alias, "alias", path));
    }
    return new ModelRegistry(release.methodologyVersion() + " models.json", ModelRegistry.Lookup.EXACT, models, aliases);
  }

  /** A size in billions: a number, or {@code {"min", "max"}}. */
  private static Range range(JsonNode node, String where) {
    if (node == null || node.isMissingNode()) throw new IllegalArgumentException(where + ": missing");
    if (node.isNumber()) return Range.exactly(node.doubleValue());
    if (node.has("min") && node.has("max")) return new Range(node.get("min").doubleValue(), node.get("max").doubleValue());
    throw new IllegalArgumentException(where + ": expected a number or {min, max}, got " + node);
  }

  private static String text(JsonNode node, String field, String where) {
    JsonNode value = node.get(field);
    if (value == null || !value.isTextual()) throw new IllegalArgumentException(where + ": field '" + field + "' missing");
    return value.asText();
  }
}
