package io.jouletrace.core.figure;

/**
 * An amount of energy. Figures keep energy in joules (the SI unit, what meters and methodologies are converted to); Wh and
 * kWh are what people read and what intensities are per. Every conversion between them is here, each the operation the
 * figures were always computed with: joules to Wh divides by 3600 and Wh to joules multiplies by it (a division by 3600 and
 * a multiplication by 1/3600 can differ in the last bit, so code that scales by a factor keeps {@link #WH_PER_JOULE}).
 *
 * @param joules the amount in joules
 */
public record Energy(double joules) {

  /** Joules in one watt-hour (an int, so that exact arithmetic, {@code long} and {@code BigDecimal}, can take it too). */
  public static final int JOULES_PER_WH = 3600;
  /** Joules in one kilowatt-hour. */
  public static final int JOULES_PER_KWH = 3_600_000;
  /** Watt-hours in one joule: the scale factor where a figure is shown by multiplying with one. */
  public static final double WH_PER_JOULE = 1 / 3600.0;

  public static Energy ofWh(double wh) {
    return new Energy(wh * JOULES_PER_WH);
  }

  public static Energy ofKwh(double kwh) {
    return new Energy(kwh * JOULES_PER_KWH);
  }

  public double wh() {
    return joules / JOULES_PER_WH;
  }

  public double kwh() {
    return joules / JOULES_PER_KWH;
  }
}
