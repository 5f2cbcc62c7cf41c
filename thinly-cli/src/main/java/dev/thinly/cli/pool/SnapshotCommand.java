package dev.thinly.cli.pool;

import dev.thinly.cli.access.PoolAccess;
import dev.thinly.thin.pool.VolumeInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code thinly snapshot}. */
@Command(
    name = "snapshot",
    mixinStandardHelpOptions = true,
    description = {
      "Snapshot a volume, in constant time.",
      "",
      "The snapshot shares every block with its source until one of them",
      "writes it. It is a writable clone unless --read-only."
    },
    footer = {"", "Examples:", "  thinly snapshot vm1 vm1-before-upgrade --read-only", "  thinly snapshot base-debian vm2"})
public final class SnapshotCommand extends PoolCommandBase {
  @Parameters(index = "0", paramLabel = "SOURCE", description = "The volume to snapshot.")
  String source;

  @Parameters(index = "1", paramLabel = "NAME", description = "The new snapshot's name.")
  String name;

  @Option(names = "--read-only", description = "Make the snapshot read-only.")
  boolean readOnly;

  @Override
  public Integer call() {
    try (PoolAccess p = openPool()) {
      VolumeInfo v = p.snapshot(source, name, readOnly);
      out().printf(
          "created %ssnapshot '%s' of '%s' (thin id %d)%n", readOnly ? "read-only " : "", v.name(), source, v.thinId());
    }
    return 0;
  }
}
