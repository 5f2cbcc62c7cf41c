package dev.thinly.cli.pool;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code thinly pool}: the commands that act on a pool as a whole. */
@Command(
    name = "pool",
    mixinStandardHelpOptions = true,
    description = "Create a pool, show its state, grow it.",
    subcommands = {PoolCreateCommand.class, PoolStatusCommand.class, PoolGrowCommand.class},
    footer = {
      "",
      "Examples:",
      "  thinly pool create --pool /srv/pool --data-size 500G",
      "  thinly pool status --pool /srv/pool",
      "  thinly pool grow --pool /srv/pool --data-size +100G"
    })
public final class PoolCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
