package dev.thinly.nbd.server;

import dev.thinly.nbd.export.ExtentSink;
import dev.thinly.nbd.protocol.StructuredReplyCodec;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Collects the extents an export reports for one BLOCK_STATUS request and encodes the reply chunk.
 * Extents are clipped to the requested range (so every length fits the 32-bit field), neighbours
 * with equal status are merged, unknown status bits are cleared, and collection stops at the end of
 * the range, after one extent with {@code REQ_ONE}, or at {@link #MAX_DESCRIPTORS} (the client asks
 * again for the rest). NOT thread-safe.
 */
final class BlockStatusReply implements ExtentSink {
  /** Caps one reply at 32 KiB of descriptors. */
  static final int MAX_DESCRIPTORS = 4096;

  private static final int KNOWN_FLAGS = ExtentSink.HOLE | ExtentSink.ZERO;

  private final String exportName;
  private final long requestedBytes;
  private final boolean requestOne;
  private long[] lengths = new long[8];
  private int[] statuses = new int[8];
  private int count;
  private long coveredBytes;

  BlockStatusReply(String exportName, long requestedBytes, boolean requestOne) {
    this.exportName = exportName;
    this.requestedBytes = requestedBytes;
    this.requestOne = requestOne;
  }

  @Override
  public boolean extent(long lengthBytes, int flags) {
    if (lengthBytes <= 0) {
      throw new IllegalStateException(
          "export '" + exportName + "' reported an extent of " + lengthBytes + " bytes");
    }
    if (coveredBytes >= requestedBytes) {
      return false;
    }
    int status = flags & KNOWN_FLAGS;
    long take = Math.min(lengthBytes, requestedBytes - coveredBytes);
    if (count > 0 && statuses[count - 1] == status) {
      lengths[count - 1] += take;
    } else if ((requestOne && count == 1) || count == MAX_DESCRIPTORS) {
      return false;
    } else {
      if (count == lengths.length) {
        lengths = Arrays.copyOf(lengths, count * 2);
        statuses = Arrays.copyOf(statuses, count * 2);
      }
      lengths[count] = take;
      statuses[count] = status;
      count++;
    }
    coveredBytes += take;
    return coveredBytes < requestedBytes;
  }

  /**
   * The reply chunk (with DONE set), for context {@code contextId}.
   *
   * @throws IllegalStateException if the export reported nothing
   */
  ByteBuffer finish(long cookie, int contextId) {
    if (count == 0) {
      throw new IllegalStateException("export '" + exportName + "' reported no extent");
    }
    ByteBuffer out =
        ByteBuffer.allocate(
            StructuredReplyCodec.BLOCK_STATUS_HEADER_BYTES
                + StructuredReplyCodec.DESCRIPTOR_BYTES * count);
    StructuredReplyCodec.encodeBlockStatusHeader(
        out, StructuredReplyCodec.FLAG_DONE, cookie, contextId, count);
    for (int i = 0; i < count; i++) {
      StructuredReplyCodec.encodeDescriptor(out, lengths[i], statuses[i]);
    }
    return out.flip();
  }
}
