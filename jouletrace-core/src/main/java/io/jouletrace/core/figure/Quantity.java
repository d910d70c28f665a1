package io.jouletrace.core.figure;

/** What a figure measures, with its canonical unit. Conversions happen only when displaying. */
public enum Quantity {
  /** Electricity, canonically in joules. */
  ENERGY("J", "energy"),
  /** Operational (usage) carbon, canonically in grams CO2e. */
  CARBON("gCO2e", "carbon"),
  /** Embodied carbon of the hardware, amortised over its life, in grams CO2e; never added to operational carbon. */
  EMBODIED_CARBON("gCO2e", "embodied_carbon"),
  /** Water consumed on site and for generating the electricity, in litres. */
  WATER("L", "water");

  private final String unit;
  private final String field;

  Quantity(String unit, String field) {
    this.unit = unit;
    this.field = field;
  }

  public String unit() {
    return unit;
  }

  /** The JSON field that holds this quantity in an eco block; also the field a null reason names. */
  public String field() {
    return field;
  }
}
