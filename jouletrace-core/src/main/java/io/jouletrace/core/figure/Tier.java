package io.jouletrace.core.figure;

import java.util.Locale;

/** How a figure was obtained. Figures of different tiers are never summed as if they were alike. */
public enum Tier {
  /** From real power signals. */
  MEASURED,
  /** From a published, defensible model. */
  MODELLED,
  /** From a coarse fallback. */
  ESTIMATED;

  /** The stable lower-case code used in JSON, CSV and the ledger. */
  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The tier whose {@link #code} is {@code code}. */
  public static Tier of(String code) {
    return valueOf(code.toUpperCase(Locale.ROOT));
  }

  /** The less trustworthy of two tiers: a figure built from both is only as good as the weaker. */
  public Tier weaker(Tier other) {
    return ordinal() >= other.ordinal() ? this : other;
  }
}
