package io.jouletrace.core.model;

import io.jouletrace.core.figure.AccuracyBand;
import io.jouletrace.core.figure.Range;
import java.util.List;
import java.util.Objects;

/**
 * A catalogued model: its size in billions of parameters. For mixture-of-experts models the active
 * parameters drive energy per token and the total parameters drive memory (so GPU count).
 *
 * @param activeParamsB {@code null} in catalogues that publish no size (AI Energy Score, rate tables)
 * @param warnings the registry's caveats, e.g. {@code model-arch-not-released}
 */
public record ModelSpec(String provider, String name, Range activeParamsB, Range totalParamsB, List<String> warnings) {

  /** EcoLogits' code for an architecture whose size is an estimate, not a published figure. */
  public static final String ARCH_NOT_RELEASED = "model-arch-not-released";

  public ModelSpec {
    Objects.requireNonNull(provider, "provider");
    Objects.requireNonNull(name, "name");
    warnings = List.copyOf(warnings);
  }

  /** Published open-weights sizes are accurate; estimated architectures and size ranges are medium. */
  public AccuracyBand band() {
    boolean published = !warnings.contains(ARCH_NOT_RELEASED) && isExactOrAbsent(activeParamsB) && isExactOrAbsent(totalParamsB);
    return published ? AccuracyBand.ACCURATE : AccuracyBand.MEDIUM;
  }

  private static boolean isExactOrAbsent(Range params) {
    return params == null || params.isExact();
  }
}
