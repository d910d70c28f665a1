package io.jouletrace.cli;

import io.jouletrace.ledger.Ledger;
import io.jouletrace.ledger.report.FocusExport;
import io.jouletrace.ledger.report.PriceTable;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code jouletrace export …}: the ledger in formats other tools import. */
@Command(name = "export", mixinStandardHelpOptions = true, description = "The ledger in formats other tools import.",
    subcommands = {ExportCommand.Focus.class})
final class ExportCommand {

  /** {@code jouletrace export focus}. */
  @Command(name = "focus", mixinStandardHelpOptions = true,
      description = {"FOCUS 1.2 cost and usage CSV (docs/focus.md): one row per charge period, provider, model and sub-account.",
          "Energy, carbon and their provenance are in x_ columns; costs come from the list price stored on each record (0 without one)."})
  static final class Focus implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    LedgerOptions ledgerOptions;

    @Mixin
    ScopeOptions scopeOptions;

    @Option(names = "--period", paramLabel = "P", defaultValue = "day", description = "Charge period: hour, day or month (default ${DEFAULT-VALUE}).")
    String period;

    @Option(names = "--sub-account", paramLabel = "S", defaultValue = "team", description = "Sub-account: team or tenant (default ${DEFAULT-VALUE}).")
    String subAccount;

    @Option(names = "--billing-account", paramLabel = "ID", defaultValue = FocusExport.DEFAULT_BILLING_ACCOUNT,
        description = "BillingAccountId and BillingAccountName: your account with the providers (default ${DEFAULT-VALUE}).")
    String billingAccount;

    @Option(names = "--prices", paramLabel = "FILE",
        description = "Price table CSV (provider,model,input_per_1m_tokens,output_per_1m_tokens,currency) for records written "
            + "without a stored price (before prices were kept); stored prices always win.")
    Path prices;

    @Override
    public Integer call() throws Exception {
      var options = new FocusExport.Options(FocusExport.choice("--period", period, FocusExport.PERIODS),
          FocusExport.choice("--sub-account", subAccount, FocusExport.SUB_ACCOUNTS), billingAccount,
          prices == null ? PriceTable.NONE : PriceTable.read(prices));
      PrintWriter out = spec.commandLine().getOut();
      Optional<ServerApi> server = ledgerOptions.server();
      if (server.isPresent()) {
        if (prices != null) throw new IllegalArgumentException("--prices cannot go through the server's API (it has no price table): stop the server");
        Map<String, String> query = new LinkedHashMap<>(scopeOptions.query());
        query.put("period", period);
        query.put("sub_account", subAccount);
        query.put("billing_account", billingAccount);
        out.print(server.get().getText("/api/export/focus", query));
      } else {
        try (Ledger ledger = ledgerOptions.open()) {
          new FocusExport(ledger.store()).write(scopeOptions.scope(), options, out);
        }
      }
      out.flush();
      return 0;
    }
  }
}
