package dev.thinly.pdata.block;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.thinly.pdata.codec.BlockChecksum;
import dev.thinly.pdata.error.CorruptMetadataException;
import dev.thinly.pdata.error.ReadOnlyException;
import dev.thinly.pdata.error.StorageIoException;
import dev.thinly.pdata.io.MemoryBlockDevice;
import dev.thinly.pdata.testkit.FaultInjectingBlockDevice;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class BlockManagerTest {
  static final SaltedValidator A = new SaltedValidator("type a", 11);
  static final SaltedValidator B = new SaltedValidator("type b", 22);
  static final int CAPACITY = 16;

  final MemoryBlockDevice device = new MemoryBlockDevice("meta", 1024L * BlockManager.BLOCK_SIZE);

  /** Writes valid blocks 0..n-1 of type A straight to the device; block i holds i at offset 16. */
  void format(int n) {
    for (int i = 0; i < n; i++) {
      byte[] b = new byte[BlockManager.BLOCK_SIZE];
      b[16] = (byte) i;
      A.prepareForWrite(i, b);
      device.write((long) i * BlockManager.BLOCK_SIZE, ByteBuffer.wrap(b));
    }
  }

  BlockManager small() {
    return new BlockManager(device, CAPACITY * BlockManager.BLOCK_SIZE);
  }

  @Test
  void readsAreValidatedAndCached() {
    format(4);
    BlockManager bm = small();
    assertThat(bm.read(3, A).getByte(16)).isEqualTo((byte) 3);
    assertThat(bm.deviceReads()).isEqualTo(1);
    assertThat(bm.read(3, A).getByte(16)).isEqualTo((byte) 3);
    assertThat(bm.deviceReads()).isEqualTo(1);
    assertThat(bm.nrBlocks()).isEqualTo(1024);
  }

  @Test
  void corruptBlocksAreRefused() {
    format(4);
    device.write(2L * BlockManager.BLOCK_SIZE + 100, ByteBuffer.wrap(new byte[] {1}));
    BlockManager bm = small();
    assertThatThrownBy(() -> bm.read(2, A))
        .isInstanceOf(CorruptMetadataException.class)
        .hasMessageContaining("checksum");
    assertThatThrownBy(() -> bm.read(1, B)).isInstanceOf(CorruptMetadataException.class);
    assertThatThrownBy(() -> bm.read(1024, A))
        .isInstanceOf(CorruptMetadataException.class)
        .hasMessageContaining("beyond");
    assertThat(bm.readUnvalidated(2)[100]).isEqualTo((byte) 1);
  }

  @Test
  void aBlockAtTheWrongLocationIsRefused() {
    format(4);
    byte[] b = new byte[BlockManager.BLOCK_SIZE];
    A.prepareForWrite(7, b);
    device.write(5L * BlockManager.BLOCK_SIZE, ByteBuffer.wrap(b));
    assertThatThrownBy(() -> small().read(5, A))
        .isInstanceOf(CorruptMetadataException.class)
        .hasMessageContaining("block nr");
  }

  @Test
  void aCachedBlockReadAsAnotherTypeIsRefused() {
    format(4);
    BlockManager bm = small();
    bm.read(1, A);
    assertThatThrownBy(() -> bm.read(1, B)).isInstanceOf(CorruptMetadataException.class);
  }

  @Test
  void cleanBlocksStayWithinCapacity() {
    format(200);
    BlockManager bm = small();
    for (int round = 0; round < 3; round++) {
      for (int i = 0; i < 200; i++) {
        assertThat(bm.read(i, A).getByte(16)).isEqualTo((byte) i);
        assertThat(bm.cachedBlocks()).isLessThanOrEqualTo(CAPACITY);
      }
    }
  }

  /**
   * A block made writable while the cache is full must be the cached one: otherwise its changes are
   * invisible to reads and lost when it is locked again.
   */
  @Test
  void aWriteLockedBlockStaysInTheCacheWhenItsLoadFillsTheCache() {
    format(200);
    BlockManager bm = small();
    BlockManager.Writer w = bm.claimWriter();
    for (int i = 0; i < 200; i++) {
      WriteBlock b = w.writeLock(i, A);
      b.putByte(17, (byte) 0x5A);
      assertThat(bm.read(i, A).getByte(17)).as("block %d", i).isEqualTo((byte) 0x5A);
      w.writeBackIfOverCapacity();
    }
    w.flushDirty();
    BlockManager reopened = small();
    for (int i = 0; i < 200; i++) {
      assertThat(reopened.read(i, A).getByte(17)).isEqualTo((byte) 0x5A);
    }
  }

  @Test
  void dirtyBlocksAreNeverEvictedAndCommitsBringTheCacheBackWithinCapacity() {
    format(400);
    BlockManager bm = small();
    BlockManager.Writer w = bm.claimWriter();
    for (int i = 300; i < 400; i++) {
      WriteBlock b = w.newBlock(i, B);
      b.putInt(16, i);
    }
    for (int i = 0; i < 200; i++) {
      bm.read(i, A);
    }
    assertThat(w.dirtyBlocks()).isEqualTo(100);
    for (int i = 300; i < 400; i++) {
      assertThat(bm.read(i, B).getInt(16)).isEqualTo(i);
    }
    assertThat(bm.cachedBlocks()).isLessThanOrEqualTo(100 + CAPACITY);
    w.flushDirty();
    assertThat(w.dirtyBlocks()).isZero();
    assertThat(bm.cachedBlocks()).isLessThanOrEqualTo(CAPACITY);
    BlockManager reopened = small();
    for (int i = 300; i < 400; i++) {
      assertThat(reopened.read(i, B).getInt(16)).isEqualTo(i);
    }
  }

  @Test
  void newBlocksOfAFinishedWriteEvictCleanOnes() {
    format(100);
    BlockManager bm = small();
    BlockManager.Writer w = bm.claimWriter();
    for (int i = 0; i < 100; i++) {
      bm.read(i, A);
    }
    for (int i = 200; i < 300; i++) {
      w.newBlock(i, B).putInt(16, i);
      w.writeBackIfOverCapacity();
      assertThat(bm.cachedBlocks()).isLessThanOrEqualTo(CAPACITY + 1);
    }
  }

  @Test
  void writeBackIfOverCapacityWritesAndKeepsContent() {
    BlockManager bm = small();
    BlockManager.Writer w = bm.claimWriter();
    for (int i = 1; i <= 40; i++) {
      w.newBlock(i, B).putInt(16, i);
    }
    long before = bm.deviceWrites();
    w.writeBackIfOverCapacity();
    assertThat(bm.deviceWrites()).isEqualTo(before + 40);
    assertThat(w.dirtyBlocks()).isZero();
    assertThat(bm.cachedBlocks()).isLessThanOrEqualTo(CAPACITY);
    for (int i = 1; i <= 40; i++) {
      assertThat(bm.read(i, B).getInt(16)).isEqualTo(i);
    }
    // a written-back block locked again is dirty again
    w.writeLock(5, B).putInt(20, 55);
    assertThat(w.dirtyBlocks()).isEqualTo(1);
    w.flushDirty();
    assertThat(small().read(5, B).getInt(20)).isEqualTo(55);
  }

  @Test
  void writeBackStampsChecksumAndLocation() {
    BlockManager bm = small();
    BlockManager.Writer w = bm.claimWriter();
    w.newBlock(9, B).putInt(16, 99);
    w.flushDirty();
    byte[] raw = bm.readUnvalidated(9);
    ByteBuffer onDisk = ByteBuffer.allocate(BlockManager.BLOCK_SIZE);
    device.read(9L * BlockManager.BLOCK_SIZE, onDisk);
    assertThat(onDisk.array()).isEqualTo(raw);
    assertThat(BlockChecksum.saltOf(raw)).isEqualTo(22);
    assertThat(dev.thinly.pdata.codec.LittleEndian.getLong(raw, SaltedValidator.BLOCKNR_OFFSET)).isEqualTo(9);
  }

  @Test
  void invalidateAllForgetsUncommittedChanges() {
    format(4);
    BlockManager bm = small();
    BlockManager.Writer w = bm.claimWriter();
    w.writeLock(2, A).putByte(16, (byte) 77);
    w.invalidateAll();
    assertThat(w.dirtyBlocks()).isZero();
    assertThat(bm.read(2, A).getByte(16)).isEqualTo((byte) 2);
  }

  @Test
  void theWriterIsClaimedOnce() {
    BlockManager bm = small();
    bm.claimWriter();
    assertThatThrownBy(bm::claimWriter).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void newBlocksBeyondTheDeviceAreRefused() {
    BlockManager.Writer w = small().claimWriter();
    assertThatThrownBy(() -> w.newBlock(1024, A)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aWriteErrorMakesTheManagerReadOnly() {
    FaultInjectingBlockDevice faulty = new FaultInjectingBlockDevice(device, 1).failWriteAt(1);
    BlockManager bm = new BlockManager(faulty, CAPACITY * BlockManager.BLOCK_SIZE);
    BlockManager.Writer w = bm.claimWriter();
    w.newBlock(3, A);
    assertThatThrownBy(w::flushDirty).isInstanceOf(StorageIoException.class);
    assertThat(bm.isReadOnly()).isTrue();
    assertThatThrownBy(() -> w.newBlock(4, A)).isInstanceOf(ReadOnlyException.class);
    assertThatThrownBy(w::flushDirty).isInstanceOf(ReadOnlyException.class);
  }

  @Test
  void aFlushErrorMakesTheManagerReadOnly() {
    FaultInjectingBlockDevice faulty = new FaultInjectingBlockDevice(device, 1).failFlushAt(1);
    BlockManager bm = new BlockManager(faulty, CAPACITY * BlockManager.BLOCK_SIZE);
    BlockManager.Writer w = bm.claimWriter();
    w.newBlock(3, A);
    assertThatThrownBy(w::flushDirty).isInstanceOf(StorageIoException.class);
    assertThat(bm.isReadOnly()).as("a failed flush leaves the device state unknown").isTrue();
    assertThatThrownBy(() -> w.writeLock(3, A)).isInstanceOf(ReadOnlyException.class);
  }

  @Test
  void readsStillWorkWhenReadOnly() {
    format(4);
    BlockManager bm = small();
    bm.setReadOnly();
    assertThat(bm.read(1, A).getByte(16)).isEqualTo((byte) 1);
    assertThatThrownBy(() -> bm.claimWriter().newBlock(5, A)).isInstanceOf(ReadOnlyException.class);
  }
}
