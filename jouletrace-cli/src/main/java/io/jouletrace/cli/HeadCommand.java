package io.jouletrace.cli;

import io.jouletrace.ledger.Checkpoint;
import io.jouletrace.ledger.Ledger;
import java.io.PrintWriter;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code jouletrace head}: a checkpoint of the ledger's head to keep outside the store (docs/ledger.md). */
@Command(name = "head", mixinStandardHelpOptions = true,
    description = {"Print a checkpoint of the ledger's head: its seq, hash and the time, and an HMAC over them with the ledger key "
        + "when the ledger has one:",
        "  checkpoint seq=SEQ hash=HASH at=TIME [hmac=HMAC]",
        "Keep it outside the store (another machine, a ticket, a log). The chain alone cannot show that its newest records were "
            + "deleted; `jouletrace verify --expect-head-file FILE` fails when the ledger no longer extends the checkpoint."})
final class HeadCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Mixin
  LedgerOptions ledgerOptions;

  @Option(names = "--json", description = "Print {\"seq\", \"hash\", \"at\", \"hmac\"} instead (hmac null without a ledger key).")
  boolean json;

  @Override
  public Integer call() {
    Checkpoint checkpoint;
    Optional<ServerApi> server = ledgerOptions.server();
    if (server.isPresent()) {
      checkpoint = Checkpoint.parse(server.get().getText("/api/ledger/head", Map.of()), "GET /api/ledger/head");
    } else {
      try (Ledger ledger = ledgerOptions.open()) {
        checkpoint = ledger.checkpoint();
      }
    }
    PrintWriter out = spec.commandLine().getOut();
    out.println(json ? checkpoint.json().toString() : checkpoint.text());
    out.flush();
    return 0;
  }
}
