package io.jouletrace.ledger;

import java.util.List;

/**
 * What {@code jouletrace verify} found.
 *
 * @param firstAlteredSeq the first seq whose hash does not follow from its content and the hash
 *     before it (or the first missing seq), or {@code null} when the chain is intact
 * @param alteration what differs there
 * @param driftExamples the first few records whose stored figures differ from a recomputation
 * @param firstAlteredId the id of the record at {@code firstAlteredSeq}; null when the chain is intact or that seq is missing
 * @param derived the derived tables (the reports' daily rollup, the stream aggregates) checked against the records
 * @param expectedHead the checkpoint verify was asked to find the ledger extending; null when none was given
 * @param otherDatasets figures that name dataset releases other than the bundled ones, so were not recomputed
 * @param chains each chain walked (docs/ledger.md, "Many writers: one chain each"), by name: the default chain alone for a
 *     ledger one writer made
 * @param roots the sealed roots over the chains' heads, each checked
 */
public record VerifyReport(
    long recordsChecked,
    Long firstAlteredSeq,
    String alteration,
    long figuresRecomputed,
    long drift,
    List<String> driftExamples,
    long figureSetsChecked,
    String headHash,
    String firstAlteredId,
    Derived derived,
    HeadCheck expectedHead,
    OtherDatasets otherDatasets,
    List<ChainCheck> chains,
    Roots roots) {

  public VerifyReport {
    chains = List.copyOf(chains);
  }

  /**
   * One chain: its name ({@code ""} for the default chain), how many records it holds, its head (position and hash)
   * and its first break.
   *
   * @param brokenAtSeq the ledger seq of the record where the chain first breaks; null when intact (or when the break is a
   *     root naming a head the chain no longer holds)
   * @param problem what breaks there; null when intact
   */
  public record ChainCheck(String chain, long records, long headSeq, String headHash, Long brokenAtSeq, String problem) {
    public boolean intact() {
      return problem == null;
    }
  }

  /**
   * The sealed roots: how many were checked, whether their signatures were (a ledger key was given), and each that fails:
   * not signed by the key, its hash not following from the heads it names, or a named head not on its chain.
   */
  public record Roots(long checked, boolean signed, List<String> problems) {
    public static final Roots NONE = new Roots(0, false, List.of());

    public Roots {
      problems = List.copyOf(problems);
    }

    public boolean ok() {
      return problems.isEmpty();
    }
  }

  /**
   * Figures made with dataset releases that are no longer bundled (docs/zones.md, "Dataset releases"): not drift, and
   * not compared, since the data that made them is not here to recompute with.
   *
   * @param examples the first few, each naming the stored and the bundled releases
   */
  public record OtherDatasets(long figures, List<String> examples) {
    public OtherDatasets {
      examples = List.copyOf(examples);
    }
  }

  public boolean chainIntact() {
    return firstAlteredSeq == null;
  }

  public boolean ok() {
    return chainIntact() && drift == 0 && derived.ok() && (expectedHead == null || expectedHead.ok()) && roots.ok()
        && chains.stream().allMatch(ChainCheck::intact);
  }

  /**
   * The derived tables against the records (docs/ledger.md).
   *
   * @param rollupThroughSeq the records the daily rollup says it covers
   * @param rollupStale the rollup predates a measured figure set, so the next summary rebuilds it; not compared
   * @param rollupGroupsCompared day × scope × tier groups compared
   * @param streamRowsChecked stream aggregate rows checked
   * @param streamRowsPartial of them, rows whose hour holds more records than they count (late for the stream, or
   *     stored another way): checked only not to exceed the records
   * @param differences how many rows differ; {@code examples} names the first few
   */
  public record Derived(long rollupThroughSeq, boolean rollupStale, long rollupGroupsCompared, long streamRowsChecked,
      long streamRowsPartial, long differences, List<Difference> examples) {
    public Derived {
      examples = List.copyOf(examples);
    }

    public boolean ok() {
      return differences == 0;
    }
  }

  /**
   * A derived row that does not follow from the records.
   *
   * @param table {@code report_rollup_day}, {@code report_rollup_state} or {@code stream_aggregates}
   * @param row the row's key, e.g. {@code day=2026-11-03 tenant=acme model=gpt-4o …}
   * @param field the column that differs
   * @param expected what the records give; null when they give no such row
   * @param stored what the table holds; null when it has no such row
   */
  public record Difference(String table, String row, String field, String expected, String stored) {
    @Override
    public String toString() {
      return table + " " + row + ": " + field + " " + (expected == null ? "has no records behind it" : "expected " + expected) + ", "
          + (stored == null ? "no row stored" : "stored " + stored);
    }
  }

  /**
   * Whether the ledger still extends a checkpoint: it holds the record at {@code seq} with {@code hash}.
   *
   * @param problem why not (the seq is missing, its hash differs, or the checkpoint itself was refused); null when it does
   */
  public record HeadCheck(long seq, String hash, String problem) {
    public boolean ok() {
      return problem == null;
    }
  }
}
