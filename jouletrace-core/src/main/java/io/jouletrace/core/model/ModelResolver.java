package io.jouletrace.core.model;

import io.jouletrace.core.figure.AccuracyBand;
import io.jouletrace.core.figure.Tier;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Finds the catalogue entry for a requested model, in this priority: the methodology's registry
 * with its own lookup; the same registry leniently (provider prefixes, case, dated snapshots, a
 * model listed under another provider); a user-supplied provider-documentation table; an estimate
 * from the size written in the name. Every match says how it was made.
 */
public final class ModelResolver {

  public static final String REGISTRY = "registry";
  public static final String REGISTRY_ALIAS = "registry:alias";
  public static final String PROVIDER_TABLE = "provider-table";
  /** The source of a size read from the name by the current rule (older rules: {@link NameEstimate.Rule#source}). */
  public static final String NAME_ESTIMATE = NameEstimate.Rule.CURRENT.source();

  /** Beyond this many distinct names, resolutions are computed but not remembered (a bound on memory). */
  private static final int CACHE_LIMIT = 10_000;

  /** Provider names as senders spell them (OpenTelemetry's gen_ai.provider.name among them) → registry provider. */
  private static final Map<String, String> PROVIDER_SYNONYMS = Map.ofEntries(
      Map.entry("openai", "openai"), Map.entry("azure", "openai"), Map.entry("azure_openai", "openai"),
      Map.entry("az.ai.openai", "openai"), Map.entry("azure.ai.openai", "openai"),
      Map.entry("anthropic", "anthropic"),
      Map.entry("google", "google_genai"), Map.entry("gemini", "google_genai"), Map.entry("google_genai", "google_genai"),
      Map.entry("gcp.gemini", "google_genai"), Map.entry("gcp.vertex_ai", "google_genai"), Map.entry("gcp.gen_ai", "google_genai"),
      Map.entry("vertex_ai", "google_genai"),
      Map.entry("mistral", "mistralai"), Map.entry("mistralai", "mistralai"), Map.entry("mistral_ai", "mistralai"),
      Map.entry("cohere", "cohere"),
      Map.entry("huggingface", "huggingface_hub"), Map.entry("huggingface_hub", "huggingface_hub"), Map.entry("hf", "huggingface_hub"));

  /** Snapshot suffixes, tried one after another: 2024-08-06, 20240620, @20240620, 0613, 08-2024, latest, -v1:0. */
  private static final Pattern SNAPSHOT_SUFFIX = Pattern.compile(
      "(?:-\\d{4}-\\d{2}-\\d{2}|-\\d{8}|@\\d{8}|-\\d{4}|-\\d{2}-\\d{4}|-latest|-v\\d+(?::\\d+)?|:\\d+)$");

  private final ModelRegistry registry;
  private final ModelRegistry providerTable;
  private final Map<String, Optional<ModelMatch>> cache = new ConcurrentHashMap<>();

  /** @param providerTable user-supplied sizes from provider documentation, or {@code null} */
  public ModelResolver(ModelRegistry registry, ModelRegistry providerTable) {
    this.registry = registry;
    this.providerTable = providerTable;
  }

  public ModelRegistry registry() {
    return registry;
  }

  public Optional<ModelMatch> resolve(String provider, String model) {
    return resolve(provider, model, NameEstimate.Rule.CURRENT);
  }

  /** @param names the rule a size read from the name follows (an older one to recompute a figure stored under it) */
  public Optional<ModelMatch> resolve(String provider, String model, NameEstimate.Rule names) {
    String key = names.ordinal() + "\u0000" + provider + '\u0000' + model;
    Optional<ModelMatch> cached = cache.get(key);
    if (cached != null) return cached;
    Optional<ModelMatch> match = compute(provider, model, names);
    if (cache.size() < CACHE_LIMIT) cache.put(key, match);
    return match;
  }

