package io.jouletrace.core.methodology;

import io.jouletrace.core.carbon.IntensityResolver;
import io.jouletrace.core.model.NameEstimate;
import io.jouletrace.core.record.InvocationRecord;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The entry point of the core: picks the methodology a call asks for (or the default), hands an
 * operation that methodology has no method for to the one that does (embeddings → AI Energy Score),
 * and resolves grid intensity through one shared {@link IntensityResolver}.
 */
public final class Estimator {

  private final Map<String, Methodology> byVersion;
  private final Map<String, String> familyAliases;
  private final String defaultVersion;
  private final List<Methodology> fallbacksByOperation;
  private final IntensityResolver intensities;

  /**
   * @param methodologies every methodology, keyed by its version
   * @param defaultVersion used when a call names none
   * @param fallbacksByOperation tried in order for calls the chosen methodology does not model
   */
  public Estimator(List<Methodology> methodologies, String defaultVersion, List<Methodology> fallbacksByOperation,
      IntensityResolver intensities) {
    var versions = new LinkedHashMap<String, Methodology>();
    var families = new LinkedHashMap<String, String>();
    for (Methodology m : methodologies) {
      if (versions.putIfAbsent(m.version(), m) != null) throw new IllegalArgumentException("methodology " + m.version() + " registered twice");
      // A family name alone ("aienergyscore") means the newest version registered for it (registered last).
      families.put(family(m.version()), m.version());
    }
    this.byVersion = Map.copyOf(versions);
    this.familyAliases = Map.copyOf(families);
    this.defaultVersion = Objects.requireNonNull(defaultVersion, "defaultVersion");
    this.fallbacksByOperation = List.copyOf(fallbacksByOperation);
    this.intensities = Objects.requireNonNull(intensities, "intensities");
    forVersion(defaultVersion);
  }

  private static String family(String version) {
    int dash = version.indexOf('-');
    return dash < 0 ? version : version.substring(0, dash);
  }

  public String defaultVersion() {
    return defaultVersion;
  }

  public IntensityResolver intensities() {
    return intensities;
  }

  /** Known versions, for help texts and error messages. */
  public List<String> versions() {
    return byVersion.keySet().stream().sorted().toList();
  }

  /** The methodology of a version, or of the newest version of a family; unknown names are an error that lists the known ones. */
  public Methodology forVersion(String version) {
    Methodology m = byVersion.get(version);
    if (m == null && familyAliases.containsKey(version)) m = byVersion.get(familyAliases.get(version));
    if (m == null) throw new UnknownMethodologyException(version, versions());
    return m;
  }

  public Estimate estimate(InvocationRecord record) {
    return estimate(record, defaultVersion);
  }

  /** @param version a methodology version or family, or {@code null} for the default */
  public Estimate estimate(InvocationRecord record, String version) {
    return estimate(record, version, Derivation.NONE);
  }

  /** The same estimate, with each step of its arithmetic written into {@code derivation}. */
  public Estimate estimate(InvocationRecord record, String version, Derivation derivation) {
    return estimate(record, version, NameEstimate.Rule.CURRENT, derivation);
  }

  /**
   * A stored figure recomputed: with its methodology version, and a size read from the name by the rule its stored
   * model source names ({@code name-estimate} is rule 1), so figures stored before a rule changed keep verifying.
   */
  public Estimate refigure(InvocationRecord record, String version, String storedModelSource) {
    return refigure(record, version, storedModelSource, Derivation.NONE);
  }

  /** The same recomputation, with each step of its arithmetic written into {@code derivation} ({@code explain}). */
  public Estimate refigure(InvocationRecord record, String version, String storedModelSource, Derivation derivation) {
    return estimate(record, version, NameEstimate.Rule.recomputing(storedModelSource), derivation);
  }

  private Estimate estimate(InvocationRecord record, String version, NameEstimate.Rule names, Derivation derivation) {
    Methodology chosen = forVersion(version == null ? defaultVersion : version);
    if (!chosen.models(record.operation())) {
      for (Methodology fallback : fallbacksByOperation) {
        if (fallback.models(record.operation())) {
          if (derivation.isRecording()) derivation.note("methodology", chosen.version() + " has no method for `" + record.operation() + "` calls; " + fallback.version() + " figures them");
          return fallback.estimate(record, intensities, derivation).withWarnings(List.of("operation-figured-by-" + fallback.version()));
        }
      }
    }
    return chosen.estimate(record, intensities, names, derivation);
  }

  /** A methodology name that is not registered. */
  public static final class UnknownMethodologyException extends IllegalArgumentException {
    public UnknownMethodologyException(String version, List<String> known) {
      super("unknown methodology `" + version + "`; known: " + String.join(", ", known));
    }
  }
}
