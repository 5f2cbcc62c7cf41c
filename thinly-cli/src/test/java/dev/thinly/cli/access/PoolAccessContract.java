package dev.thinly.cli.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.thinly.pdata.error.InvalidRequestException;
import dev.thinly.pdata.error.NotFoundException;
import dev.thinly.thin.pool.VolumeUsage;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every {@link PoolAccess} must do, whoever holds the pool: run against the local
 * implementation here, and against any other (a control-socket client) by extending this class.
 */
abstract class PoolAccessContract {
  static final long MIB = 1 << 20;

  @TempDir Path tmp;

  /** A fresh pool of 64 MiB data with 64 KiB blocks, reachable through the implementation. */
  abstract PoolAccess newPool(Path dir);

  @Test
  void volumesCanBeCreatedFoundListedResizedAndDeleted() {
    try (PoolAccess pool = newPool(tmp.resolve("pool"))) {
      pool.create("b", 4 * MIB, Map.of("k", "v"));
      pool.create("a", 2 * MIB, Map.of());
      pool.snapshot("b", "b-snap", true);
      assertThat(pool.find("b")).hasValueSatisfying(v -> assertThat(v.labels()).containsEntry("k", "v"));
      assertThat(pool.find("ghost")).isEmpty();
      assertThat(pool.list()).extracting(VolumeUsage::name).containsExactly("a", "b", "b-snap");
      assertThat(pool.resize("a", 3 * MIB, false).sizeBytes()).isEqualTo(3 * MIB);
      pool.delete("b", false);
      assertThat(pool.list()).extracting(VolumeUsage::name).containsExactly("a", "b-snap");
      assertThat(pool.status().volumes()).isEqualTo(2);
      assertThatThrownBy(() -> pool.delete("b", false)).isInstanceOf(NotFoundException.class);
      assertThatThrownBy(() -> pool.find("no/slash")).isInstanceOf(InvalidRequestException.class);
    }
  }

  @Test
  void volumeIoReadsWritesZeroesAndReportsBlockStatus() {
    byte[] data = new byte[(int) (3 * MIB)];
    new Random(1).nextBytes(data);
    try (PoolAccess pool = newPool(tmp.resolve("pool"))) {
      pool.create("v", 4 * MIB, Map.of());
      try (VolumeIo v = pool.open("v")) {
        assertThat(v.blockSizeBytes()).isEqualTo(64 * 1024);
        v.write(0, ByteBuffer.wrap(data));
        v.zero(64 * 1024, 128 * 1024); // two whole blocks: unmapped
        v.zero(1000, 10); // part of a block: zeroed in place
        v.flush();
        ByteBuffer back = ByteBuffer.allocateDirect((int) (4 * MIB));
        v.read(0, back);
        byte[] expected = java.util.Arrays.copyOf(data, (int) (4 * MIB));
        java.util.Arrays.fill(expected, 64 * 1024, 192 * 1024, (byte) 0);
        java.util.Arrays.fill(expected, 1000, 1010, (byte) 0);
        byte[] actual = new byte[expected.length];
        back.flip().get(actual);
        assertThat(actual).isEqualTo(expected);
        List<String> extents = new ArrayList<>();
        v.blockStatus(0, 4 * MIB, (off, len, allocated) -> extents.add(off + "+" + len + (allocated ? " data" : " hole")));
        assertThat(extents)
            .containsExactly(
                "0+65536 data", "65536+131072 hole", "196608+" + (3 * MIB - 196608) + " data",
                3 * MIB + "+" + MIB + " hole");
        // the handle follows a resize of its volume
        pool.resize("v", 8 * MIB, false);
        assertThat(v.sizeBytes()).isEqualTo(8 * MIB);
      }
    }
  }

  @Test
  void growRefusesToShrink() {
    try (PoolAccess pool = newPool(tmp.resolve("pool"))) {
      long data = pool.status().dataBlocksTotal() * pool.status().blockSizeBytes();
      long meta = pool.metadataSizeBytes();
      assertThatThrownBy(() -> pool.grow(0, meta - 4096)).isInstanceOf(InvalidRequestException.class);
      assertThatThrownBy(() -> pool.grow(data / 2, 0)).isInstanceOf(InvalidRequestException.class);
      pool.grow(2 * data, meta + MIB);
      assertThat(pool.status().dataBlocksTotal() * pool.status().blockSizeBytes()).isEqualTo(2 * data);
      assertThat(pool.metadataSizeBytes()).isEqualTo(meta + MIB);
    }
  }
}
