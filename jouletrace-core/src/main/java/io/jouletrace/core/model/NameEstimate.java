package io.jouletrace.core.model;

import io.jouletrace.core.figure.Range;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The coarsest resolution: a size read from the model's name ({@code llama-3-70b} → 70 B,
 * {@code qwen3-30b-a3b} → 30 B total with 3 B active, {@code mixtral-8x7b} → experts × size). Such a
 * figure is {@code estimated}. How a name becomes a size is itself versioned ({@link Rule}): a stored figure
 * names the rule that made it in its model source, and is recomputed with that rule.
 */
public final class NameEstimate {

  /** Warning attached to every name-based size, so the figure explains itself. */
  public static final String WARNING = "model-size-from-name";

  /**
   * The published rules. Never edit one in place: a changed rule is a new constant, and figures stored under an
   * older one keep being recomputed with it.
   */
  public enum Rule {
    /** The size written in the name, taken as exact and dense (band gross). Figures stored before rule 2. */
    V1("name-estimate"),
    /**
     * The size written in the name with what the name cannot tell: its rounding, and whether it is dense or a
     * mixture of experts (active share down to {@link #MIN_ACTIVE_SHARE}); band from the width of the range.
     */
    V2("name-estimate-2");

    /** The rule new figures are made with. */
    public static final Rule CURRENT = V2;

    private final String source;

    Rule(String source) {
      this.source = source;
    }

    /** The model source a match by this rule records ({@code model.source}, {@code model_source}). */
    public String source() {
      return source;
    }

    /** The rule a stored model source names: an older rule for its own figures, else the current one. */
    public static Rule recomputing(String storedModelSource) {
      for (Rule rule : values()) {
        if (rule.source.equals(storedModelSource)) return rule;
      }
      return CURRENT;
    }
  }

  /**
   * The smallest share of a mixture-of-experts model's parameters active per token among published open-weights
   * models (Kimi K2: 32 B of 1,040 B; Llama 4 Maverick 17 of 400; gpt-oss-120b 5.1 of 117), rounded down.
   */
  public static final double MIN_ACTIVE_SHARE = 0.03;

  /**
   * How far a published size strays from the one in the name: rounded for the name (Llama 2 7B has 6.74 B, Gemma
   * 7B 8.54 B, Gemma 2 2B 2.61 B); below 1 B the name often leaves out the embeddings (Prompt-Guard-86M has 279 M).
   */
  static final double ROUNDED_BELOW = 0.9;
  static final double ROUNDED_ABOVE = 1.35;
  static final double SMALL_ROUNDED_ABOVE = 4;

  // "8x7b": experts × expert size. Experts share attention layers, so the total lies below E × S
  // (Mixtral 8x7B: 46.7 B of 56); routing uses one or two experts per token.
  private static final Pattern EXPERTS = Pattern.compile("(?<![a-z0-9.])(\\d+)x(\\d+(?:\\.\\d+)?)b(?![a-z])");
  private static final Pattern ACTIVE = Pattern.compile("(?<![a-z0-9.])a(\\d+(?:\\.\\d+)?)b(?![a-z])");
  private static final Pattern SIZE = Pattern.compile("(?<![a-z0-9.])(\\d+(?:\\.\\d+)?)([bm])(?![a-z])");

  private NameEstimate() {}

  /** The size the current rule reads from {@code model}, if its name gives one. */
  public static Optional<ModelSpec> of(String model) {
    return of(model, Rule.CURRENT);
  }

  public static Optional<ModelSpec> of(String model, Rule rule) {
    String name = model.toLowerCase(Locale.ROOT);
    int slash = name.lastIndexOf('/');
    String base = slash >= 0 ? name.substring(slash + 1) : name;
    Matcher experts = EXPERTS.matcher(base);
    if (experts.find()) {
      double expertCount = Double.parseDouble(experts.group(1));
      double expertSize = Double.parseDouble(experts.group(2));
      double total = expertCount * expertSize;
      return Optional.of(spec(model, rule, new Range(expertSize, Math.min(2 * expertSize, total)), new Range(0.75 * total, total)));
    }
    double largest = -1;
    Matcher size = SIZE.matcher(base);
    while (size.find()) {
      double billions = Double.parseDouble(size.group(1)) / (size.group(2).equals("m") ? 1000 : 1);
      largest = Math.max(largest, billions);
    }
    if (!(largest > 0)) return Optional.empty();
    Matcher active = ACTIVE.matcher(base);
    Double activeInName = active.find() ? Math.min(Double.parseDouble(active.group(1)), largest) : null;
    if (rule == Rule.V1) {
      Range total = Range.exactly(largest);
      return Optional.of(spec(model, rule, activeInName == null ? total : Range.exactly(activeInName), total));
    }
    Range total = rounded(largest);
    Range activeParams = activeInName != null ? rounded(activeInName)
        : new Range(MIN_ACTIVE_SHARE * total.low(), total.high()); // dense, or a mixture of experts
    return Optional.of(spec(model, rule, new Range(activeParams.low(), Math.min(activeParams.high(), total.high())), total));
  }

  /** The sizes a name's figure may stand for. */
  private static Range rounded(double billions) {
    return new Range(ROUNDED_BELOW * billions, (billions < 1 ? SMALL_ROUNDED_ABOVE : ROUNDED_ABOVE) * billions);
  }

  private static ModelSpec spec(String model, Rule rule, Range active, Range total) {
    return new ModelSpec(rule.source(), model, active, total, List.of(WARNING));
  }
}
