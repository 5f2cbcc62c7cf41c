package dev.thinly.pdata.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.thinly.pdata.error.StorageIoException;
import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@link BlockDevice} contract, run against every implementation: positional reads and
 * writes of any size and alignment, flush, discard reading back zeros, growth, and allocated bytes
 * shrinking after a discard.
 */
abstract class BlockDeviceContract {
  static final long SIZE_BYTES = 1 << 20;

  BlockDevice device;

  /** A fresh, zero-filled, growable device of {@code sizeBytes}. */
  abstract BlockDevice create(long sizeBytes) throws Exception;

  @BeforeEach
  void setUp() throws Exception {
    device = create(SIZE_BYTES);
  }

  @AfterEach
  void tearDown() {
    device.close();
  }

  static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  byte[] read(long offset, int n) {
    ByteBuffer b = ByteBuffer.allocate(n);
    device.read(offset, b);
    assertThat(b.hasRemaining()).as("read fills the buffer").isFalse();
    return b.array();
  }

  @Test
  void aNewDeviceReadsZeros() {
    assertThat(device.sizeBytes()).isEqualTo(SIZE_BYTES);
    assertThat(read(0, 8192)).containsOnly(0);
    assertThat(read(SIZE_BYTES - 4096, 4096)).containsOnly(0);
  }

  @Test
  void writesReadBackAtAnyOffsetAndSize() {
    byte[] a = random(4096, 1);
    byte[] b = random(777, 2);
    byte[] c = random(200_000, 3);
    device.write(4096, ByteBuffer.wrap(a));
    device.write(12_345, ByteBuffer.wrap(b));
    device.write(SIZE_BYTES - c.length, ByteBuffer.wrap(c));
    assertThat(read(4096, 4096)).isEqualTo(a);
    assertThat(read(12_345, 777)).isEqualTo(b);
    assertThat(read(SIZE_BYTES - c.length, c.length)).isEqualTo(c);
    assertThat(read(0, 4096)).containsOnly(0);
  }

  @Test
  void writeConsumesTheBufferAndHonoursItsPosition() {
    byte[] a = random(100, 4);
    ByteBuffer src = ByteBuffer.wrap(a, 10, 50);
    device.write(0, src);
    assertThat(src.hasRemaining()).isFalse();
    byte[] back = read(0, 50);
    assertThat(back).isEqualTo(java.util.Arrays.copyOfRange(a, 10, 60));
  }

  @Test
  void overwritesReplaceOnlyTheirRange() {
    device.write(0, ByteBuffer.wrap(random(8192, 5)));
    byte[] patch = random(100, 6);
    device.write(1000, ByteBuffer.wrap(patch));
    byte[] all = read(0, 8192);
    byte[] expected = random(8192, 5);
    System.arraycopy(patch, 0, expected, 1000, 100);
    assertThat(all).isEqualTo(expected);
  }

  @Test
  void flushKeepsTheContent() {
    byte[] a = random(4096, 7);
    device.write(0, ByteBuffer.wrap(a));
    device.flush();
    assertThat(read(0, 4096)).isEqualTo(a);
  }

  @Test
  void discardedRangesReadAsZeros() {
    device.write(0, ByteBuffer.wrap(random((int) SIZE_BYTES, 8)));
    device.discard(65536, 131072); // aligned
    device.discard(5000, 100); // unaligned, inside a block
    assertThat(read(65536, 131072)).containsOnly(0);
    assertThat(read(5000, 100)).containsOnly(0);
    byte[] expected = random((int) SIZE_BYTES, 8);
    assertThat(read(4900, 100)).isEqualTo(java.util.Arrays.copyOfRange(expected, 4900, 5000));
    assertThat(read(5100, 100)).isEqualTo(java.util.Arrays.copyOfRange(expected, 5100, 5200));
    assertThat(read(65536 + 131072, 10))
        .isEqualTo(java.util.Arrays.copyOfRange(expected, 65536 + 131072, 65536 + 131082));
    device.discard(0, 0);
  }

  @Test
  void allocatedBytesShrinkAfterDiscard() {
    device.write(0, ByteBuffer.wrap(random((int) SIZE_BYTES, 9)));
    device.flush();
    long before = device.allocatedBytes();
    if (before < 0) {
      return; // the device cannot tell
    }
    assertThat(before).isGreaterThanOrEqualTo(SIZE_BYTES / 2);
    device.discard(0, SIZE_BYTES / 2);
    device.flush();
    assertThat(device.allocatedBytes()).isLessThanOrEqualTo(before - SIZE_BYTES / 4);
  }

  @Test
  void growExtendsWithZeros() {
    device.write(SIZE_BYTES - 4, ByteBuffer.wrap(new byte[] {1, 2, 3, 4}));
    assertThat(device.growable()).isTrue();
    device.grow(3 * SIZE_BYTES);
    assertThat(device.sizeBytes()).isEqualTo(3 * SIZE_BYTES);
    assertThat(read(SIZE_BYTES - 4, 4)).containsExactly(1, 2, 3, 4);
    assertThat(read(SIZE_BYTES, 8192)).containsOnly(0);
    byte[] a = random(4096, 10);
    device.write(3 * SIZE_BYTES - 4096, ByteBuffer.wrap(a));
    assertThat(read(3 * SIZE_BYTES - 4096, 4096)).isEqualTo(a);
    device.grow(SIZE_BYTES); // never shrinks
    assertThat(device.sizeBytes()).isEqualTo(3 * SIZE_BYTES);
  }

  @Test
  void accessBeyondTheEndFails() {
    assertThatThrownBy(() -> device.read(SIZE_BYTES - 10, ByteBuffer.allocate(11)))
        .isInstanceOf(StorageIoException.class);
    assertThatThrownBy(() -> device.write(SIZE_BYTES, ByteBuffer.allocate(1)))
        .isInstanceOf(StorageIoException.class);
    assertThatThrownBy(() -> device.read(-1, ByteBuffer.allocate(1)))
        .isInstanceOf(StorageIoException.class);
    assertThatThrownBy(() -> device.discard(SIZE_BYTES - 1, 2))
        .isInstanceOf(StorageIoException.class);
    device.read(SIZE_BYTES, ByteBuffer.allocate(0));
  }

  @Test
  void concurrentPositionalWritesDoNotInterfere() throws Exception {
    int threads = 4;
    Thread[] ts = new Thread[threads];
    for (int t = 0; t < threads; t++) {
      int id = t;
      ts[t] =
          Thread.ofPlatform()
              .start(
                  () -> {
                    for (int i = 0; i < 32; i++) {
                      long off = (long) (i * threads + id) * 4096;
                      device.write(off, ByteBuffer.wrap(random(4096, off)));
                    }
                  });
    }
    for (Thread t : ts) {
      t.join();
    }
    for (long off = 0; off < 128 * 4096; off += 4096) {
      assertThat(read(off, 4096)).isEqualTo(random(4096, off));
    }
  }
}
