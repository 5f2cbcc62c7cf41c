package dev.thinly.nbd.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.thinly.pdata.error.InvalidRequestException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every writable {@link Export} must do, run against each implementation (like the project's
 * other contract suites).
 */
abstract class ExportContract {
  static final long SIZE = 4L << 20;

  Export export;

  /** A writable export of {@link #SIZE} bytes, all zero. */
  abstract Export create() throws Exception;

  @BeforeEach
  void open() throws Exception {
    export = create();
  }

  @AfterEach
  void closeExport() {
    export.close();
  }

  static byte[] random(int length, long seed) {
    byte[] b = new byte[length];
    new Random(seed).nextBytes(b);
    return b;
  }

  byte[] read(long offset, int length) {
    Sinks.Bytes sink = new Sinks.Bytes(offset, length);
    export.read(offset, length, sink);
    assertThat(sink.complete()).as("the read covers the range").isTrue();
    return sink.bytes;
  }

  @Test
  void readsWhatWasWritten() {
    byte[] data = random(10_000, 1);
    export.write(12_345, ByteBuffer.wrap(data), false);
    assertThat(read(12_345, data.length)).isEqualTo(data);
    assertThat(read(12_345 + 100, 50)).isEqualTo(java.util.Arrays.copyOfRange(data, 100, 150));
  }

  @Test
  void freshExportsReadAsZeroes() {
    assertThat(read(SIZE - 8192, 8192)).containsOnly(0);
  }

  @Test
  void writesConsumeTheBuffer() {
    ByteBuffer data = ByteBuffer.wrap(random(4096, 2));
    export.write(0, data, true);
    assertThat(data.hasRemaining()).isFalse();
  }

  @Test
  void zeroingMakesTheRangeReadAsZeroes() {
    export.write(0, ByteBuffer.wrap(random(64 * 1024, 3)), false);
    export.writeZeroes(1000, 40_000, false, false, false);
    byte[] after = read(0, 64 * 1024);
    assertThat(java.util.Arrays.copyOfRange(after, 1000, 41_000)).containsOnly(0);
    assertThat(after[999]).isEqualTo(random(64 * 1024, 3)[999]);
    assertThat(after[41_000]).isEqualTo(random(64 * 1024, 3)[41_000]);
    export.writeZeroes(0, 8192, true, false, true);
    assertThat(read(0, 8192)).containsOnly(0);
  }

  @Test
  void flushAndTrimSucceed() {
    export.write(0, ByteBuffer.wrap(random(4096, 4)), false);
    export.flush();
    export.trim(0, 4096, false);
    export.cache(0, 4096);
  }

  @Test
  void blockStatusCoversTheRange() {
    export.write(8192, ByteBuffer.wrap(random(4096, 5)), false);
    Sinks.Extents extents = new Sinks.Extents();
    export.blockStatus(0, 65536, extents);
    assertThat(extents.total()).isGreaterThanOrEqualTo(65536);
    Sinks.Extents one = new Sinks.Extents(1);
    export.blockStatus(4096, 8192, one);
    assertThat(one.extents).hasSize(1);
  }

  @Test
  void rangesBeyondTheEndAreRefused() {
    assertThatThrownBy(() -> export.read(SIZE - 1, 2, new Sinks.Bytes(SIZE - 1, 2)))
        .isInstanceOf(InvalidRequestException.class);
    assertThatThrownBy(() -> export.write(SIZE, ByteBuffer.allocate(1), false))
        .isInstanceOf(InvalidRequestException.class);
  }

  @Test
  void concurrentWritesToDisjointRangesAllLand() throws Exception {
    int writers = 8;
    int chunk = 16 * 1024;
    List<Callable<Void>> tasks = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      int id = w;
      tasks.add(
          () -> {
            for (int i = 0; i < 16; i++) {
              // interleaved, partly page-unaligned ranges: writer id owns every 8th slot
              long offset = (long) (i * writers + id) * chunk + 100;
              export.write(offset, ByteBuffer.wrap(random(chunk, offset)), false);
            }
            return null;
          });
    }
    try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (Future<Void> f : pool.invokeAll(tasks)) {
        f.get();
      }
    }
    for (int slot = 0; slot < 16 * writers; slot++) {
      long offset = (long) slot * chunk + 100;
      assertThat(read(offset, chunk)).as("slot %d", slot).isEqualTo(random(chunk, offset));
    }
  }

  @Test
  void describesItself() {
    assertThat(export.sizeBytes()).isEqualTo(SIZE);
    assertThat(export.readOnly()).isFalse();
    assertThat(export.capabilities())
        .contains(ExportCapability.FLUSH, ExportCapability.WRITE_ZEROES);
  }
}
