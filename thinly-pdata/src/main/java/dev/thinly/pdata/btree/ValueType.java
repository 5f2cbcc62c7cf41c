package dev.thinly.pdata.btree;

import dev.thinly.pdata.block.ReadBlock;
import java.util.Arrays;

/**
 * What a tree's leaf values are, and who they reference. The tree calls {@link #inc} when a shared
 * leaf is copied (one more leaf now holds the value), {@link #dec} when a value is removed or
 * overwritten, or its leaf is deleted. One btree implementation thus serves data mappings (values
 * reference data blocks), subtree roots (reference metadata blocks) and plain records.
 */
public interface ValueType {
  /** Size of one value in bytes (fixed per tree). */
  int sizeBytes();

  /** A copy of the value at {@code offset} of {@code leaf} now exists in one more leaf. */
  default void inc(ReadBlock leaf, int offset) {}

  /** A copy of the value at {@code offset} of {@code leaf} is going away. */
  default void dec(ReadBlock leaf, int offset) {}

  /**
   * True if replacing the value at {@code offset} of {@code leaf} by {@code value} keeps what it
   * references, so the old value needs no {@link #dec}.
   */
  default boolean sameReference(ReadBlock leaf, int offset, byte[] value) {
    byte[] old = new byte[sizeBytes()];
    leaf.copyTo(offset, old, 0, old.length);
    return Arrays.equals(old, value);
  }

  /** A value type that references nothing. */
  static ValueType plain(int sizeBytes) {
    return () -> sizeBytes;
  }
}
