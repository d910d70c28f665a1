package io.jouletrace.core.methodology.rates;

import io.jouletrace.core.carbon.IntensityResolver;
import io.jouletrace.core.figure.AccuracyBand;
import io.jouletrace.core.figure.Energy;
import io.jouletrace.core.figure.Figure;
import io.jouletrace.core.figure.NullReason;
import io.jouletrace.core.figure.Quantity;
import io.jouletrace.core.figure.Range;
import io.jouletrace.core.figure.Tier;
import io.jouletrace.core.methodology.Derivation;
import io.jouletrace.core.methodology.Estimate;
import io.jouletrace.core.methodology.Methodology;
import io.jouletrace.core.model.ModelMatch;
import io.jouletrace.core.model.ModelSpec;
import io.jouletrace.core.record.InvocationRecord;
import io.jouletrace.core.record.Operation;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The simple per-model-rate approach: energy = (input + output tokens) / 1000 × Wh per 1K tokens.
 * A coarse fallback: {@code estimated}, {@code gross}. The table's default row ({@code *}) applies
 * to models it does not name.
 */
public final class RatesMethodology implements Methodology {

  /** The key of the row that applies to every model the table does not name. */
  public static final String ANY_MODEL = "*";

  private final String version;
  private final String tableSource;
  private final Map<String, Double> whPer1kTokensByModel;

  /** @param tableSource where the rates come from (built-in table or a user file), recorded in the method */
  public RatesMethodology(String version, String tableSource, Map<String, Double> whPer1kTokensByModel) {
    this.version = version;
    this.tableSource = tableSource;
    var rates = new HashMap<String, Double>();
    whPer1kTokensByModel.forEach((model, rate) -> {
      if (!(rate >= 0) || !Double.isFinite(rate)) throw new IllegalArgumentException("rate for " + model + " must be finite and >= 0, got " + rate);
      rates.put(model.toLowerCase(Locale.ROOT), rate);
    });
    this.whPer1kTokensByModel = Map.copyOf(rates);
  }

  @Override
  public String version() {
    return version;
  }

  @Override
  public boolean models(Operation operation) {
    return operation.isTextGeneration() || operation.equals(Operation.EMBEDDINGS);
  }

  @Override
  public Estimate estimate(InvocationRecord record, IntensityResolver intensities, Derivation derivation) {
    if (!models(record.operation())) {
      return Estimate.unknown(version, new NullReason(NullReason.OPERATION_NOT_MODELLED,
          version + " has no rate for `" + record.operation() + "` calls."));
    }
    String model = record.model().toLowerCase(Locale.ROOT);
    Double rate = whPer1kTokensByModel.get(model);
    String source = "rates:model";
    if (rate == null) {
      rate = whPer1kTokensByModel.get(ANY_MODEL);
      source = "rates:default";
    }
    if (rate == null) {
      return Estimate.unknown(version, NullReason.modelNotRegistered(record.provider(), record.model()));
    }
    if (derivation.isRecording()) {
      derivation.note("model", "`" + record.model() + "`: " + (source.equals("rates:model") ? "its own row" : "no row of its own, the default row (*)")
          + " of " + tableSource + " (" + version + "); tier estimated, band gross");
    }
    long tokens = (long) derivation.step("total_tokens", "input_tokens + output_tokens (an unknown input count as 0)", record.totalTokens(), "tokens");
    derivation.step("wh_per_1k_tokens", "the rate of the table row", rate, "Wh per 1,000 tokens");
    double wh = derivation.step("energy_wh", "total_tokens / 1000 × wh_per_1k_tokens", tokens / 1000.0 * rate, "Wh");
    var match = new ModelMatch(record.provider(), record.model(),
        new ModelSpec(record.provider(), record.model(), null, null, List.of()), source, AccuracyBand.GROSS, Tier.ESTIMATED);
    var energy = Figure.known(Quantity.ENERGY, Range.exactly(derivation.step("energy_j", "energy_wh × 3600", Energy.ofWh(wh).joules(), "J")),
        Tier.ESTIMATED, AccuracyBand.GROSS, "rates: tokens / 1000 x " + rate + " Wh per 1K tokens (" + tableSource + ")", version);
    return Estimate.fromEnergy(match, energy, intensities.resolve(record, null, null), List.of(), derivation);
  }
}
