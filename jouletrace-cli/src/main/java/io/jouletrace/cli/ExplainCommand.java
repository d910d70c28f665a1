package io.jouletrace.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jouletrace.ledger.Ledger;
import io.jouletrace.ledger.entry.LedgerEntry;
import io.jouletrace.ledger.report.Explanation;
import java.io.PrintWriter;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code jouletrace explain ID}: the derivation of a stored record's figures, step by step. */
@Command(name = "explain", mixinStandardHelpOptions = true,
    description = {"How each figure of a stored record follows from its inputs: every step with its formula and value "
        + "(parameters and their source, GPUs, the latency used and why, energy per token, PUE, intensity and its source, "
        + "both bounds), for the record's own figure set and each set beside it; a measured set names its attribution run.",
        "Exit status: 0 shown; 1 no record with that id (for that tenant), or the id is stored for several tenants and --tenant names none."})
final class ExplainCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Mixin
  LedgerOptions ledgerOptions;

  @Parameters(paramLabel = "ID", description = "The record's id.")
  String id;

  @Option(names = "--json", description = "Print JSON (the shape of GET /api/invocations/{id}/explain).")
  boolean json;

  @Option(names = "--tenant", paramLabel = "T",
      description = "The tenant whose record ID to explain, where the id is stored for several tenants (empty: the record without one).")
  String tenant;

  @Override
  public Integer call() {
    ObjectNode explanation;
    try (Ledger ledger = ledgerOptions.open()) {
      List<LedgerEntry> found = ledger.store().entries(id).stream()
          .filter(entry -> tenant == null || Objects.equals(entry.record().tenant(), tenant.isEmpty() ? null : tenant))
          .toList();
      if (found.size() != 1) {
        spec.commandLine().getErr().println("jouletrace explain: " + (found.isEmpty() ? "no record with id " + id
            : "id " + id + " is stored for " + found.size() + " tenants (" + found.stream().map(e -> String.valueOf(e.record().tenant()))
                .collect(Collectors.joining(", ")) + "): name one with --tenant"));
        spec.commandLine().getErr().flush();
        return 1;
      }
      LedgerEntry entry = found.getFirst();
      explanation = Explanation.of(ledger, entry, ledger.store().figureSets(entry.seq()));
    }
    PrintWriter out = spec.commandLine().getOut();
    out.print(json ? explanation.toString() + "\n" : Explanation.text(explanation));
    out.flush();
    return 0;
  }
}
