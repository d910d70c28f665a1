package io.jouletrace.ledger.telemetry;

import io.jouletrace.core.attribution.MeterSample.Kind;
import io.jouletrace.core.figure.Energy;
import java.math.BigDecimal;
import java.util.Map;

/** The meter units we convert, each to W (power) or J (energy) by an exact factor. Case matters: mW is not MW. */
enum Units {
  W(Kind.POWER, "1"),
  mW(Kind.POWER, "0.001"),
  kW(Kind.POWER, "1000"),
  uW(Kind.POWER, "0.000001"),
  J(Kind.ENERGY, "1"),
  mJ(Kind.ENERGY, "0.001"),
  kJ(Kind.ENERGY, "1000"),
  uJ(Kind.ENERGY, "0.000001"),
  Wh(Kind.ENERGY, Energy.JOULES_PER_WH),
  kWh(Kind.ENERGY, Energy.JOULES_PER_KWH);

  /** Every spelling accepted, including {@code uW}/{@code uJ} (and the Greek mu) for micro. */
  private static final Map<String, Units> BY_SYMBOL = Map.ofEntries(
      Map.entry("W", W), Map.entry("mW", mW), Map.entry("kW", kW), Map.entry("\u00b5W", uW), Map.entry("\u03bcW", uW), Map.entry("uW", uW),
      Map.entry("J", J), Map.entry("mJ", mJ), Map.entry("kJ", kJ), Map.entry("\u00b5J", uJ), Map.entry("\u03bcJ", uJ), Map.entry("uJ", uJ),
      Map.entry("Wh", Wh), Map.entry("kWh", kWh));

  final Kind kind;
  /** Multiply by this to get W or J. */
  final BigDecimal factor;

  Units(Kind kind, String factor) {
    this(kind, new BigDecimal(factor));
  }

  Units(Kind kind, int factor) {
    this(kind, BigDecimal.valueOf(factor));
  }

  Units(Kind kind, BigDecimal factor) {
    this.kind = kind;
    this.factor = factor;
  }

  /** The unit written as {@code symbol}, or {@code null}. */
  static Units of(String symbol) {
    return symbol == null ? null : BY_SYMBOL.get(symbol.strip());
  }

  /** The unit for a cell of {@code kind}, or why {@code symbol} cannot be one. */
  static Units forKind(String field, String symbol, Kind kind) throws Bad {
    Units unit = of(symbol);
    if (unit == null) {
      throw new Bad(field, "unknown unit \"" + symbol.strip() + "\" (power: W, mW, kW, uW; energy: J, mJ, kJ, uJ, Wh, kWh)");
    }
    if (unit.kind != kind) {
      throw new Bad(field, "\"" + symbol.strip() + "\" is " + (unit.kind == Kind.POWER ? "a power" : "an energy")
          + " unit but kind is " + name(kind));
    }
    return unit;
  }

  static String name(Kind kind) {
    return kind == Kind.POWER ? "power" : "energy";
  }
}
