package dev.thinly.cli.pool;

import dev.thinly.cli.access.PoolAccess;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code thinly delete}. */
@Command(
    name = "delete",
    mixinStandardHelpOptions = true,
    description = {
      "Delete a volume.",
      "",
      "Frees the blocks no other volume shares; its snapshots are unaffected.",
      "A volume in use (e.g. NBD clients connected) is refused unless --force."
    },
    footer = {"", "Examples:", "  thinly delete vm1-before-upgrade", "  thinly delete vm1 --force"})
public final class DeleteCommand extends PoolCommandBase {
  @Parameters(index = "0", paramLabel = "NAME", description = "The volume to delete.")
  String name;

  @Option(names = "--force", description = "Delete even while the volume is in use; its users get errors.")
  boolean force;

  @Override
  public Integer call() {
    try (PoolAccess p = openPool()) {
      p.delete(name, force);
      out().printf("deleted volume '%s'%n", name);
    }
    return 0;
  }
}
