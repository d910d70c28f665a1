package io.jouletrace.ledger.telemetry;

import io.jouletrace.ledger.ingest.Parsed;
import java.util.List;

/**
 * Everything one input gave: the values in input order and the entries that could not become one,
 * each reported as {@code file:line: field: reason}.
 */
public record Readings<T>(List<T> values, List<Parsed.Rejected> rejected) {

  public Readings {
    values = List.copyOf(values);
    rejected = List.copyOf(rejected);
  }

  /** The rejections as report lines, e.g. {@code meters.csv:7: unit: "J" is an energy unit but kind is power}. */
  public List<String> rejectedLines() {
    return rejected.stream().map(Parsed.Rejected::line).toList();
  }
}
