package io.jouletrace.ledger;

import io.jouletrace.core.methodology.Estimate;
import io.jouletrace.core.record.InvocationRecord;

/**
 * Figures a call as the ledger's writer will figure its record (the estimator with the intensity series stored now, one
 * methodology version): what the gateway puts in its answer's {@code eco} block before the record is stored.
 * {@link Ledger#figurer} gives one.
 */
@FunctionalInterface
public interface CallFigurer {

  /** Fails as {@link Ledger#figure} fails. */
  Estimate figure(InvocationRecord record);
}
