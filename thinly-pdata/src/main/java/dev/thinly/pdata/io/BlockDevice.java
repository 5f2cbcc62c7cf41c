package dev.thinly.pdata.io;

import java.nio.ByteBuffer;

/**
 * A byte-addressed device: a regular file, a block device, or memory.
 *
 * <p>Contract (the same for every implementation, checked by {@code BlockDeviceContract} in the
 * tests):
 *
 * <ul>
 *   <li>{@link #read} and {@link #write} are positional and may be called from many threads at
 *       once; they transfer the whole buffer or throw.
 *   <li>A completed {@link #write} is visible to later reads but is <em>not durable</em> until a
 *       later {@link #flush} returns: the device behaves like a disk with a volatile write cache.
 *       This is what the transaction manager's ordering (data, then metadata, then superblock,
 *       with a flush between) is built on.
 *   <li>{@link #discard} releases the storage behind a range (hole punch or BLKDISCARD); the
 *       range reads back as zeros.
 * </ul>
 *
 * Errors are reported as {@link dev.thinly.pdata.error.StorageIoException}.
 */
public interface BlockDevice extends AutoCloseable {

  /** Human-readable name for messages (usually the path). */
  String name();

  /** Current size in bytes. */
  long sizeBytes();

  /** Reads {@code dst.remaining()} bytes at {@code offsetBytes}. Reading past the end is an error. */
  void read(long offsetBytes, ByteBuffer dst);

  /** Writes {@code src.remaining()} bytes at {@code offsetBytes}. */
  void write(long offsetBytes, ByteBuffer src);

  /** Makes every completed write durable. */
  void flush();

  /**
   * Releases the storage of a byte range; afterwards it reads as zeros. Devices that cannot release
   * storage write zeros instead.
   */
  void discard(long offsetBytes, long lengthBytes);

  /**
   * Gives the storage behind a range back to the file system or the device (a hole, BLKDISCARD);
   * unlike {@link #discard}, what the range reads afterwards is undefined, which spares a block
   * device from writing zeros. For space whose content no longer matters. The default discards.
   */
  default void release(long offsetBytes, long lengthBytes) {
    discard(offsetBytes, lengthBytes);
  }

  /**
   * Gives a range real storage holding zeros, so that later writes to it never wait for the file
   * system to allocate blocks and never fail for lack of space there (a pool's metadata, which is
   * allocated whole like a metadata volume). Not durable until the next {@link #flush}. The default
   * does nothing: the storage of block devices and memory is there already.
   */
  default void allocate(long offsetBytes, long lengthBytes) {}

  /**
   * Grows the device to {@code newSizeBytes}. Regular files are extended sparsely; block devices
   * and fixed-size devices throw {@link IllegalStateException} unless they are already big
   * enough.
   */
  void grow(long newSizeBytes);

  /** True for a regular file that can be grown. */
  boolean growable();

  /** Bytes of storage actually allocated (for sparse files), or -1 if unknown. */
  default long allocatedBytes() {
    return -1;
  }

  @Override
  void close();
}
