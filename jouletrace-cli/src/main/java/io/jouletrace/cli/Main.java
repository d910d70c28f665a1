package io.jouletrace.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code jouletrace} command line. */
@Command(name = "jouletrace", mixinStandardHelpOptions = true, version = "jouletrace 0.1.0",
    description = "Energy (Wh) and carbon (gCO2e) of AI calls, with how each figure was derived.",
    subcommands = {EstimateCommand.class, CommandLine.HelpCommand.class})
public final class Main {

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  static CommandLine commandLine() {
    return new CommandLine(new Main());
  }
}
