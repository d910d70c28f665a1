package io.jouletrace.core.methodology;

import io.jouletrace.core.carbon.IntensityResolver;
import io.jouletrace.core.model.NameEstimate;
import io.jouletrace.core.record.InvocationRecord;
import io.jouletrace.core.record.Operation;

/**
 * A versioned way of turning a call into figures. Implementations are immutable values: a changed
 * coefficient is a new version, never an edit, because the ledger keeps figures made by every
 * version and recomputes them with the version stored beside them.
 */
public interface Methodology {

  /** The version every figure names, e.g. {@code ecologits-0.9.1}. */
  String version();

  /** Whether this methodology has a method for calls of this kind. */
  boolean models(Operation operation);

  /** Figures for one call; pure: the same record and resolver always give the same estimate. */
  default Estimate estimate(InvocationRecord record, IntensityResolver intensities) {
    return estimate(record, intensities, Derivation.NONE);
  }

  /** The same estimate, writing each step of its arithmetic into {@code derivation} as it is taken ({@code jouletrace explain}). */
  Estimate estimate(InvocationRecord record, IntensityResolver intensities, Derivation derivation);

  /**
   * The same estimate with sizes read from names by {@code names}: the rule a stored figure was made with, to recompute
   * it. Methodologies that never read a size from a name ignore it.
   */
  default Estimate estimate(InvocationRecord record, IntensityResolver intensities, NameEstimate.Rule names, Derivation derivation) {
    return estimate(record, intensities, derivation);
  }
}
