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
    cl.addSubcommand("dump", new dev.thinly.cli.tools.DumpCommand());
    cl.addSubcommand("restore", new dev.thinly.cli.tools.RestoreCommand());
    cl.addSubcommand("ls", new dev.thinly.cli.tools.LsCommand());
    cl.addSubcommand("delta", new DeltaCommand());
    cl.addSubcommand("rmap", new dev.thinly.cli.tools.RmapCommand());
    cl.addSubcommand("metadata-size", new MetadataSizeCommand());
    cl.addSubcommand("message", new MessageCommand());

    // pools and volumes
    cl.addSubcommand(new dev.thinly.cli.pool.PoolCommand());
    cl.addSubcommand(new dev.thinly.cli.pool.CreateCommand());
    cl.addSubcommand(new dev.thinly.cli.pool.SnapshotCommand());
    cl.addSubcommand(new dev.thinly.cli.pool.DeleteCommand());
    cl.addSubcommand(new dev.thinly.cli.pool.ResizeCommand());
    cl.addSubcommand(new dev.thinly.cli.pool.ListCommand());
    cl.addSubcommand(new dev.thinly.cli.pool.ImportCommand());
    cl.addSubcommand(new dev.thinly.cli.pool.ExportCommand());

    // serving
    cl.addSubcommand(new dev.thinly.cli.serve.ServeCommand());
  }
}
