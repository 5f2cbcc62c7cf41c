package dev.thinly.thin.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.thinly.pdata.error.NoSpaceException;
import dev.thinly.thin.testkit.ThinTools;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Metadata space running out: provisioning stops with a clear error while a reserve is left, the
 * pool goes read-only but keeps serving reads (and writes that need no new block), the metadata
 * stays consistent, and after the metadata is grown and checked the pool is read-write again.
 */
class MetadataExhaustionTest {
  @TempDir Path dir;

  @Test
  void exhaustedMetadataMakesThePoolReadOnlyUntilGrown() {
    Path poolDir = dir.resolve("pool");
    byte[] block = new byte[64 * 1024];
    Arrays.fill(block, (byte) 7);
    try (ThinPool pool =
        ThinPool.create(
            poolDir,
            PoolCreateOptions.ofSize(256L << 20).withMetadataSize(1L << 20),
            PoolOptions.defaults("test"))) {
      pool.create("base", 64L << 20, Map.of());
      try (Volume base = pool.open("base")) {
        for (int i = 0; i < 64; i++) {
          base.write(i * 1_048_576L, ByteBuffer.wrap(block), false);
        }
      }
      // every clone that writes copies its path: the metadata fills up
      NoSpaceException stopped = null;
      int clones = 0;
      while (stopped == null) {
        try {
          String name = "clone" + clones;
          pool.snapshot("base", name, false);
          clones++;
          try (Volume c = pool.open(name)) {
            for (int i = 0; i < 64; i += 8) {
              c.write(i * 1_048_576L, ByteBuffer.wrap(new byte[512]), false);
            }
          }
        } catch (NoSpaceException e) {
          stopped = e;
        }
      }
      assertThat(stopped.space()).isEqualTo(NoSpaceException.Space.METADATA);
      assertThat(stopped.getMessage()).contains("metadata").contains("pool grow --metadata-size");
      assertThat(clones).isGreaterThan(5);
      try (Volume base = pool.open("base")) {
        ByteBuffer back = ByteBuffer.allocate(block.length);
        base.read(0, back);
        assertThat(back.array()).isEqualTo(block);
        // a write to a new block needs metadata: refused while the pool is short of it
        assertThatThrownBy(() -> base.write(63L << 20, ByteBuffer.wrap(block), false))
            .isInstanceOfAny(NoSpaceException.class, dev.thinly.pdata.error.ReadOnlyException.class);
        assertThat(pool.status().mode()).as(pool.status().modeReason()).isEqualTo("ro");
        pool.grow(0, 8L << 20);
        assertThat(pool.status().mode()).isEqualTo("rw");
        base.write(63L << 20, ByteBuffer.wrap(block), true);
        pool.snapshot("base", "after-growth", false);
      }
    }
    ThinTools.Result r = ThinTools.thinCheck(poolDir.resolve("metadata"));
    assertThat(r.exitCode()).as(r.all()).isZero();
  }
}
