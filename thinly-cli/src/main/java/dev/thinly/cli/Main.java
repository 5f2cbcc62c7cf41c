package dev.thinly.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code thinly} command: the one entry point of the distribution.
 *
 * <p>Every subcommand is a thin adapter: it parses its arguments, calls a library, and maps the
 * outcome to an exit code through {@link ExitCodes}. Nothing below this package calls {@code
 * System.exit}.
 */
@Command(
    name = "thinly",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
      "Thin provisioning and snapshots in userspace, on the Linux dm-thin metadata format.",
      ""
    },
    footer = {
      "",
      "Examples:",
      "  thinly check /path/to/metadata",
      "  thinly dump -f xml /path/to/metadata > pool.xml",
      "",
      "Run 'thinly COMMAND --help' for the options of a command."
    },
    subcommands = {CommandLine.HelpCommand.class})
public final class Main implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Builds the command line with all subcommands and the shared error handling. */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Main());
    Commands.register(cl);
    return ExitCodes.install(cl);
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }
}
