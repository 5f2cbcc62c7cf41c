package dev.thinly.pdata.tx;

import static org.assertj.core.api.Assertions.assertThat;

import dev.thinly.pdata.block.BlockManager;
import dev.thinly.pdata.io.MemoryBlockDevice;
import dev.thinly.pdata.testkit.CommitGuardDevice;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * Random workloads on a device that knows which blocks the last committed superblock references:
 * none of them may be written before the next superblock write (shadowing, allocation that skips
 * blocks freed in the transaction, early write-back of a full cache), and every commit writes
 * dirty blocks, flushes, writes the superblock, flushes.
 */
class CommitSafetyTest {
  @Property(tries = 40)
  void nothingTheCommittedStateReferencesIsOverwritten(@ForAll long seed, @ForAll boolean tinyCache) {
    CommitGuardDevice guard =
        new CommitGuardDevice(new MemoryBlockDevice("meta", Workload.METADATA_BLOCKS * BlockManager.BLOCK_SIZE));
    // a tiny cache makes the workload write dirty blocks back early
    Workload w = new Workload(guard, seed, (tinyCache ? 16 : 1024) * 4096L);
    guard.protect(w.committedBlocks());
    long commits = w.commits;
    for (int i = 0; i < 300; i++) {
      w.step();
      if (w.commits != commits) {
        commits = w.commits;
        guard.protect(w.committedBlocks());
      }
    }
    assertThat(guard.violations()).isEmpty();
    assertThat(guard.superblockWrites()).isEqualTo(w.commits);
  }
}
