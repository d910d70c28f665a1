package io.jouletrace.cli;

import io.jouletrace.ledger.Ledger;
import io.jouletrace.server.ApiKeys;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code jouletrace keys}: API keys of the server. */
@Command(name = "keys", mixinStandardHelpOptions = true, description = "API keys of `jouletrace serve`.", subcommands = KeysCommand.Create.class)
final class KeysCommand {

  /** {@code jouletrace keys create --admin | --tenant T}. */
  @Command(name = "create", mixinStandardHelpOptions = true,
      description = {"Make an API key and print it once (only its SHA-256 is stored).",
          "An admin key sees everything; a tenant key sees and writes only its tenant."})
  static final class Create implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    LedgerOptions ledgerOptions;

    static final class Role {
      @Option(names = "--admin", required = true, description = "An admin key.")
      boolean admin;

      @Option(names = "--tenant", required = true, paramLabel = "T", description = "A key limited to tenant T.")
      String tenant;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Role role;

    @Option(names = "--label", paramLabel = "TEXT", description = "What the key is for (stored beside its hash).")
    String label;

    @Override
    public Integer call() {
      String key;
      try (Ledger ledger = ledgerOptions.open()) {
        key = new ApiKeys(ledger.store(), null).create(role.admin ? null : role.tenant, label);
      }
      spec.commandLine().getOut().println(key);
      spec.commandLine().getOut().flush();
      return 0;
    }
  }
}
