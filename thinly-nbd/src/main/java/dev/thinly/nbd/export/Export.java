package dev.thinly.nbd.export;

import java.nio.ByteBuffer;
import java.util.Set;

/**
 * A byte range served over NBD, e.g. a thin volume or a snapshot. One instance is a handle opened
 * for one connection by an {@link ExportProvider}; the server closes it when the connection ends.
 *
 * <h2>Contract</h2>
 *
 * <ul>
 *   <li><b>Thread-safety:</b> every method may be called concurrently from many threads (a client
 *       keeps many requests in flight, and with {@link ExportCapability#MULTI_CONN} several handles
 *       of one export are used at once). Overlapping concurrent writes may land in any order, but
 *       must not disturb bytes outside their ranges.
 *   <li><b>Arguments:</b> the server has already checked that {@code [offsetBytes, offsetBytes +
 *       lengthBytes)} lies inside {@link #sizeBytes()} (as seen at connection time), that the range
 *       is aligned to {@link BlockSizes#minimumBytes()}, that reads and writes are not larger than
 *       {@link BlockSizes#maximumBytes()}, that the export is not read-only for writes, and that
 *       only advertised {@link #capabilities()} are used.
 *   <li><b>Durability:</b> a completed write is visible to later reads on every handle; it is
 *       durable once a later {@link #flush()} returns, or when it returns if {@code fua} was set.
 *   <li><b>Errors:</b> throw the {@code dev.thinly.pdata.error} exceptions: {@code
 *       NoSpaceException} (ENOSPC), {@code ReadOnlyException} (EPERM), {@code
 *       InvalidRequestException} (EINVAL), {@code StorageIoException} and anything else (EIO),
 *       {@code ClosedException} (ESHUTDOWN), and {@link FastZeroUnsupportedException} (ENOTSUP).
 *   <li><b>Blocking:</b> methods run on virtual threads and may block; they must not rely on thread
 *       interruption (the server never interrupts them).
 * </ul>
 */
public interface Export extends AutoCloseable {

  /** The name clients ask for; also used in messages. */
  String name();

  /** A description for humans ({@code nbdinfo --list}); empty if none. */
  default String description() {
    return "";
  }

  /** The size in bytes; constant for the life of the handle. */
  long sizeBytes();

  /** True if writes, trims and zeroing are refused. */
  boolean readOnly();

  default BlockSizes blockSizes() {
    return BlockSizes.DEFAULT;
  }

  /** The optional features this handle supports; must not change while it is open. */
  Set<ExportCapability> capabilities();

  default boolean can(ExportCapability capability) {
    return capabilities().contains(capability);
  }

  /**
   * Reads {@code lengthBytes} bytes at {@code offsetBytes} into {@code sink}: data and zero ranges
   * in order, exactly covering the range.
   */
  void read(long offsetBytes, int lengthBytes, ReadSink sink);

  /** Writes the remaining bytes of {@code data} at {@code offsetBytes}. */
  void write(long offsetBytes, ByteBuffer data, boolean fua);

  /**
   * Makes every completed write durable (on every handle, if {@link ExportCapability#MULTI_CONN}).
   */
  void flush();

  /**
   * Hints that the range is no longer needed; its contents are undefined until written again. An
   * export may ignore the hint. Only called with {@link ExportCapability#TRIM}.
   */
  void trim(long offsetBytes, long lengthBytes, boolean fua);

  /**
   * Makes the range read as zeroes. Only called with {@link ExportCapability#WRITE_ZEROES}.
   *
   * @param noHole the range must end up allocated (no hole punched), so later writes cannot fail
   *     for lack of space
   * @param fastZero zero only if that is faster than writing zeroes; otherwise throw {@link
   *     FastZeroUnsupportedException} without changing anything (only with {@link
   *     ExportCapability#FAST_ZERO})
   */
  void writeZeroes(
      long offsetBytes, long lengthBytes, boolean noHole, boolean fastZero, boolean fua);

  /**
   * Reports the {@code base:allocation} status of the range, starting at {@code offsetBytes}, until
   * {@code sink} returns false or the range is covered. The default reports everything as data,
   * which the spec allows for exports that cannot tell.
   */
  default void blockStatus(long offsetBytes, long lengthBytes, ExtentSink sink) {
    sink.extent(lengthBytes, ExtentSink.DATA);
  }

  /** A prefetch hint; the default does nothing. Only called with {@link ExportCapability#CACHE}. */
  default void cache(long offsetBytes, long lengthBytes) {}

  /** Releases this handle; the server calls it once, after the last request has completed. */
  @Override
  void close();
}
