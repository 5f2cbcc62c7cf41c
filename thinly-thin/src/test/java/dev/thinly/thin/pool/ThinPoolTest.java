package dev.thinly.thin.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.thinly.pdata.error.BusyException;
import dev.thinly.pdata.error.InvalidRequestException;
import dev.thinly.pdata.error.NoSpaceException;
import dev.thinly.pdata.error.ReadOnlyException;
import dev.thinly.pdata.io.FileBlockDevice;
import dev.thinly.thin.testkit.ThinTools;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ThinPoolTest {
  @TempDir Path dir;

  private ThinPool create(long dataBytes) {
    return ThinPool.create(dir.resolve("pool"), PoolCreateOptions.ofSize(dataBytes), PoolOptions.defaults("test"));
  }

  private static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  private static byte[] read(Volume v, long offset, int len) {
    ByteBuffer b = ByteBuffer.allocate(len);
    v.read(offset, b);
    return b.array();
  }

  @Test
  void writesReadBackAndSnapshotsKeepTheirContents() {
    byte[] a = random(300_000, 1);
    byte[] b = random(5000, 2);
    try (ThinPool pool = create(64L << 20)) {
      pool.create("vol", 16L << 20, Map.of());
      try (Volume v = pool.open("vol")) {
        assertThat(read(v, 0, 4096)).containsOnly(0);
        v.write(1000, ByteBuffer.wrap(a), false);
        assertThat(read(v, 1000, a.length)).isEqualTo(a);
        assertThat(read(v, 0, 1000)).containsOnly(0);
        pool.snapshot("vol", "snap", false);
        v.write(70_000, ByteBuffer.wrap(b), true);
        try (Volume s = pool.open("snap")) {
          assertThat(read(s, 1000, a.length)).isEqualTo(a);
          byte[] expected = a.clone();
          System.arraycopy(b, 0, expected, 69_000, b.length);
          assertThat(read(v, 1000, a.length)).isEqualTo(expected);
        }
      }
      assertThat(pool.list()).hasSize(2);
    }
    ThinTools.Result r = ThinTools.thinCheck(dir.resolve("pool/metadata"));
    assertThat(r.exitCode()).as(r.all()).isZero();
    try (ThinPool pool = ThinPool.open(dir.resolve("pool"), PoolOptions.defaults("test"))) {
      try (Volume s = pool.open("snap")) {
        assertThat(read(s, 1000, a.length)).isEqualTo(a);
      }
      pool.delete("vol", false);
      assertThat(pool.list()).extracting(VolumeUsage::name).containsExactly("snap");
    }
    r = ThinTools.thinCheck(dir.resolve("pool/metadata"));
    assertThat(r.exitCode()).as(r.all()).isZero();
  }

  @Test
  void discardUnmapsWholeBlocksAndZeroesRead() {
    try (ThinPool pool = create(64L << 20)) {
      pool.create("vol", 1L << 20, Map.of());
      try (Volume v = pool.open("vol")) {
        v.write(0, ByteBuffer.wrap(random(1 << 20, 3)), false);
        v.discard(1000, 200_000, false);
        byte[] all = read(v, 0, 1 << 20);
        // blocks 1 and 2 (65536..196607) are whole inside the range: zero; the rest untouched
        for (int i = 65536; i < 196608; i++) {
          assertThat(all[i]).isZero();
        }
        assertThat(all[1000]).isEqualTo(random(1 << 20, 3)[1000]);
        v.writeZeroes(10, 20, false, false);
        assertThat(read(v, 10, 20)).containsOnly(0);
        long[] allocated = {0};
        v.blockStatus(0, 1 << 20, (off, len, alloc) -> allocated[0] += alloc ? len : 0);
        assertThat(allocated[0]).isEqualTo((1 << 20) - 2 * 65536);
      }
    }
  }

  /** The metadata file has its storage from the start (a commit never allocates on the host). */
  @Test
  void theMetadataFileIsAllocatedWholeAtCreateAndGrow() {
    Path metadata = dir.resolve("pool").resolve("metadata");
    Path data = dir.resolve("pool").resolve("data");
    try (ThinPool pool = create(256L << 20)) {
      try (FileBlockDevice m = FileBlockDevice.open(metadata, true)) {
        assertThat(m.allocatedBytes()).isEqualTo(m.sizeBytes());
      }
      try (FileBlockDevice d = FileBlockDevice.open(data, true)) {
        assertThat(d.allocatedBytes()).as("the data file stays thin").isLessThan(d.sizeBytes() / 2);
      }
      pool.grow(0, pool.metadataSizeBytes() + (8L << 20));
      try (FileBlockDevice m = FileBlockDevice.open(metadata, true)) {
        assertThat(m.allocatedBytes()).isEqualTo(m.sizeBytes());
      }
    }
  }

  @Test
  void writesLongerThanOneBatchGoInPieces() {
    int len = 40 << 20; // more than 512 blocks of 64 KiB
    byte[] data = random(len, 9);
    try (ThinPool pool = create(128L << 20)) {
      pool.create("big", 48L << 20, Map.of());
      try (Volume v = pool.open("big")) {
        v.write(4096 + 7, ByteBuffer.wrap(data), false);
        assertThat(read(v, 4096 + 7, len)).isEqualTo(data);
        v.writeZeroes(100, len, true, false);
        // not containsOnly(0): AssertJ boxes every byte, which takes a gigabyte of heap here
        assertThat(java.util.Arrays.equals(read(v, 100, len), new byte[len])).as("zeros after write-zeroes").isTrue();
        long[] allocated = {0};
        v.blockStatus(0, 48L << 20, (off, l, alloc) -> allocated[0] += alloc ? l : 0);
        assertThat(allocated[0]).isGreaterThanOrEqualTo(len);
      }
    }
  }

  @Test
  void errorsAreClear() {
    try (ThinPool pool = create(256 * 1024)) {
      assertThatThrownBy(() -> pool.create("bad name", 4096, Map.of())).isInstanceOf(InvalidRequestException.class);
      pool.create("vol", 1L << 20, Map.of());
      pool.snapshot("vol", "ro", true);
      try (Volume v = pool.open("vol"); Volume ro = pool.open("ro")) {
        assertThatThrownBy(() -> ro.write(0, ByteBuffer.allocate(10), false)).isInstanceOf(ReadOnlyException.class);
        assertThatThrownBy(() -> v.write(1L << 20, ByteBuffer.allocate(10), false)).isInstanceOf(InvalidRequestException.class);
        v.write(0, ByteBuffer.wrap(random(4 * 65536, 4)), false);
        assertThatThrownBy(() -> v.write(4 * 65536, ByteBuffer.wrap(random(65536, 5)), false))
            .isInstanceOf(NoSpaceException.class)
            .hasMessageContaining("out of data space");
        assertThatThrownBy(() -> pool.delete("vol", false)).isInstanceOf(BusyException.class);
        pool.grow(1L << 20, 0);
        v.write(4 * 65536, ByteBuffer.wrap(random(65536, 5)), false);
        assertThat(pool.status().mode()).isEqualTo("rw");
      }
    }
    ThinTools.Result r = ThinTools.thinCheck(dir.resolve("pool/metadata"));
    assertThat(r.exitCode()).as(r.all()).isZero();
  }
}
