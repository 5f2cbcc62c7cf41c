package dev.thinly.thin.metadata;

import static org.assertj.core.api.Assertions.assertThat;

import dev.thinly.pdata.io.FileBlockDevice;
import dev.thinly.thin.format.BlockTime;
import dev.thinly.thin.format.DeviceDetails;
import dev.thinly.thin.testkit.ThinTools;
import dev.thinly.thin.tools.Check;
import dev.thinly.thin.tools.CheckOptions;
import dev.thinly.thin.tools.CheckReport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A {@link PoolMetadata} on a file and the {@link PoolModel} it must match: the current state of
 * both, and the model as of the last commit (what abort and reopen return to). {@link
 * #commitAndVerify} is the heart of the model test.
 */
final class PoolUnderTest implements AutoCloseable {
  static final long CACHE = 1L << 20;
  static final long DATA_BLOCKS = 1_000_000;

  final Path file;
  PoolMetadata pm;
  PoolModel model = new PoolModel();
  PoolModel committed = new PoolModel();
  int commits;

  /** Run the installed thin_check every this many commits. */
  private final int toolEvery;

  PoolUnderTest(Path file, int toolEvery) {
    this.file = file;
    this.toolEvery = toolEvery;
    this.pm = PoolMetadata.format(FileBlockDevice.create(file, 16L << 20), 128, DATA_BLOCKS, CACHE);
  }

  /**
   * Allocates a data block, which must be free now and at the last commit (so neither the current
   * nor the committed mappings, nor either's metadata snapshot, may reference it).
   */
  long allocate() {
    long d = pm.allocateDataBlock().orElseThrow();
    assertThat(model.references(d)).as("data block %d allocated while in use", d).isFalse();
    assertThat(committed.references(d))
        .as("data block %d allocated while the last commit uses it", d)
        .isFalse();
    return d;
  }

  void abort() {
    pm.abort();
    model = committed.copy();
  }

  void reopen() {
    pm.close();
    pm = PoolMetadata.open(FileBlockDevice.open(file, false), CACHE, false);
    model = committed.copy();
  }

  void commitAndVerify() {
    pm.commit();
    committed = model.copy();
    commits++;
    verify();
  }

  /** The metadata equals the model, every count is exact, exclusivity is the model's truth. */
  void verify() {
    assertThat(pm.thinIds())
        .containsExactly(model.devices.keySet().stream().mapToLong(Long::longValue).toArray());
    assertThat(pm.transactionId()).isEqualTo(model.transactionId);
    assertThat(pm.time()).isEqualTo(model.time);
    assertThat(pm.heldRoot() != 0).as("a metadata snapshot is held").isEqualTo(model.held != null);
    Map<Long, Integer> refs = model.dataReferences();
    for (Map.Entry<Long, TreeMap<Long, Long>> dev : model.devices.entrySet()) {
      long id = dev.getKey();
      PoolModel.Details want = model.details.get(id);
      assertThat(pm.details(id))
          .isEqualTo(
              new DeviceDetails(
                  dev.getValue().size(),
                  want.transactionId(),
                  want.creationTime(),
                  want.snapshottedTime()));
      TreeMap<Long, Long> found = new TreeMap<>();
      pm.forEachMapping(
          id,
          0,
          (thinBlock, blockTime) -> {
            found.put(thinBlock, blockTime);
            return true;
          });
      assertThat(found).as("mappings of thin device %d", id).isEqualTo(dev.getValue());
      for (Map.Entry<Long, Long> m : dev.getValue().entrySet()) {
        WriteTarget t = pm.lookupForWrite(id, m.getKey());
        assertThat(t.blockTime()).isEqualTo(m.getValue());
        assertThat(t.exclusive())
            .as(
                "thin device %d block %d (data block %d) exclusive",
                id, m.getKey(), BlockTime.dataBlock(m.getValue()))
            .isEqualTo(refs.get(BlockTime.dataBlock(m.getValue())) == 1);
      }
      long beyond = dev.getValue().isEmpty() ? 0 : dev.getValue().lastKey() + 1;
      assertThat(pm.lookup(id, beyond)).isEqualTo(PoolMetadata.NO_MAPPING);
      assertThat(pm.lookupForWrite(id, beyond).mapped()).isFalse();
    }
    List<CheckReport.Problem> problems = new ArrayList<>();
    Check.run(file, CheckOptions.full(), CheckReport.collecting(problems));
    assertThat(problems).as("the check recounts every reference").isEmpty();
    assertThat(HeldSnapshotReader.read(file)).usingRecursiveComparison().isEqualTo(model.held);
    if (commits % toolEvery == 0) {
      ThinTools.Result r = ThinTools.thinCheck(file);
      assertThat(r.exitCode()).as(r.all()).isZero();
      if (model.held != null) {
        ThinTools.Result m = ThinTools.thinCheck(file, "-m");
        assertThat(m.exitCode()).as(m.all()).isZero();
      }
    }
  }

  @Override
  public void close() {
    pm.close();
  }

  @Override
  public String toString() {
    return "pool with devices " + model.devices.keySet() + ", " + commits + " commits";
  }
}
