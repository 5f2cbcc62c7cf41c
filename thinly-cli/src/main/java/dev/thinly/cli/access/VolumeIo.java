package dev.thinly.cli.access;

import java.nio.ByteBuffer;

/**
 * Byte-addressed I/O on one volume, safe for concurrent callers: what import and export need, and
 * no more, so that a remote implementation (NBD) can provide it too.
 */
public interface VolumeIo extends AutoCloseable {
  String name();

  /** The current size; it follows {@link PoolAccess#resize} of the same volume. */
  long sizeBytes();

  /** The pool's data block size: the unit of allocation and of unmapping. */
  long blockSizeBytes();

  /** Reads {@code dst.remaining()} bytes at {@code offsetBytes}; unprovisioned parts read as zeros. */
  void read(long offsetBytes, ByteBuffer dst);

  /** Writes {@code src.remaining()} bytes at {@code offsetBytes}; durable after {@link #flush}. */
  void write(long offsetBytes, ByteBuffer src);

  /** Makes a range read as zeros: whole blocks are unmapped, the edges of partial ones zeroed. */
  void zero(long offsetBytes, long lengthBytes);

  /** Receives block-status extents in ascending order. */
  @FunctionalInterface
  interface ExtentSink {
    void extent(long offsetBytes, long lengthBytes, boolean allocated);
  }

  /** Reports which parts of a range are provisioned; the rest reads as zeros. */
  void blockStatus(long offsetBytes, long lengthBytes, ExtentSink sink);

  /** Returns once every write completed before the call is durable. */
  void flush();

  @Override
  void close();
}
