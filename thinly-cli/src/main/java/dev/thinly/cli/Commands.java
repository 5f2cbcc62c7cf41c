package dev.thinly.cli;

import picocli.CommandLine;

/**
 * Every subcommand of {@code thinly}, in the order {@code --help} lists them. Adding a command is
 * one line here.
 */
final class Commands {
  private Commands() {}

  static void register(CommandLine cl) {
    // metadata tools (thin-provisioning-tools compatible)
    cl.addSubcommand("check", new CheckCommand());
    cl.addSubcommand("delta", new DeltaCommand());
    cl.addSubcommand("metadata-size", new MetadataSizeCommand());
    cl.addSubcommand("message", new MessageCommand());
  }
}
