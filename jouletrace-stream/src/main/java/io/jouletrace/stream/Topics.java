package io.jouletrace.stream;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The topics of the topology (docs/scale-out.md).
 *
 * @param invocations input: invocation records, one JSON object per message (the ledger's record shape)
 * @param figured output: each record with its figures and its place in its partition's chain
 * @param rejected dead letters: input that cannot become a record, with the field at fault
 * @param late dead letters of the aggregates: figured records older than the grace period allows their window
 * @param aggregates output: team × model × hour totals
 * @param heads output: each partition's chain head (seq, hash), published periodically and read by {@code stream verify}
 * @param meters input: meter samples, keyed by node (the partition that holds a span's resources)
 * @param spans input: run spans in the span JSONL format, keyed like their meters
 * @param measured output: each span's measured energy, per window of event time
 * @param roots output: the sealed root over all partitions' heads, published periodically and checked by {@code stream verify}
 */
public record Topics(String invocations, String figured, String rejected, String late, String aggregates, String heads, String meters,
    String spans, String measured, String roots) {

  public static Topics defaults() {
    return new Topics("jouletrace.invocations", "jouletrace.figured", "jouletrace.rejected", "jouletrace.late", "jouletrace.aggregates",
        "jouletrace.heads", "jouletrace.meters", "jouletrace.spans", "jouletrace.measured", "jouletrace.roots");
  }

  /** Every topic, for creating them. */
  public List<String> all() {
    return List.copyOf(byName().values());
  }

  /** Each topic by the name a config file gives it as {@code topic.NAME} (the component names), in declaration order. */
  public Map<String, String> byName() {
    Map<String, String> names = new LinkedHashMap<>();
    names.put("invocations", invocations);
    names.put("figured", figured);
    names.put("rejected", rejected);
    names.put("late", late);
    names.put("aggregates", aggregates);
    names.put("heads", heads);
    names.put("meters", meters);
    names.put("spans", spans);
    names.put("measured", measured);
    names.put("roots", roots);
    return names;
  }

  /** These topics with some renamed: {@code names} maps names of {@link #byName} to topics. */
  public Topics renamed(Map<String, String> names) {
    Map<String, String> t = byName();
    t.putAll(names);
    return new Topics(t.get("invocations"), t.get("figured"), t.get("rejected"), t.get("late"), t.get("aggregates"), t.get("heads"),
        t.get("meters"), t.get("spans"), t.get("measured"), t.get("roots"));
  }
}
