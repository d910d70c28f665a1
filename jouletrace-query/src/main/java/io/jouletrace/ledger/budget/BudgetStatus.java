package io.jouletrace.ledger.budget;

import io.jouletrace.core.figure.AccuracyBand;
import io.jouletrace.core.figure.Tier;
import io.jouletrace.ledger.report.Aggregate;
import java.time.Duration;
import java.time.Instant;

/**
 * Where a budget stands at an instant: what its scope's calls spent from the start of the current period up to and
 * including {@code at}, counted from the effective (measured-first) known figures. Amounts are in the budget's unit.
 *
 * @param calls the period's calls up to {@code at}, rated or not
 * @param figures the budget's quantity over those calls as the ledger keeps it (J or g): tiers, range, unrated calls
 * @param crossing the call that took the spending to the limit; null while the budget is not crossed
 */
public record BudgetStatus(Budget budget, Instant at, Instant periodStart, Instant periodEnd, long calls, Aggregate.Amounts figures,
    Crossing crossing) {

  public enum State {
    OK,
    CROSSED;

    public String code() {
      return this == OK ? "ok" : "crossed";
    }
  }

  /** The call whose figure, added in (timestamp, seq) order, first made the period's spending reach the limit. */
  public record Crossing(Instant at, long seq, String callId) {}

  /** The sum of the known figures' central values; unrated calls are not in it ({@link #unratedCalls}). */
  public double spent() {
    return budget.quantity().fromStored(figures.measured() + figures.modelled() + figures.estimated());
  }

  public double spentLow() {
    return budget.quantity().fromStored(figures.low());
  }

  public double spentHigh() {
    return budget.quantity().fromStored(figures.high());
  }

  public double spentOf(Tier tier) {
    return budget.quantity().fromStored(figures.of(tier));
  }

  /** The weakest band among the figures summed; null when no call was rated. */
  public AccuracyBand band() {
    return figures.band();
  }

  public long ratedCalls() {
    return figures.ratedCalls();
  }

  /** Calls of the period with no figure for the budget's quantity: excluded from {@link #spent}, never counted as zero. */
  public long unratedCalls() {
    return figures.unratedCalls();
  }

  public long unratedTokens() {
    return figures.unratedTokens();
  }

  /** The limit less what was spent; negative once crossed. */
  public double remaining() {
    return budget.limit() - spent();
  }

  /** How much of the period has passed at {@code at}, from 0 (its first instant) towards 1. */
  public double elapsedFraction() {
    return (double) Duration.between(periodStart, at).toNanos() / Duration.between(periodStart, periodEnd).toNanos();
  }

  /**
   * Linear extrapolation of the spending to the end of the period: spent / elapsed fraction. Null at the period's first
   * instant, when nothing has elapsed to extrapolate from.
   */
  public Double projected() {
    double elapsed = elapsedFraction();
    return elapsed == 0 ? null : spent() / elapsed;
  }

  public State state() {
    return crossing == null ? State.OK : State.CROSSED;
  }

  /** A gate budget that is spent: the gateway and the API refuse the scope's new calls. */
  public boolean exhausted() {
    return budget.mode() == Budget.Mode.GATE && crossing != null;
  }
}
