package dev.thinly.pdata.tx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import dev.thinly.pdata.block.BlockManager;
import dev.thinly.pdata.btree.NodeValidator;
import dev.thinly.pdata.error.ReadOnlyException;
import dev.thinly.pdata.error.StorageIoException;
import dev.thinly.pdata.io.BlockDevice;
import dev.thinly.pdata.io.MemoryBlockDevice;
import dev.thinly.pdata.testkit.FaultInjectingBlockDevice;
import dev.thinly.pdata.testkit.FaultInjectingBlockDevice.CrashPolicy;
import dev.thinly.pdata.testkit.PdataFixture;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Power cuts and I/O errors at random write/flush boundaries of random workloads ({@link
 * Workload}). The surviving image (unflushed writes dropped at random, one write possibly torn) is
 * reopened: it must hold the last completed commit, or the commit under way if its superblock
 * reached the media, with well-formed trees and exact reference counts; and it must keep working
 * (a further workload, committed and reopened, checks the same).
 *
 * <p>{@code -Dthinly.crash.seeds=N} scales the run (default 100 seeds, 5 crash points each, plus
 * an I/O error per seed).
 */
class CrashTest {
  static final int SEEDS = Integer.getInteger("thinly.crash.seeds", 100);
  static final int CUTS_PER_SEED = 5;
  static final int OPS = 200;
  static final long CACHE_BYTES = 16 * 4096;

  static MemoryBlockDevice device() {
    return new MemoryBlockDevice("meta", Workload.METADATA_BLOCKS * BlockManager.BLOCK_SIZE);
  }

  @Test
  void powerCutsLeaveTheLastCommitOrTheOneUnderWay() {
    int crashes = 0;
    int[] outcomes = new int[2];
    for (long seed = 0; seed < SEEDS; seed++) {
      long total = operationsOf(seed);
      Random r = new Random(seed * 31 + 1);
      for (int c = 0; c < CUTS_PER_SEED; c++) {
        long cut = 1 + (long) (r.nextDouble() * total);
        CrashPolicy policy =
            switch (r.nextInt(4)) {
              case 0 -> CrashPolicy.LOSE_ALL;
              case 1 -> CrashPolicy.KEEP_ALL;
              default -> CrashPolicy.DEFAULT;
            };
        outcomes[crashAt(seed, cut, r.nextLong(), policy)]++;
        crashes++;
      }
    }
    assertThat(crashes).isGreaterThanOrEqualTo(SEEDS * CUTS_PER_SEED);
    // both outcomes must occur, or the cut points missed the commits
    assertThat(outcomes[0]).isPositive();
    assertThat(outcomes[1]).isPositive();
  }

  @Test
  void ioErrorsLeaveTheLastCommitOrTheOneUnderWay() {
    for (long seed = 0; seed < SEEDS; seed++) {
      Random r = new Random(seed * 17 + 5);
      FaultInjectingBlockDevice dry = new FaultInjectingBlockDevice(device(), seed);
      Workload probe = new Workload(dry, seed, CACHE_BYTES);
      long writes0 = dry.writes();
      long flushes0 = dry.flushes();
      probe.run(OPS);
      boolean failFlush = r.nextBoolean();
      long at =
          failFlush
              ? flushes0 + 1 + (long) (r.nextDouble() * (dry.flushes() - flushes0))
              : writes0 + 1 + (long) (r.nextDouble() * (dry.writes() - writes0));

      FaultInjectingBlockDevice dev = new FaultInjectingBlockDevice(device(), r.nextLong());
      Workload w = new Workload(dev, seed, CACHE_BYTES);
      dev.stickyErrors(true);
      if (failFlush) {
        dev.failFlushAt(at);
      } else {
        dev.failWriteAt(at);
      }
      try {
        w.run(OPS);
        fail("no injected error in seed " + seed);
      } catch (StorageIoException e) {
        assertThat(w.f.bm().isReadOnly()).isTrue();
      }
      List<List<TreeMap<Long, Long>>> acceptable = acceptable(w);
      // the pool cannot write any more after the failure
      assertThatThrownBy(() -> w.f.tm().newBlock(NodeValidator.INSTANCE)).isInstanceOf(ReadOnlyException.class);
      assertThatThrownBy(() -> w.f.commit(w.f.committedRoots())).isInstanceOf(ReadOnlyException.class);
      recoverAndContinue(seed, dev.crash(CrashPolicy.DEFAULT), acceptable);
    }
  }

  /** Device operations of the seed's workload after formatting. */
  private static long operationsOf(long seed) {
    FaultInjectingBlockDevice dev = new FaultInjectingBlockDevice(device(), seed);
    Workload w = new Workload(dev, seed, CACHE_BYTES);
    long before = dev.operations();
    w.run(OPS);
    return dev.operations() - before;
  }

  /** Returns 0 if the image held the last completed commit, 1 if the one under way. */
  private static int crashAt(long seed, long cut, long crashSeed, CrashPolicy policy) {
    FaultInjectingBlockDevice dev = new FaultInjectingBlockDevice(device(), crashSeed);
    Workload w = new Workload(dev, seed, CACHE_BYTES);
    dev.powerCutAt(dev.operations() + cut);
    try {
      w.run(OPS);
      fail("the power cut at " + cut + " did not happen in seed " + seed);
    } catch (FaultInjectingBlockDevice.PowerCut expected) {
      // the machine is off
    }
    try {
      return recoverAndContinue(seed, dev.crash(policy), acceptable(w));
    } catch (AssertionError e) {
      throw new AssertionError("seed " + seed + ", cut at operation " + cut + ", crash seed " + crashSeed + ", " + policy, e);
    }
  }

  /** The last completed commit, and the one under way if any. */
  private static List<List<TreeMap<Long, Long>>> acceptable(Workload crashed) {
    List<List<TreeMap<Long, Long>>> acceptable = new ArrayList<>();
    acceptable.add(crashed.committed);
    if (crashed.inFlight != null) {
      acceptable.add(crashed.inFlight);
    }
    return acceptable;
  }

  private static int recoverAndContinue(
      long seed, BlockDevice image, List<List<TreeMap<Long, Long>>> acceptable) {
    PdataFixture g = PdataFixture.open(image, CACHE_BYTES);
    int match = Workload.checkRecovered(g, acceptable);
    // the recovered pool keeps working: more of the workload, committed, reopened, checked
    Workload again = new Workload(g, acceptable.get(match), seed + 1000);
    again.run(40);
    PdataFixture h = PdataFixture.open(image, CACHE_BYTES);
    Workload.checkRecovered(h, List.of(again.committed));
    return match;
  }
}
