package io.jouletrace.core.attribution;

import io.jouletrace.core.figure.NullReason;
import io.jouletrace.core.figure.Tier;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Metered energy split among runs by {@link Attributor}.
 *
 * <p><b>Conservation.</b> Per resource and in total, {@code attributed_j + idle_j + unattributed_j == metered_j} (up to
 * floating rounding, ≤ 1e-9 relative). Only metered energy enters this identity; the modelled or extrapolated energy that
 * fills a span's uncovered time is reported apart as {@code filled_j} (so {@code Σ span energy_j = attributed_j + filled_j}).
 *
 * @param idlePolicy the idle policy every figure here was computed under
 * @param spans one entry per input span, sorted by id
 * @param resources per metered or used resource, sorted by name
 * @param tenants per tenant named by a span, sorted by name (spans without a tenant appear in no entry)
 */
public record Attribution(IdlePolicy idlePolicy, Totals totals, List<SpanEnergy> spans, Map<String, ResourceEnergy> resources,
    Map<String, TenantEnergy> tenants) {

  public Attribution {
    Objects.requireNonNull(idlePolicy, "idlePolicy");
    Objects.requireNonNull(totals, "totals");
    spans = List.copyOf(spans);
    Objects.requireNonNull(resources, "resources");
    Objects.requireNonNull(tenants, "tenants");
  }

  /**
   * Sums over all resources.
   *
   * @param meteredJ energy the meters know: measured intervals, plus counter differences across gaps too long to place in
   *     time; intervals of unknown energy (counter resets, gauge gaps, missing readings) are not in it
   * @param attributedJ metered energy given to spans: their dynamic share, plus (idle_to_active, idle_by_reservation) their
   *     share of the idle power drawn while they ran
   * @param idleJ idle energy given to no span: idle while no span was active ({@code idle_unowned_j + reserved_idle_j}), and
   *     under idle_separate also the idle drawn while spans ran
   * @param unattributedJ dynamic (above-idle) energy metered while no span was active, plus counter energy of gaps too long
   *     to place in time
   * @param idleUnownedJ part of {@code idle_j}: idle while no span was active that no tenant reserved
   * @param reservedIdleJ part of {@code idle_j}: idle while no span was active, given to a tenant (idle_by_reservation only)
   * @param filledJ energy added to spans for their uncovered time (modelled or extrapolated); outside the identity
   */
  public record Totals(double meteredJ, double attributedJ, double idleJ, double unattributedJ, double idleUnownedJ, double reservedIdleJ,
      double filledJ) {}

  /**
   * One span's energy.
   *
   * @param energyJ {@code measured_j + filled_j}; null when unknown (no meter covered any of the span and no modelled
   *     estimate exists): never a zero
   * @param tier {@code measured} when at most {@link AttributionOptions#maxGapFraction} of the span's weighted time on its
   *     resources is uncovered and no counter reset falls in it; {@code modelled} when more is uncovered (or a reset falls in
   *     it) and the rest was filled; null when the energy is unknown
   * @param measuredFraction covered share of the span's weighted resource-time (time with weight 0 such as queueing is not
   *     counted), 0..1
   * @param measuredJ metered energy given to the span (its part of {@link Totals#attributedJ})
   * @param filledJ energy added for uncovered time; {@code fill} in {@code notes} says how
   * @param idleJ the metered idle share included in {@code energy_j}: the span's share of idle power while it ran under
   *     idle_to_active and idle_by_reservation; 0 under idle_separate
   * @param phases {@code prefill} and {@code decode} when the span has them; they sum to {@code energy_j}
   * @param jPerOutputToken {@code energy_j / output_tokens}; null without output tokens or energy
   * @param jPerToken {@code energy_j / (input_tokens + output_tokens)}; null without tokens or energy
   * @param facilityJ {@code energy_j × PUE} when a PUE is given, else null
   * @param allocation how weights were set: {@code phase_token_rate}, {@code span_tokens} or {@code time_share}
   * @param resources the resources the span ran on, sorted
   * @param sensorResolutionS the coarsest median meter interval among those resources, s; null when none is metered
   * @param notes flags: {@code reset}, {@code fill:modelled}, {@code fill:extrapolated}, {@code phase_split_below_resolution},
   *     {@code no_weighted_time}, {@code modelled_joules_invalid}
   * @param unknown why the energy is unknown, or null
   */
  public record SpanEnergy(String id, Double energyJ, Tier tier, double measuredFraction, double measuredJ, double filledJ, double idleJ,
      Map<String, PhaseEnergy> phases, Double jPerOutputToken, Double jPerToken, Double facilityJ, String allocation, IdlePolicy idlePolicy,
      List<String> resources, Double sensorResolutionS, List<String> notes, NullReason unknown) {
    public SpanEnergy {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(phases, "phases");
      resources = List.copyOf(resources);
      notes = List.copyOf(notes);
    }
  }

  /**
   * One phase's part of a span. Its tier is {@code measured} only if the span is, the phase itself is covered as the span
   * must be, and the split is resolved by the meter: the phase contains a meter sample boundary (it spans ≥ 2 meter
   * intervals) and lasts at least the median sample interval, on every resource. Otherwise the split is set by the weights,
   * and labelled {@code modelled}. A phase with weight 0 gets 0 J, {@code modelled}.
   *
   * @param energyJ null when the span's energy is unknown
   */
  public record PhaseEnergy(Double energyJ, Tier tier) {}

  /**
   * One resource. {@code attributed_j + idle_j + unattributed_j == metered_j}.
   *
   * @param idleJ {@code idle_unowned_j + reserved_idle_j}, plus under idle_separate the idle drawn while spans ran
   * @param missingSeconds time between the first and last reading whose energy cannot be placed (missing readings, gaps,
   *     resets)
   * @param resetSeconds the part of {@code missing_seconds} lost to counter resets
   * @param idleWatts the idle power used
   * @param idleSource {@code configured}, {@code learned} (percentile of the power of intervals no span touched), or
   *     {@code none} (0 W: nothing to learn from)
   * @param meter {@code energy_counter}, {@code power_gauge}, {@code energy_counter+power_gauge} (the gauge fills the
   *     counter's unknown intervals), or {@code none}
   * @param sensorIntervalS median sample interval of the preferred series; null without one
   * @param maxGapS the gap threshold g_max of the preferred series; null without one
   */
  public record ResourceEnergy(double meteredJ, double attributedJ, double idleJ, double idleUnownedJ, double reservedIdleJ,
      double unattributedJ, double missingSeconds, double resetSeconds, int resets, double idleWatts, String idleSource, String meter,
      Double sensorIntervalS, Double maxGapS) {}

  /**
   * @param energyJ sum of the tenant's known span energies
   * @param measuredJ sum of the tenant's span metered energies
   * @param reservedIdleJ idle energy of fully idle time reserved to the tenant (idle_by_reservation)
   * @param spans number of the tenant's spans
   * @param unknownSpans how many of them have an unknown energy (not in {@code energy_j})
   */
  public record TenantEnergy(double energyJ, double measuredJ, double reservedIdleJ, int spans, int unknownSpans) {}
}
