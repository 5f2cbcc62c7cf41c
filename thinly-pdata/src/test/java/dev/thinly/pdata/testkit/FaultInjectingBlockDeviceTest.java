package dev.thinly.pdata.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.thinly.pdata.error.StorageIoException;
import dev.thinly.pdata.io.BlockDevice;
import dev.thinly.pdata.io.MemoryBlockDevice;
import dev.thinly.pdata.testkit.FaultInjectingBlockDevice.CrashPolicy;
import java.nio.ByteBuffer;
import java.util.Arrays;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class FaultInjectingBlockDeviceTest {
  static byte[] fill(int n, int value) {
    byte[] b = new byte[n];
    Arrays.fill(b, (byte) value);
    return b;
  }

  static byte[] read(BlockDevice d, long offset, int n) {
    ByteBuffer b = ByteBuffer.allocate(n);
    d.read(offset, b);
    return b.array();
  }

  @Test
  void flushedWritesAlwaysSurvive() {
    FaultInjectingBlockDevice d = new FaultInjectingBlockDevice(new MemoryBlockDevice("m", 1 << 20), 1);
    d.write(0, ByteBuffer.wrap(fill(4096, 1)));
    d.flush();
    d.write(0, ByteBuffer.wrap(fill(4096, 2)));
    assertThat(d.unflushedWrites()).isEqualTo(1);
    BlockDevice after = d.crash(CrashPolicy.LOSE_ALL);
    assertThat(read(after, 0, 4096)).containsOnly(1);
  }

  @Test
  void keepAllKeepsEverything() {
    FaultInjectingBlockDevice d = new FaultInjectingBlockDevice(new MemoryBlockDevice("m", 1 << 20), 1);
    d.write(0, ByteBuffer.wrap(fill(4096, 1)));
    d.write(100, ByteBuffer.wrap(fill(10, 2)));
    d.discard(8192, 4096);
    BlockDevice after = d.crash(CrashPolicy.KEEP_ALL);
    byte[] expected = fill(4096, 1);
    Arrays.fill(expected, 100, 110, (byte) 2);
    assertThat(read(after, 0, 4096)).isEqualTo(expected);
  }

  @Test
  void loseAllRestoresOverlappingWritesAndDiscards() {
    MemoryBlockDevice inner = new MemoryBlockDevice("m", 1 << 20);
    inner.write(0, ByteBuffer.wrap(fill(1 << 20, 7)));
    FaultInjectingBlockDevice d = new FaultInjectingBlockDevice(inner, 1);
    d.write(10, ByteBuffer.wrap(fill(5000, 1)));
    d.discard(0, 300_000);
    d.write(4000, ByteBuffer.wrap(fill(100, 3)));
    BlockDevice after = d.crash(CrashPolicy.LOSE_ALL);
    assertThat(read(after, 0, 1 << 20)).containsOnly(7);
  }

  /** Whatever the coin says, each sector holds the value of some prefix-respecting history. */
  @Property(tries = 200)
  void everySectorComesFromTheDurableStateOrAnUnflushedWrite(
      @ForAll long seed, @ForAll @IntRange(min = 1, max = 12) int nrWrites) {
    MemoryBlockDevice inner = new MemoryBlockDevice("m", 64 * 1024);
    FaultInjectingBlockDevice d = new FaultInjectingBlockDevice(inner, seed);
    d.write(0, ByteBuffer.wrap(fill(64 * 1024, 100)));
    d.flush();
    java.util.Random r = new java.util.Random(seed);
    // per sector, the values written to it, in order
    java.util.List<java.util.List<Integer>> history = new java.util.ArrayList<>();
    for (int s = 0; s < 128; s++) {
      history.add(new java.util.ArrayList<>(java.util.List.of(100)));
    }
    for (int w = 1; w <= nrWrites; w++) {
      int firstSector = r.nextInt(120);
      int sectors = 1 + r.nextInt(8);
      d.write(firstSector * 512L, ByteBuffer.wrap(fill(sectors * 512, w)));
      for (int s = firstSector; s < firstSector + sectors; s++) {
        history.get(s).add(w);
      }
    }
    BlockDevice after = d.crash();
    for (int s = 0; s < 128; s++) {
      byte[] sector = read(after, s * 512L, 512);
      int v = sector[0];
      assertThat(sector).as("sector %d is not mixed", s).containsOnly(v);
      assertThat(history.get(s)).as("sector %d", s).contains(v);
    }
  }

  @Test
  void tornWritesLandSomeSectors() {
    int torn = 0;
    for (long seed = 0; seed < 50; seed++) {
      FaultInjectingBlockDevice d = new FaultInjectingBlockDevice(new MemoryBlockDevice("m", 1 << 16), seed);
      d.write(0, ByteBuffer.wrap(fill(32 * 1024, 9)));
      byte[] after = read(d.crash(new CrashPolicy(0, 1)), 0, 32 * 1024);
      long landed = java.util.stream.IntStream.range(0, 64).filter(s -> after[s * 512] == 9).count();
      if (landed > 0 && landed < 64) {
        torn++;
      }
    }
    assertThat(torn).isGreaterThan(40);
  }

  @Test
  void injectedErrorsAtTheNthWriteAndFlush() {
    FaultInjectingBlockDevice d =
        new FaultInjectingBlockDevice(new MemoryBlockDevice("m", 1 << 16), 1).failWriteAt(2).failFlushAt(1);
    d.write(0, ByteBuffer.wrap(fill(10, 1)));
    assertThatThrownBy(() -> d.write(0, ByteBuffer.wrap(fill(10, 2)))).isInstanceOf(StorageIoException.class);
    assertThat(read(d, 0, 10)).containsOnly(1);
    d.write(0, ByteBuffer.wrap(fill(10, 3)));
    assertThatThrownBy(d::flush).isInstanceOf(StorageIoException.class);
    d.flush();
  }

  @Test
  void stickyErrorsKillTheDevice() {
    FaultInjectingBlockDevice d =
        new FaultInjectingBlockDevice(new MemoryBlockDevice("m", 1 << 16), 1).failFlushAt(1).stickyErrors(true);
    assertThatThrownBy(d::flush).isInstanceOf(StorageIoException.class);
    assertThatThrownBy(() -> d.write(0, ByteBuffer.wrap(fill(10, 2)))).isInstanceOf(StorageIoException.class);
    assertThatThrownBy(d::flush).isInstanceOf(StorageIoException.class);
  }

  @Test
  void powerCutStopsAtTheChosenOperation() {
    FaultInjectingBlockDevice d = new FaultInjectingBlockDevice(new MemoryBlockDevice("m", 1 << 16), 1).powerCutAt(3);
    d.write(0, ByteBuffer.wrap(fill(10, 1)));
    d.flush();
    assertThatThrownBy(() -> d.write(0, ByteBuffer.wrap(fill(10, 2)))).isInstanceOf(FaultInjectingBlockDevice.PowerCut.class);
    assertThat(d.powerWasCut()).isTrue();
    assertThatThrownBy(d::flush).isInstanceOf(FaultInjectingBlockDevice.PowerCut.class);
    assertThat(read(d.crash(), 0, 10)).containsOnly(1);
    assertThatThrownBy(d::flush).isInstanceOf(IllegalStateException.class);
  }
}
