package dev.thinly.thin.metadata;

import static org.assertj.core.api.Assertions.assertThat;

import dev.thinly.pdata.io.FileBlockDevice;
import dev.thinly.thin.testkit.ThinTools;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PoolMetadataToolsTest {
  @TempDir Path dir;

  @Test
  void formattedPoolPassesThinCheck() {
    Path meta = dir.resolve("meta");
    try (PoolMetadata pm = PoolMetadata.format(FileBlockDevice.create(meta, 4 << 20), 128, 1000, 1 << 20)) {
      assertThat(pm.thinIds()).isEmpty();
    }
    ThinTools.Result r = ThinTools.thinCheck(meta);
    assertThat(r.exitCode()).as(r.all()).isZero();
    assertThat(ThinTools.thinDump(meta).stdout())
        .isEqualTo(
            "<superblock uuid=\"\" time=\"0\" transaction=\"0\" flags=\"0\" version=\"2\" data_block_size=\"128\" nr_data_blocks=\"1000\">\n</superblock>\n");
  }

  @Test
  void thinsSnapshotsAndMappingsPassThinCheck() {
    Path meta = dir.resolve("meta");
    try (PoolMetadata pm = PoolMetadata.format(FileBlockDevice.create(meta, 16 << 20), 128, 100_000, 1 << 20)) {
      pm.createThin(0);
      for (int i = 0; i < 5000; i++) {
        long b = pm.allocateDataBlock().orElseThrow();
        pm.insert(0, i * 3L, b);
      }
      pm.commit();
      pm.createSnap(1, 0);
      pm.commit();
      for (int i = 0; i < 100; i++) {
        long b = pm.allocateDataBlock().orElseThrow();
        pm.insert(1, i * 7L, b);
      }
      pm.createSnap(2, 1);
      pm.removeRange(0, 100, 2000);
      pm.commit();
      pm.reserveMetadataSnap();
      pm.commit();
      pm.createThin(7);
      pm.insert(7, 42, pm.allocateDataBlock().orElseThrow());
      pm.deleteThin(1);
      pm.setTransactionId(0, 5);
      pm.commit();
    }
    ThinTools.Result r = ThinTools.thinCheck(meta);
    assertThat(r.exitCode()).as(r.all()).isZero();
    ThinTools.Result m = ThinTools.thinCheck(meta, "-m");
    assertThat(m.exitCode()).as(m.all()).isZero();
    ThinTools.Result d = ThinTools.thinDump(meta);
    assertThat(d.exitCode()).as(d.all()).isZero();
    assertThat(d.stdout()).contains("dev_id=\"7\"").contains("dev_id=\"2\"").doesNotContain("dev_id=\"1\"");
  }
}
