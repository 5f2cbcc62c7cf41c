package dev.thinly.thin.metadata;

import com.carrotsearch.hppc.IntObjectHashMap;
import com.carrotsearch.hppc.LongLongHashMap;
import dev.thinly.pdata.spacemap.disk.Bitmap;
import java.util.Arrays;

/**
 * Reference counts of data blocks, held in memory while a pool is built or examined: one byte
 * per data block, in chunks of one space-map bitmap (16320 blocks) allocated when first touched,
 * and a side table for the rare counts above 254. A dense pool of 10 million data blocks costs
 * about 10 MB; untouched stretches of a large data device cost nothing.
 *
 * <p>Not thread-safe.
 */
public final class DataBlockCounts {
  /** Blocks per chunk: one data space-map bitmap. */
  public static final int CHUNK = Bitmap.ENTRIES;
  private static final int SATURATED = 255;

  private final IntObjectHashMap<byte[]> chunks = new IntObjectHashMap<>();
  /** Count minus 255 for blocks whose byte is saturated. */
  private final LongLongHashMap overflow = new LongLongHashMap();
  private int lastIndex = -1;
  private byte[] lastChunk;

  private byte[] chunk(int index, boolean create) {
    if (index == lastIndex) {
      return lastChunk;
    }
    byte[] c = chunks.get(index);
    if (c == null) {
      if (!create) {
        return null;
      }
      c = new byte[CHUNK];
      chunks.put(index, c);
    }
    lastIndex = index;
    lastChunk = c;
    return c;
  }

  /** Adds one reference to {@code dataBlock}. */
  public void inc(long dataBlock) {
    byte[] c = chunk((int) (dataBlock / CHUNK), true);
    int e = (int) (dataBlock % CHUNK);
    int v = c[e] & 0xFF;
    if (v < SATURATED) {
      c[e] = (byte) (v + 1);
    } else {
      overflow.addTo(dataBlock, 1);
    }
  }

  /** The count of {@code dataBlock}. */
  public long count(long dataBlock) {
    byte[] c = chunk((int) (dataBlock / CHUNK), false);
    if (c == null) {
      return 0;
    }
    int v = c[(int) (dataBlock % CHUNK)] & 0xFF;
    return v < SATURATED ? v : SATURATED + overflow.getOrDefault(dataBlock, 0);
  }

  /** Indexes of the chunks touched so far, ascending. */
  public int[] touchedChunks() {
    int[] keys = chunks.keys().toArray();
    Arrays.sort(keys);
    return keys;
  }

  /**
   * The count of entry {@code entry} of chunk {@code index} given that chunk's bytes (from {@link
   * #chunkBytes}): the fast path for walking a whole chunk.
   */
  public long count(int index, byte[] bytes, int entry) {
    int v = bytes[entry] & 0xFF;
    return v < SATURATED ? v : SATURATED + overflow.getOrDefault((long) index * CHUNK + entry, 0);
  }

  /** The bytes of a touched chunk, or null. Read-only by convention. */
  public byte[] chunkBytes(int index) {
    return chunks.get(index);
  }
}
