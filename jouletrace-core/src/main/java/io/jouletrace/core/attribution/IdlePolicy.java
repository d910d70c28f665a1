package io.jouletrace.core.attribution;

/** Who owns the energy a resource draws at idle; declared on every measured figure. */
public enum IdlePolicy {
  /** Idle power while runs are active goes to them by weight; fully idle time stays unowned (default). */
  IDLE_TO_ACTIVE("idle_to_active"),
  /** Runs get only the dynamic part; all idle energy is reported per resource. */
  IDLE_SEPARATE("idle_separate"),
  /** As {@link #IDLE_TO_ACTIVE}, and fully idle time goes to the tenant that reserved the resource. */
  IDLE_BY_RESERVATION("idle_by_reservation");

  private final String code;

  IdlePolicy(String code) {
    this.code = code;
  }

  public String code() {
    return code;
  }

  public static IdlePolicy of(String code) {
    for (IdlePolicy policy : values()) if (policy.code.equals(code)) return policy;
    throw new IllegalArgumentException("unknown idle policy `" + code + "` (idle_to_active, idle_separate, idle_by_reservation)");
  }
}
