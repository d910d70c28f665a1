package io.jouletrace.ledger;

import java.util.List;

/**
 * What {@code jouletrace verify} found.
 *
 * @param firstAlteredSeq the first seq whose hash does not follow from its content and the hash
 *     before it (or the first missing seq), or {@code null} when the chain is intact
 * @param alteration what differs there
 * @param driftExamples the first few records whose stored figures differ from a recomputation
 */
public record VerifyReport(
    long recordsChecked,
    Long firstAlteredSeq,
    String alteration,
    long figuresRecomputed,
    long drift,
    List<String> driftExamples,
    long figureSetsChecked,
    String headHash) {

  public boolean chainIntact() {
    return firstAlteredSeq == null;
  }

  public boolean ok() {
    return chainIntact() && drift == 0;
  }
}
