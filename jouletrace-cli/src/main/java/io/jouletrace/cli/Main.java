package io.jouletrace.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code jouletrace} command line. */
@Command(name = "jouletrace", mixinStandardHelpOptions = true, version = "jouletrace 0.1.0",
    description = "Energy (Wh) and carbon (gCO2e) of AI calls, with how each figure was derived.",
    footer = {"", "Beside a running `serve` on the embedded ledger, ingest, keys, verify, head, report summary --json and export focus go "
        + "through its API with JOULETRACE_ADMIN_KEY; other ledger commands exit 5 (docs/server.md)."},
    subcommands = {EstimateCommand.class, IngestCommand.class, VerifyCommand.class, HeadCommand.class, BackfillCommand.class, ImportChainCommand.class,
        AttributeCommand.class, SignalsCommand.class, ReportCommand.class, ExportCommand.class, BudgetCommand.class, ServeCommand.class,
        KeysCommand.class, StreamCommand.class, ExplainCommand.class,
        CommandLine.HelpCommand.class})
public final class Main {

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new Main());
    // A failure the user can act on (unreadable store, wrong key…) is one line naming it, not a stack trace.
    cli.setExecutionExceptionHandler((e, line, parsed) -> {
      line.getErr().println("jouletrace " + line.getCommandName() + ": " + e.getMessage());
      line.getErr().flush();
      return e instanceof LedgerHeldException ? LedgerHeldException.EXIT_CODE : 1;
    });
    CommandLine serve = cli.getSubcommands().get("serve");
    serve.setDefaultValueProvider(new ServeConfiguration(serve.getCommandSpec(), System.getenv()));
    return cli;
  }
}
