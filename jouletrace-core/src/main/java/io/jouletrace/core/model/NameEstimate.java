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
 * figure is {@code estimated} with a {@code gross} band.
 */
public final class NameEstimate {

  /** Warning attached to every name-based size, so the figure explains itself. */
  public static final String WARNING = "model-size-from-name";

  // "8x7b": experts × expert size. Experts share attention layers, so the total lies below E × S
  // (Mixtral 8x7B: 46.7 B of 56); routing uses one or two experts per token.
  private static final Pattern EXPERTS = Pattern.compile("(?<![a-z0-9.])(\\d+)x(\\d+(?:\\.\\d+)?)b(?![a-z])");
  private static final Pattern ACTIVE = Pattern.compile("(?<![a-z0-9.])a(\\d+(?:\\.\\d+)?)b(?![a-z])");
  private static final Pattern SIZE = Pattern.compile("(?<![a-z0-9.])(\\d+(?:\\.\\d+)?)([bm])(?![a-z])");

  private NameEstimate() {}

  public static Optional<ModelSpec> of(String model) {
    String name = model.toLowerCase(Locale.ROOT);
    int slash = name.lastIndexOf('/');
    String base = slash >= 0 ? name.substring(slash + 1) : name;
    Matcher experts = EXPERTS.matcher(base);
    if (experts.find()) {
      double expertCount = Double.parseDouble(experts.group(1));
      double expertSize = Double.parseDouble(experts.group(2));
      double total = expertCount * expertSize;
      return Optional.of(spec(model, new Range(expertSize, Math.min(2 * expertSize, total)), new Range(0.75 * total, total)));
    }
    double largest = -1;
    Matcher size = SIZE.matcher(base);
    while (size.find()) {
      double billions = Double.parseDouble(size.group(1)) / (size.group(2).equals("m") ? 1000 : 1);
      largest = Math.max(largest, billions);
    }
    if (!(largest > 0)) return Optional.empty();
    Matcher active = ACTIVE.matcher(base);
    Range total = Range.exactly(largest);
    Range activeParams = active.find() ? Range.exactly(Math.min(Double.parseDouble(active.group(1)), largest)) : total;
    return Optional.of(spec(model, activeParams, total));
  }

  private static ModelSpec spec(String model, Range active, Range total) {
    return new ModelSpec("name-estimate", model, active, total, List.of(WARNING));
  }
}
