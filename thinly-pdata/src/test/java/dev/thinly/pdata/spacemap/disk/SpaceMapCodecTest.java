package dev.thinly.pdata.spacemap.disk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.thinly.pdata.codec.BlockChecksum;
import dev.thinly.pdata.codec.LittleEndian;
import dev.thinly.pdata.block.ArrayBlock;
import dev.thinly.pdata.testkit.DmThinFixtures;
import java.util.Arrays;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

/** Round trips and fixture bytes of {@link IndexEntry}, {@link SpaceMapRoot}, {@link MetadataIndexBlock}. */
class SpaceMapCodecTest {
  @Property(tries = 200)
  void indexEntriesRoundTrip(
      @ForAll long blocknr,
      @ForAll @LongRange(min = 0, max = 0xFFFFFFFFL) long nrFree,
      @ForAll @LongRange(min = 0, max = 0xFFFFFFFFL) long noneFreeBefore,
      @ForAll @IntRange(min = 0, max = 4096 - 16) int offset) {
    IndexEntry e = new IndexEntry(blocknr, nrFree, noneFreeBefore);
    byte[] bytes = e.toBytes();
    assertThat(bytes).hasSize(IndexEntry.SIZE);
    assertThat(IndexEntry.decode(bytes, 0)).isEqualTo(e);
    ArrayBlock b = new ArrayBlock();
    e.encode(b, offset);
    assertThat(IndexEntry.decode(b, offset)).isEqualTo(e);
    assertThat(Arrays.copyOfRange(b.bytes(), offset, offset + 16)).isEqualTo(bytes);
    assertThat(LittleEndian.getLong(bytes, 0)).isEqualTo(blocknr);
    assertThat(LittleEndian.getU32(bytes, 8)).isEqualTo(nrFree);
    assertThat(LittleEndian.getU32(bytes, 12)).isEqualTo(noneFreeBefore);
  }

  @Test
  void aFreshBitmapIsAllFree() {
    assertThat(IndexEntry.fresh(9)).isEqualTo(new IndexEntry(9, 16320, 0));
  }

  @Property(tries = 200)
  void spaceMapRootsRoundTrip(
      @ForAll long nrBlocks, @ForAll long nrAllocated, @ForAll long bitmapRoot, @ForAll long refCountRoot) {
    SpaceMapRoot r = new SpaceMapRoot(nrBlocks, nrAllocated, bitmapRoot, refCountRoot);
    ArrayBlock b = new ArrayBlock();
    r.encode(b, 64);
    assertThat(SpaceMapRoot.decode(b, 64)).isEqualTo(r);
    assertThat(Arrays.copyOfRange(b.bytes(), 0, 64)).containsOnly(0);
    assertThat(Arrays.copyOfRange(b.bytes(), 96, 4096)).containsOnly(0);
  }

  /** Spec 3.1: fixture 01 has data sm (1024, 0, 4, 5) at 64 and metadata sm (256, 10, 1, 2) at 192. */
  @Test
  void decodesTheFixtureSuperblockRoots() {
    byte[] image = DmThinFixtures.bytes(DmThinFixtures.EMPTY_POOL);
    ArrayBlock sb = new ArrayBlock(0, Arrays.copyOf(image, 4096));
    assertThat(SpaceMapRoot.decode(sb, DmThinFixtures.SB_DATA_SM_ROOT)).isEqualTo(new SpaceMapRoot(1024, 0, 4, 5));
    assertThat(SpaceMapRoot.decode(sb, DmThinFixtures.SB_METADATA_SM_ROOT)).isEqualTo(new SpaceMapRoot(256, 10, 1, 2));
  }

  @Test
  void decodesTheFixtureIndexBlock() {
    byte[] image = DmThinFixtures.bytes(DmThinFixtures.EMPTY_POOL);
    ArrayBlock index = new ArrayBlock(1, Arrays.copyOfRange(image, 4096, 8192));
    MetadataIndexBlock.VALIDATOR.check(1, index.bytes());
    assertThat(MetadataIndexBlock.VALIDATOR.salt()).isEqualTo(BlockChecksum.INDEX_SALT);
    IndexEntry[] entries = MetadataIndexBlock.decode(index, 1);
    assertThat(entries[0].blocknr()).isEqualTo(3);
  }

  @Property(tries = 50)
  void indexBlocksRoundTripAndZeroTheRest(@ForAll @IntRange(min = 0, max = 255) int nrBitmaps, @ForAll long seed) {
    java.util.Random r = new java.util.Random(seed);
    IndexEntry[] entries = new IndexEntry[nrBitmaps];
    for (int i = 0; i < nrBitmaps; i++) {
      entries[i] = new IndexEntry(1 + r.nextInt(1 << 30), r.nextInt(16321), r.nextInt(16320));
    }
    ArrayBlock b = new ArrayBlock();
    r.nextBytes(b.bytes());
    MetadataIndexBlock.encode(b, entries);
    assertThat(MetadataIndexBlock.decode(b, nrBitmaps)).containsExactly(entries);
    assertThat(Arrays.copyOfRange(b.bytes(), 16 + 16 * nrBitmaps, 4096)).isEqualTo(new byte[16 * (255 - nrBitmaps)]);
  }

  @Test
  void theMetadataLimit() {
    assertThat(MetadataIndexBlock.MAX_METADATA_BLOCKS).isEqualTo(4_161_600L);
    assertThat(16 + 16 * MetadataIndexBlock.MAX_BITMAPS).isLessThanOrEqualTo(4096);
  }
}
