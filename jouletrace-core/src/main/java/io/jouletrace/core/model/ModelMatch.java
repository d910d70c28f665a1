package io.jouletrace.core.model;

import io.jouletrace.core.figure.AccuracyBand;
import io.jouletrace.core.figure.Tier;
import java.util.Objects;

/**
 * How a requested model was resolved: the catalogue entry it matched, how ({@code source}, e.g.
 * {@code registry}, {@code registry:dated-snapshot}, {@code provider-table}, {@code name-estimate-2}),
 * and the band and tier the match allows.
 *
 * @param requestedProvider the provider as the caller named it
 * @param requested the model name as the caller gave it
 */
public record ModelMatch(String requestedProvider, String requested, ModelSpec spec, String source, AccuracyBand band, Tier tier) {
  public ModelMatch {
    Objects.requireNonNull(requested, "requested");
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(band, "band");
    Objects.requireNonNull(tier, "tier");
  }

  /** Whether the size was read from the name, under any {@link NameEstimate.Rule}. */
  public boolean isNameEstimate() {
    return NameEstimate.Rule.recomputing(source).source().equals(source);
  }

  /** The same match with another band (a name estimate's band follows the width of the figure's range). */
  public ModelMatch withBand(AccuracyBand other) {
    return new ModelMatch(requestedProvider, requested, spec, source, other, tier);
  }

  /** Whether the match needed more than the methodology's own lookup, so its figure deserves a note. */
  public boolean isLenient() {
    return !source.equals(ModelResolver.REGISTRY) && !source.equals(ModelResolver.REGISTRY_ALIAS);
  }
}
