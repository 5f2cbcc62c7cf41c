package dev.thinly.pdata.tx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.thinly.pdata.block.BlockManager;
import dev.thinly.pdata.block.WriteBlock;
import dev.thinly.pdata.btree.BTree;
import dev.thinly.pdata.btree.NodeValidator;
import dev.thinly.pdata.btree.ValueType;
import dev.thinly.pdata.error.CorruptMetadataException;
import dev.thinly.pdata.error.NoSpaceException;
import dev.thinly.pdata.error.ReadOnlyException;
import dev.thinly.pdata.error.StorageIoException;
import dev.thinly.pdata.io.MemoryBlockDevice;
import dev.thinly.pdata.testkit.FaultInjectingBlockDevice;
import dev.thinly.pdata.testkit.PdataFixture;
import dev.thinly.pdata.testkit.RefCounts;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TransactionManagerTest {
  static final long CACHE = 1 << 20;

  /** A fixture with one committed tree of {@code n} keys. */
  static long committedTree(PdataFixture f, int n) {
    BTree t = new BTree(f.tm(), ValueType.plain(8));
    long root = t.createEmpty();
    for (int i = 0; i < n; i++) {
      root = t.insertLong(root, i, i).root();
    }
    f.commit(root);
    return root;
  }

  @Test
  void newBlocksAreZeroedShadowsWithOneReference() {
    PdataFixture f = PdataFixture.create(256, CACHE);
    WriteBlock b = f.tm().newBlock(NodeValidator.INSTANCE);
    assertThat(b.toByteArray()).containsOnly(0);
    assertThat(f.tm().refCount(b.blocknr())).isEqualTo(1);
    assertThat(f.tm().isShadow(b.blocknr())).isTrue();
  }

  @Test
  void aCommittedBlockIsCopiedEvenWithOneReference() {
    PdataFixture f = PdataFixture.create(256, CACHE);
    long root = committedTree(f, 10);
    assertThat(f.tm().refCount(root)).isEqualTo(1);
    assertThat(f.tm().isShadow(root)).isFalse();
    TransactionManager.Shadow s = f.tm().shadow(root, NodeValidator.INSTANCE);
    assertThat(s.block().blocknr()).isNotEqualTo(root);
    assertThat(s.incChildren()).isFalse();
    assertThat(f.tm().refCount(root)).isZero();
    assertThat(f.tm().refCount(s.block().blocknr())).isEqualTo(1);
    assertThat(s.block().toByteArray()).isEqualTo(f.tm().read(root, NodeValidator.INSTANCE).toByteArray());
  }

  @Test
  void aBlockOfThisTransactionIsModifiedInPlace() {
    PdataFixture f = PdataFixture.create(256, CACHE);
    WriteBlock b = f.tm().newBlock(NodeValidator.INSTANCE);
    TransactionManager.Shadow s = f.tm().shadow(b.blocknr(), NodeValidator.INSTANCE);
    assertThat(s.block().blocknr()).isEqualTo(b.blocknr());
    assertThat(s.incChildren()).isFalse();
    assertThat(f.tm().refCount(b.blocknr())).isEqualTo(1);
  }

  @Test
  void aSharedBlockIsCopiedAndItsChildrenMustBeIncremented() {
    PdataFixture f = PdataFixture.create(256, CACHE);
    WriteBlock b = f.tm().newBlock(NodeValidator.INSTANCE);
    f.tm().inc(b.blocknr());
    TransactionManager.Shadow s = f.tm().shadow(b.blocknr(), NodeValidator.INSTANCE);
    assertThat(s.block().blocknr()).isNotEqualTo(b.blocknr());
    assertThat(s.incChildren()).isTrue();
    assertThat(f.tm().refCount(b.blocknr())).isEqualTo(1);
  }

  @Test
  void shadowingAFreeBlockIsCorruption() {
    PdataFixture f = PdataFixture.create(256, CACHE);
    assertThatThrownBy(() -> f.tm().shadow(200, NodeValidator.INSTANCE))
        .isInstanceOf(CorruptMetadataException.class);
  }

  @Test
  void runningOutOfMetadataIsNoSpace() {
    PdataFixture f = PdataFixture.create(32, CACHE);
    assertThatThrownBy(
            () -> {
              for (int i = 0; i < 64; i++) {
                f.tm().newBlock(NodeValidator.INSTANCE);
              }
            })
        .isInstanceOfSatisfying(
            NoSpaceException.class, e -> assertThat(e.space()).isEqualTo(NoSpaceException.Space.METADATA));
  }

  /** One commit writes every dirty block, flushes, writes the superblock, flushes: nothing else. */
  @Test
  void commitWritesDirtyBlocksFlushSuperblockFlush() {
    RecordingDevice dev = new RecordingDevice(new MemoryBlockDevice("m", 512L * BlockManager.BLOCK_SIZE));
    PdataFixture f = PdataFixture.create(dev, CACHE);
    long root = committedTree(f, 10);
    BTree t = new BTree(f.tm(), ValueType.plain(8));
    for (int i = 0; i < 600; i++) {
      root = t.insertLong(root, 1000 + i, i).root();
    }
    int dirty = f.tm().dirtyBlocks();
    dev.log.clear();
    f.commit(root);
    List<String> log = dev.log;
    int firstFlush = log.indexOf("flush");
    assertThat(firstFlush).isPositive();
    assertThat(log.subList(0, firstFlush)).allMatch(e -> e.startsWith("write ") && !e.equals("write 0"));
    long written = log.subList(0, firstFlush).stream().mapToLong(e -> Long.parseLong(e.split(" ")[2])).sum();
    assertThat(written).as("blocks written before the first flush").isGreaterThanOrEqualTo(dirty);
    assertThat(log.subList(firstFlush, log.size())).containsExactly("flush", "write 0 1", "flush");
    assertThat(f.tm().dirtyBlocks()).isZero();
    assertThat(f.tm().shadowCount()).isZero();
  }

  /**
   * If filling the superblock fails, the half-filled block 0 must not stay dirty: the next commit
   * would write it with the other dirty blocks, before the flush that makes them durable.
   */
  @Test
  void aFailedSuperblockFillLeavesNoDirtySuperblock() {
    RecordingDevice dev = new RecordingDevice(new MemoryBlockDevice("m", 512L * BlockManager.BLOCK_SIZE));
    PdataFixture f = PdataFixture.create(dev, CACHE);
    long root = committedTree(f, 10);
    long r = new BTree(f.tm(), ValueType.plain(8)).insertLong(root, 99, 99).root();
    f.sm().commit();
    assertThatThrownBy(
            () ->
                f.tm().commit(
                    PdataFixture.SUPERBLOCK,
                    sb -> {
                      sb.putLong(64, 12345);
                      throw new IllegalStateException("cannot encode");
                    }))
        .isInstanceOf(IllegalStateException.class);
    assertThat(f.tm().dirtyBlocks()).isZero();
    r = new BTree(f.tm(), ValueType.plain(8)).insertLong(r, 100, 100).root();
    dev.log.clear();
    f.commit(r);
    int firstFlush = dev.log.indexOf("flush");
    assertThat(dev.log.subList(0, firstFlush)).noneMatch(e -> e.startsWith("write 0 "));
    assertThat(dev.log.subList(firstFlush, dev.log.size())).containsExactly("flush", "write 0 1", "flush");
    PdataFixture g = f.reopen();
    assertThat(g.committedRoots()).containsExactly(r);
    assertThat(RefCounts.check(g, r)).isEmpty();
  }

  @Test
  void abortReturnsExactlyToTheLastCommit() {
    PdataFixture f = PdataFixture.create(512, CACHE);
    long root = committedTree(f, 300);
    long allocated = f.sm().nrAllocated();
    BTree t = new BTree(f.tm(), ValueType.plain(8));
    long r = root;
    for (int i = 0; i < 300; i += 2) {
      r = t.remove(r, i).root();
    }
    for (int i = 1000; i < 1500; i++) {
      r = t.insertLong(r, i, -i).root();
    }
    f.abort();
    assertThat(f.committedRoots()).containsExactly(root);
    assertThat(f.sm().nrAllocated()).isEqualTo(allocated);
    assertThat(f.tm().shadowCount()).isZero();
    assertThat(f.tm().dirtyBlocks()).isZero();
    t = new BTree(f.tm(), ValueType.plain(8));
    for (int i = 0; i < 300; i++) {
      assertThat(t.lookupLong(root, i)).hasValue(i);
    }
    assertThat(t.lookupLong(root, 1000)).isEmpty();
    assertThat(RefCounts.check(f, root)).isEmpty();
    // and the aborted transaction's blocks are free for the next one
    for (int i = 1000; i < 1500; i++) {
      root = t.insertLong(root, i, -i).root();
    }
    f.commit(root);
    assertThat(RefCounts.check(f, root)).isEmpty();
  }

  @Test
  void aWriteErrorDuringCommitLeavesTheLastCommitAndRefusesWrites() {
    MemoryBlockDevice inner = new MemoryBlockDevice("m", 512L * BlockManager.BLOCK_SIZE);
    FaultInjectingBlockDevice dev = new FaultInjectingBlockDevice(inner, 7);
    PdataFixture f = PdataFixture.create(dev, CACHE);
    long root = committedTree(f, 50);
    BTree t = new BTree(f.tm(), ValueType.plain(8));
    long r = t.insertLong(root, 99, 99).root();
    dev.failWriteAt(dev.writes() + 1);
    long newRoot = r;
    assertThatThrownBy(() -> f.commit(newRoot)).isInstanceOf(StorageIoException.class);
    assertThat(f.bm().isReadOnly()).isTrue();
    assertThatThrownBy(() -> f.tm().newBlock(NodeValidator.INSTANCE)).isInstanceOf(ReadOnlyException.class);
    assertThatThrownBy(() -> t.insertLong(newRoot, 100, 100)).isInstanceOf(ReadOnlyException.class);
    PdataFixture reopened = PdataFixture.open(dev.crash(FaultInjectingBlockDevice.CrashPolicy.KEEP_ALL), CACHE);
    assertThat(reopened.committedRoots()).containsExactly(root);
    assertThat(RefCounts.check(reopened, root)).isEmpty();
  }

  @Test
  void aFlushErrorBeforeTheSuperblockLeavesTheLastCommit() {
    MemoryBlockDevice inner = new MemoryBlockDevice("m", 512L * BlockManager.BLOCK_SIZE);
    FaultInjectingBlockDevice dev = new FaultInjectingBlockDevice(inner, 7);
    PdataFixture f = PdataFixture.create(dev, CACHE);
    long root = committedTree(f, 50);
    long r = new BTree(f.tm(), ValueType.plain(8)).insertLong(root, 99, 99).root();
    dev.failFlushAt(dev.flushes() + 1);
    assertThatThrownBy(() -> f.commit(r)).isInstanceOf(StorageIoException.class);
    assertThat(f.bm().isReadOnly()).isTrue();
    assertThatThrownBy(() -> f.tm().newBlock(NodeValidator.INSTANCE)).isInstanceOf(ReadOnlyException.class);
    // even if every write reached the media, the superblock was never written
    PdataFixture reopened = PdataFixture.open(dev.crash(FaultInjectingBlockDevice.CrashPolicy.KEEP_ALL), CACHE);
    assertThat(reopened.committedRoots()).containsExactly(root);
  }

  /** Records writes (first block and length in blocks) and flushes. */
  static final class RecordingDevice extends dev.thinly.pdata.testkit.ForwardingBlockDevice {
    final List<String> log = new ArrayList<>();

    RecordingDevice(dev.thinly.pdata.io.BlockDevice inner) {
      super(inner);
    }

    @Override
    public void write(long offsetBytes, java.nio.ByteBuffer src) {
      log.add("write " + offsetBytes / BlockManager.BLOCK_SIZE + " " + src.remaining() / BlockManager.BLOCK_SIZE);
      inner.write(offsetBytes, src);
    }

    @Override
    public void flush() {
      log.add("flush");
      inner.flush();
    }

    @Override
    public void discard(long offsetBytes, long lengthBytes) {
      log.add("discard");
      inner.discard(offsetBytes, lengthBytes);
    }

    @Override
    public void release(long offsetBytes, long lengthBytes) {
      discard(offsetBytes, lengthBytes);
    }

    @Override
    public void close() {}
  }
}
