package io.jouletrace.core.figure;

import java.util.Objects;

/**
 * Why a figure is absent. Codes are stable, kebab-case, and documented in docs/methodology.md; the
 * EcoLogits codes keep EcoLogits' own spelling so the two can be compared.
 */
public record NullReason(String code, String message) {

  public static final String MODEL_NOT_REGISTERED = "model-not-registered";
  public static final String ZONE_NOT_REGISTERED = "zone-not-registered";
  public static final String OPERATION_NOT_MODELLED = "operation-not-modelled";
  public static final String QUANTITY_NOT_MODELLED = "quantity-not-modelled";
  public static final String ENERGY_UNKNOWN = "energy-unknown";
  /** The methodology failed on this record (a figure out of range): the record is kept, its figures are null. */
  public static final String ESTIMATE_FAILED = "estimate-failed";

  public NullReason {
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(message, "message");
  }

  public static NullReason modelNotRegistered(String provider, String model) {
    return new NullReason(MODEL_NOT_REGISTERED, "Could not find model `" + model + "` for " + provider + " provider.");
  }

  public static NullReason zoneNotRegistered(String zone) {
    return new NullReason(ZONE_NOT_REGISTERED, "Could not find electricity mix for `" + zone + "` zone.");
  }
}
