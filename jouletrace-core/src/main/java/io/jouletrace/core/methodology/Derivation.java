package io.jouletrace.core.methodology;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Where a methodology writes the steps of its arithmetic while it computes, so that the printed derivation and the
 * figure come from one computation: {@link #step} hands back the very value the figure goes on with. {@link #NONE}
 * records nothing and allocates nothing, which is what every figure outside {@code explain} uses.
 */
public interface Derivation {

  /** Records nothing. */
  Derivation NONE = new Derivation() {
    @Override
    public double step(String name, String formula, double value, String unit) {
      return value;
    }

    @Override
    public void note(String name, String text) {}

    @Override
    public Derivation scoped(String prefix) {
      return this;
    }

    @Override
    public boolean isRecording() {
      return false;
    }
  };

  /**
   * One computed or given value.
   *
   * @param formula how {@code value} follows from earlier steps (named as they are), or where it was read from
   * @return {@code value}, for the computation to go on with
   */
  double step(String name, String formula, double value, String unit);

  /** A fact without a number that the figure depends on: which model was matched, which zone, why a latency applies. */
  void note(String name, String text);

  /** Whether steps are kept: a note whose text must be built first is built only then. */
  default boolean isRecording() {
    return true;
  }

  /** The steps of one bound (low or high): their names get {@code prefix.} in front; formulas name steps of the same bound. */
  Derivation scoped(String prefix);

  /** A derivation that keeps its steps, in the order they were taken. */
  static Recorder recorder() {
    return new Recorder(new ArrayList<>(), "");
  }

  /**
   * One step: a number with its unit and formula, or a note (value and unit null).
   *
   * @param formula for a note, its text
   */
  record Step(String name, String formula, Double value, String unit) {
    public Step {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(formula, "formula");
    }

    public boolean isNote() {
      return value == null;
    }
  }

  /** Keeps steps; its scoped views write into the same list. */
  final class Recorder implements Derivation {
    private final List<Step> steps;
    private final String prefix;

    private Recorder(List<Step> steps, String prefix) {
      this.steps = steps;
      this.prefix = prefix;
    }

    @Override
    public double step(String name, String formula, double value, String unit) {
      steps.add(new Step(prefix + name, formula, value, unit));
      return value;
    }

    @Override
    public void note(String name, String text) {
      steps.add(new Step(prefix + name, text, null, null));
    }

    @Override
    public Derivation scoped(String scope) {
      return new Recorder(steps, prefix + scope + ".");
    }

    public List<Step> steps() {
      return List.copyOf(steps);
    }
  }
}
