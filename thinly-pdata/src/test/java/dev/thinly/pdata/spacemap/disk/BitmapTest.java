package dev.thinly.pdata.spacemap.disk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.thinly.pdata.codec.BlockChecksum;
import dev.thinly.pdata.block.ArrayBlock;
import dev.thinly.pdata.testkit.DmThinFixtures;
import java.util.Arrays;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class BitmapTest {
  @Test
  void layoutConstants() {
    assertThat(Bitmap.ENTRIES).isEqualTo(16320);
    assertThat(Bitmap.WORDS * 32).isEqualTo(Bitmap.ENTRIES);
    assertThat(Bitmap.DATA + 8 * Bitmap.WORDS).isEqualTo(4096);
    assertThat(Bitmap.VALIDATOR.salt()).isEqualTo(BlockChecksum.BITMAP_SALT);
  }

  /** Spec 5.2: counts [1, 2, 0, 3] give first data byte 0xC6. */
  @Test
  void theLowerBitOfEachPairIsTheHighBitOfTheCount() {
    ArrayBlock b = new ArrayBlock();
    int[] counts = {1, 2, 0, 3};
    for (int e = 0; e < 4; e++) {
      Bitmap.set(b, e, counts[e]);
    }
    assertThat(b.bytes()[16]).isEqualTo((byte) 0xC6);
    for (int e = 0; e < 4; e++) {
      assertThat(Bitmap.get(b, e)).isEqualTo(counts[e]);
    }
  }

  @Test
  void fourEqualEntriesMakeTheSpecsBytes() {
    int[][] expected = {{0, 0x00}, {1, 0xAA}, {2, 0x55}, {3, 0xFF}};
    for (int[] c : expected) {
      ArrayBlock b = new ArrayBlock();
      for (int e = 0; e < 4; e++) {
        Bitmap.set(b, e, c[0]);
      }
      assertThat(b.bytes()[16] & 0xFF).as("count %d", c[0]).isEqualTo(c[1]);
    }
  }

  /** Fixture 01's metadata bitmap: blocks 0..7 count 1, block 8 free, block 9 count 1. */
  @Test
  void decodesTheFixtureBitmap() {
    byte[] image = DmThinFixtures.bytes(DmThinFixtures.EMPTY_POOL);
    ArrayBlock b = new ArrayBlock(3, Arrays.copyOfRange(image, 3 * 4096, 4 * 4096));
    assertThat(Arrays.copyOfRange(b.bytes(), 16, 20)).containsExactly(0xaa, 0xaa, 0x08, 0x00);
    for (int e = 0; e < 8; e++) {
      assertThat(Bitmap.get(b, e)).isEqualTo(1);
    }
    assertThat(Bitmap.get(b, 8)).isZero();
    assertThat(Bitmap.get(b, 9)).isEqualTo(1);
    assertThat(Bitmap.get(b, 10)).isZero();
    Bitmap.VALIDATOR.check(3, b.bytes());
  }

  @Property(tries = 200)
  void setChangesOnlyItsEntry(
      @ForAll @IntRange(min = 0, max = Bitmap.ENTRIES - 1) int entry,
      @ForAll @IntRange(min = 0, max = 3) int count,
      @ForAll long seed) {
    ArrayBlock b = new ArrayBlock();
    new Random(seed).nextBytes(b.bytes());
    byte[] before = b.toByteArray();
    Bitmap.set(b, entry, count);
    assertThat(Bitmap.get(b, entry)).isEqualTo(count);
    for (int e = Math.max(0, entry - 40); e < Math.min(Bitmap.ENTRIES, entry + 40); e++) {
      if (e != entry) {
        assertThat(Bitmap.get(b, e)).isEqualTo(Bitmap.get(new ArrayBlock(0, before), e));
      }
    }
    assertThat(Arrays.copyOf(b.bytes(), 16)).isEqualTo(Arrays.copyOf(before, 16));
  }

  /** findFree against a brute-force scan, with and without a second (committed) bitmap. */
  @Property(tries = 300)
  void findFreeFindsTheFirstEntryFreeInBoth(
      @ForAll long seed,
      @ForAll @IntRange(min = 0, max = Bitmap.ENTRIES) int from,
      @ForAll @IntRange(min = 0, max = Bitmap.ENTRIES) int to,
      @ForAll boolean withSecond) {
    Random r = new Random(seed);
    ArrayBlock a = sparse(r);
    ArrayBlock c = sparse(r);
    int expected = -1;
    for (int e = from; e < to; e++) {
      if (Bitmap.get(a, e) == 0 && (!withSecond || Bitmap.get(c, e) == 0)) {
        expected = e;
        break;
      }
    }
    assertThat(Bitmap.findFree(a, withSecond ? c : null, from, to)).isEqualTo(expected);
  }

  @Property(tries = 100)
  void countInUseCountsNonZeroEntries(@ForAll long seed, @ForAll @IntRange(min = 0, max = Bitmap.ENTRIES) int limit) {
    ArrayBlock b = sparse(new Random(seed));
    int expected = 0;
    for (int e = 0; e < limit; e++) {
      if (Bitmap.get(b, e) != 0) {
        expected++;
      }
    }
    assertThat(Bitmap.countInUse(b, limit)).isEqualTo(expected);
  }

  @Test
  void findFreeAtTheEdges() {
    ArrayBlock full = new ArrayBlock();
    for (int e = 0; e < Bitmap.ENTRIES; e++) {
      Bitmap.set(full, e, 1 + e % 3);
    }
    assertThat(Bitmap.findFree(full, null, 0, Bitmap.ENTRIES)).isEqualTo(-1);
    Bitmap.set(full, Bitmap.ENTRIES - 1, 0);
    assertThat(Bitmap.findFree(full, null, 0, Bitmap.ENTRIES)).isEqualTo(Bitmap.ENTRIES - 1);
    assertThat(Bitmap.findFree(full, null, 0, Bitmap.ENTRIES - 1)).isEqualTo(-1);
    Bitmap.set(full, 32, 0);
    assertThat(Bitmap.findFree(full, null, 31, 40)).isEqualTo(32);
    assertThat(Bitmap.findFree(full, null, 33, 40)).isEqualTo(-1);
    assertThat(Bitmap.findFree(full, null, 40, 40)).isEqualTo(-1);
  }

  /** A bitmap mostly in use, with runs of free entries, so that the scan crosses words. */
  private static ArrayBlock sparse(Random r) {
    ArrayBlock b = new ArrayBlock();
    double density = r.nextDouble();
    for (int e = 0; e < Bitmap.ENTRIES; e++) {
      if (r.nextDouble() < 0.5 + density / 2) {
        Bitmap.set(b, e, 1 + r.nextInt(3));
      }
    }
    return b;
  }
}
