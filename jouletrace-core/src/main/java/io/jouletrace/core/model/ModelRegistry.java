package io.jouletrace.core.model;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A methodology's own model registry, with the methodology's own lookup ({@link Lookup}) and the
 * indexes jouletrace's lenient resolution needs (by lower-cased name, across providers).
 */
public final class ModelRegistry {

  /** How the methodology itself looks a model up. */
  public enum Lookup {
    /** EcoLogits ≥ 0.5: exact, case-sensitive {@code (provider, name)}, plus aliases. */
    EXACT,
    /** EcoLogits 0.4: the first entry of the provider whose name is a substring of the requested name. */
    SUBSTRING
  }

  private final String name;
  private final Lookup lookup;
  private final List<ModelSpec> models;
  private final Map<String, ModelSpec> byProviderAndName;
  private final Map<String, String> aliasTargets;
  private final Map<String, List<ModelSpec>> byLowerName;

  /**
   * @param aliases alias key {@code provider + "/" + aliasName} → the aliased model's name
   */
  public ModelRegistry(String name, Lookup lookup, List<ModelSpec> models, Map<String, String> aliases) {
    this.name = Objects.requireNonNull(name, "name");
    this.lookup = Objects.requireNonNull(lookup, "lookup");
    this.models = List.copyOf(models);
    var exact = new HashMap<String, ModelSpec>();
    var lower = new HashMap<String, List<ModelSpec>>();
    for (ModelSpec spec : this.models) {
      // EcoLogits refuses duplicate keys at import; 0.4's CSV lookup simply takes the first.
      exact.putIfAbsent(key(spec.provider(), spec.name()), spec);
      lower.computeIfAbsent(spec.name().toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(spec);
    }
    this.aliasTargets = Map.copyOf(aliases);
    aliases.forEach((alias, target) -> {
      String provider = alias.substring(0, alias.indexOf('/'));
      ModelSpec spec = exact.get(key(provider, target));
      if (spec == null) throw new IllegalArgumentException("alias " + alias + " points at unknown model " + target);
      lower.computeIfAbsent(alias.substring(provider.length() + 1).toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(spec);
    });
    this.byProviderAndName = Map.copyOf(exact);
    lower.replaceAll((k, v) -> List.copyOf(v));
    this.byLowerName = Map.copyOf(lower);
  }

  private static String key(String provider, String model) {
    return provider + "/" + model;
  }

  /** Where the registry comes from, e.g. {@code ecologits-0.9.1 models.json}. */
  public String name() {
    return name;
  }

  public List<ModelSpec> models() {
    return models;
  }

  /** The methodology's own lookup, reproducing its behaviour exactly. */
  public Optional<Found> find(String provider, String model) {
    return switch (lookup) {
      case EXACT -> exact(provider, model);
      case SUBSTRING -> substring(provider, model);
    };
  }

  private Optional<Found> exact(String provider, String model) {
    ModelSpec spec = byProviderAndName.get(key(provider, model));
    if (spec != null) return Optional.of(new Found(spec, false));
    String target = aliasTargets.get(key(provider, model));
    return target == null ? Optional.empty() : Optional.of(new Found(byProviderAndName.get(key(provider, target)), true));
  }

  private Optional<Found> substring(String provider, String model) {
    for (ModelSpec spec : models) {
      if (spec.provider().equals(provider) && model.contains(spec.name())) {
        return Optional.of(new Found(spec, false));
      }
    }
    return Optional.empty();
  }

  /** Entries (aliases included) whose name equals {@code model} ignoring case, under any provider. */
  public List<ModelSpec> byNameIgnoringCase(String model) {
    return byLowerName.getOrDefault(model.toLowerCase(Locale.ROOT), List.of());
  }

  /** A registry hit, and whether it went through an alias. */
  public record Found(ModelSpec spec, boolean viaAlias) {}
}
