package dev.thinly.nbd.server;

import dev.thinly.nbd.export.ReadSink;
import dev.thinly.nbd.protocol.SimpleReplyCodec;
import dev.thinly.nbd.protocol.StructuredReplyCodec;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the reply to one READ while the export reads: data goes straight into one pooled direct
 * buffer laid out like the requested range, and the reply is described as slices of it plus small
 * chunk headers, so nothing is copied again before the socket write.
 *
 * <p>With structured replies, contiguous data becomes one {@code OFFSET_DATA} chunk and each zero
 * range of at least {@link #MIN_HOLE_CHUNK_BYTES} an {@code OFFSET_HOLE} chunk (smaller ones are
 * sent as zero bytes, which bounds the chunk count, and so the header overhead, at one per 4 KiB).
 * With the don't-fragment flag, or with simple replies, zero ranges are written out as zero bytes
 * and the reply is one piece.
 *
 * <p>Checks that the export covers the range exactly, in order; a broken export fails the request
 * (EIO) instead of corrupting the stream. NOT thread-safe.
 */
final class ReadReply implements ReadSink {
  static final int MIN_HOLE_CHUNK_BYTES = 4096;

  private final BufferPool pool;
  private final String exportName;
  private final long cookie;
  private final long startOffset;
  private final int lengthBytes;
  private final boolean structured;
  private final boolean holesAllowed;
  private final ByteBuffer data;
  private final List<ByteBuffer> parts = new ArrayList<>(4);
  private long cursor;
  private ByteBuffer handedOut;

  /** Start of the data not yet covered by a chunk (structured replies), or -1. */
  private long runStart = -1;

  private ByteBuffer lastChunkHeader;

  ReadReply(
      BufferPool pool,
      String exportName,
      long cookie,
      long offsetBytes,
      int lengthBytes,
      boolean structured,
      boolean dontFragment) {
    this.pool = pool;
    this.exportName = exportName;
    this.cookie = cookie;
    this.startOffset = offsetBytes;
    this.lengthBytes = lengthBytes;
    this.structured = structured;
    this.holesAllowed = structured && !dontFragment;
    this.data = pool.acquire(lengthBytes);
    this.cursor = offsetBytes;
  }

  @Override
  public ByteBuffer dataBuffer(long offsetBytes, int length) {
    expect(offsetBytes, length);
    if (runStart < 0) {
      runStart = offsetBytes;
    }
    handedOut = data.slice((int) (offsetBytes - startOffset), length);
    cursor += length;
    return handedOut;
  }

  @Override
  public void zeroes(long offsetBytes, long length) {
    expect(offsetBytes, length);
    if (holesAllowed && (length >= MIN_HOLE_CHUNK_BYTES || length == lengthBytes)) {
      closeDataRun();
      ByteBuffer hole = ByteBuffer.allocate(StructuredReplyCodec.HOLE_CHUNK_BYTES);
      StructuredReplyCodec.encodeHole(hole, 0, cookie, offsetBytes, length);
      parts.add(hole.flip());
      lastChunkHeader = hole;
    } else {
      MemorySegment.ofBuffer(data).asSlice(offsetBytes - startOffset, length).fill((byte) 0);
      if (runStart < 0) {
        runStart = offsetBytes;
      }
    }
    cursor += length;
  }

  /**
   * The finished reply; {@code onWritten} runs after it is written, when the data buffer has
   * already gone back to the pool.
   *
   * @throws IllegalStateException if the export did not cover the range
   */
  OutgoingReply finish(Runnable onWritten) {
    checkHandedOutFilled();
    if (cursor != startOffset + lengthBytes) {
      throw new IllegalStateException(
          "export '"
              + exportName
              + "' returned "
              + (cursor - startOffset)
              + " of "
              + lengthBytes
              + " bytes");
    }
    if (structured) {
      closeDataRun();
      StructuredReplyCodec.setDone(lastChunkHeader, 0, true);
    } else {
      parts.add(SimpleReplyCodec.encode(0, cookie));
      parts.add(data.slice(0, lengthBytes));
    }
    ByteBuffer buffer = data;
    return new OutgoingReply(
        parts.toArray(ByteBuffer[]::new),
        () -> {
          pool.release(buffer);
          onWritten.run();
        });
  }

  /** Gives the data buffer back when the reply will not be sent. */
  void abandon() {
    pool.release(data);
  }

  private void closeDataRun() {
    if (runStart < 0) {
      return;
    }
    long runBytes = cursor - runStart;
    ByteBuffer header = ByteBuffer.allocate(StructuredReplyCodec.OFFSET_DATA_HEADER_BYTES);
    StructuredReplyCodec.encodeOffsetDataHeader(header, 0, cookie, runStart, runBytes);
    parts.add(header.flip());
    parts.add(data.slice((int) (runStart - startOffset), (int) runBytes));
    lastChunkHeader = header;
    runStart = -1;
  }

  private void expect(long offsetBytes, long length) {
    checkHandedOutFilled();
    long end = startOffset + lengthBytes;
    if (offsetBytes != cursor || length <= 0 || length > end - cursor) {
      throw new IllegalStateException(
          "export '"
              + exportName
              + "' answered a read of ["
              + startOffset
              + ", "
              + end
              + ") with "
              + length
              + " bytes at "
              + offsetBytes
              + " where "
              + cursor
              + " was next");
    }
  }

  private void checkHandedOutFilled() {
    if (handedOut != null && handedOut.hasRemaining()) {
      throw new IllegalStateException(
          "export '"
              + exportName
              + "' left "
              + handedOut.remaining()
              + " bytes of a read unfilled");
    }
    handedOut = null;
  }
}