  private Optional<ModelMatch> compute(String provider, String model, NameEstimate.Rule names) {
    Optional<ModelRegistry.Found> own = registry.find(provider, model);
    if (own.isPresent()) {
      ModelSpec spec = own.get().spec();
      return Optional.of(new ModelMatch(provider, model, spec, own.get().viaAlias() ? REGISTRY_ALIAS : REGISTRY,
          spec.band(), Tier.MODELLED));
    }
    Optional<ModelMatch> lenient = lenient(registry, REGISTRY, provider, model);
    if (lenient.isPresent()) return lenient;
    if (providerTable != null) {
      Optional<ModelMatch> documented = lenient(providerTable, PROVIDER_TABLE, provider, model);
      if (documented.isPresent()) return documented;
    }
    // Rule 2's band follows the width of the figure's range, which the methodology sets (ModelMatch#withBand).
    return NameEstimate.of(model, names).map(spec -> new ModelMatch(provider, model,
        new ModelSpec(provider, spec.name(), spec.activeParamsB(), spec.totalParamsB(), spec.warnings()),
        names.source(), AccuracyBand.GROSS, Tier.ESTIMATED));
  }

  /** A requested model with its provider canonical: a synonym resolved, or a provider prefix in the name taken off. */
  private record Canonical(String provider, String name, boolean prefixed) {
    static Canonical of(String provider, String model) {
      String name = model.strip();
      for (String separator : new String[] {"/", "."}) {
        int cut = name.indexOf(separator);
        if (cut > 0) {
          String prefix = PROVIDER_SYNONYMS.get(name.substring(0, cut).toLowerCase(Locale.ROOT));
          if (prefix != null) return new Canonical(prefix, name.substring(cut + 1), true);
        }
      }
      return new Canonical(PROVIDER_SYNONYMS.getOrDefault(provider.toLowerCase(Locale.ROOT), provider), name, false);
    }
  }

  /**
   * A model as the lenient lookup sees it: provider synonyms and prefixes resolved, dated snapshot suffixes taken
   * off, lower case. Two requested names with equal identities name one model ({@code azure}, {@code
   * gpt-4o-2024-08-06} and {@code openai}, {@code openai/gpt-4o} do).
   */
  public record Identity(String provider, String name) {}

  public static Identity identity(String provider, String model) {
    Canonical canonical = Canonical.of(provider, model);
    String name = canonical.name();
    for (var suffix = SNAPSHOT_SUFFIX.matcher(name); suffix.find() && suffix.start() > 0; suffix = SNAPSHOT_SUFFIX.matcher(name)) {
      name = name.substring(0, suffix.start());
    }
    return new Identity(canonical.provider().toLowerCase(Locale.ROOT), name.toLowerCase(Locale.ROOT));
  }

  private Optional<ModelMatch> lenient(ModelRegistry table, String sourcePrefix, String provider, String model) {
    List<String> how = new ArrayList<>();
    Canonical canonical = Canonical.of(provider, model);
    String canonicalProvider = canonical.provider();
    if (canonical.prefixed()) how.add("provider-prefix");
    String candidate = canonical.name();
    while (true) {
      Optional<ModelMatch> match = lookUp(table, sourcePrefix, provider, model, canonicalProvider, candidate, how);
      if (match.isPresent()) return match;
      var suffix = SNAPSHOT_SUFFIX.matcher(candidate);
      if (!suffix.find() || suffix.start() == 0) return Optional.empty();
      candidate = candidate.substring(0, suffix.start());
      if (!how.contains("dated-snapshot")) how.add("dated-snapshot");
    }
  }

  private Optional<ModelMatch> lookUp(ModelRegistry table, String sourcePrefix, String provider, String model,
      String canonicalProvider, String candidate, List<String> how) {
    List<String> steps = new ArrayList<>(how);
    Optional<ModelRegistry.Found> found = table.find(canonicalProvider, candidate);
    ModelSpec spec = found.map(ModelRegistry.Found::spec).orElse(null);
    if (spec == null) {
      // The exact lookup missed, so a hit by name now differs in case, in provider, or both.
      List<ModelSpec> sameName = table.byNameIgnoringCase(candidate);
      spec = sameName.stream().filter(s -> s.provider().equals(canonicalProvider)).findFirst().orElse(null);
      if (spec == null && !sameName.isEmpty()) {
        spec = sameName.getFirst();
        steps.add("other-provider");
      }
      if (spec != null && !spec.name().equals(candidate)) steps.add("case-insensitive");
    }
    if (spec == null) return Optional.empty();
    if (steps.isEmpty() && !canonicalProvider.equals(provider)) steps.add("provider-synonym");
    String source = steps.isEmpty() ? sourcePrefix : sourcePrefix + ":" + String.join("+", steps);
    return Optional.of(new ModelMatch(provider, model, spec, source, spec.band(), Tier.MODELLED));
  }
}
