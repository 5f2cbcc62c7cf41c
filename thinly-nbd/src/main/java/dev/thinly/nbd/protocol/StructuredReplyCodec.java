package dev.thinly.nbd.protocol;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * Structured reply chunks.
 *
 * <pre>
 * chunk header (20 bytes)       payloads
 *   0  u32 magic 0x668e33ef       OFFSET_DATA   u64 offset, data
 *   4  u16 flags (bit 0 DONE)     OFFSET_HOLE   u64 offset, u32 length
 *   6  u16 type                   BLOCK_STATUS  u32 context id, n × (u32 length, u32 flags)
 *   8  u64 cookie                 ERROR         u32 error, u16 message length, message
 *  16  u32 payload length         ERROR_OFFSET  as ERROR, then u64 offset
 * </pre>
 *
 * Encoders write into a caller-provided buffer at its position, so the server can lay chunks out in
 * pooled buffers without intermediate objects.
 */
public final class StructuredReplyCodec {
  public static final int CHUNK_HEADER_BYTES = 20;

  /** The final chunk of a reply. */
  public static final int FLAG_DONE = 1;

  /** Chunk header plus the offset that precedes the data of an {@code OFFSET_DATA} chunk. */
  public static final int OFFSET_DATA_HEADER_BYTES = CHUNK_HEADER_BYTES + 8;

  /** A whole {@code OFFSET_HOLE} chunk. */
  public static final int HOLE_CHUNK_BYTES = CHUNK_HEADER_BYTES + 12;

  /** Block status chunk header plus the context id. */
  public static final int BLOCK_STATUS_HEADER_BYTES = CHUNK_HEADER_BYTES + 4;

  /** One block status descriptor. */
  public static final int DESCRIPTOR_BYTES = 8;

  /** The spec's string limit applied to error messages. */
  public static final int MAX_MESSAGE_BYTES = NbdStrings.MAX_BYTES;

  private StructuredReplyCodec() {}

  public static void encodeChunkHeader(
      ByteBuffer dst, int flags, ReplyChunkType type, long cookie, long payloadBytes) {
    dst.putInt(NbdMagic.STRUCTURED_REPLY)
        .putShort((short) flags)
        .putShort((short) type.code())
        .putLong(cookie)
        .putInt((int) payloadBytes);
  }

  /** Sets or clears DONE in a chunk header that starts at {@code headerIndex} of {@code buf}. */
  public static void setDone(ByteBuffer buf, int headerIndex, boolean done) {
    int flagsIndex = headerIndex + 4;
    int flags = Short.toUnsignedInt(buf.getShort(flagsIndex));
    flags = done ? flags | FLAG_DONE : flags & ~FLAG_DONE;
    buf.putShort(flagsIndex, (short) flags);
  }

  /** The 28 bytes that precede {@code dataBytes} bytes of data read at {@code offsetBytes}. */
  public static void encodeOffsetDataHeader(
      ByteBuffer dst, int flags, long cookie, long offsetBytes, long dataBytes) {
    encodeChunkHeader(dst, flags, ReplyChunkType.OFFSET_DATA, cookie, 8 + dataBytes);
    dst.putLong(offsetBytes);
  }

  public static void encodeHole(
      ByteBuffer dst, int flags, long cookie, long offsetBytes, long lengthBytes) {
    encodeChunkHeader(dst, flags, ReplyChunkType.OFFSET_HOLE, cookie, 12);
    dst.putLong(offsetBytes).putInt((int) lengthBytes);
  }

  public static void encodeNone(ByteBuffer dst, long cookie) {
    encodeChunkHeader(dst, FLAG_DONE, ReplyChunkType.NONE, cookie, 0);
  }

  /** The header of a block status chunk; {@code descriptors} descriptors must follow. */
  public static void encodeBlockStatusHeader(
      ByteBuffer dst, int flags, long cookie, int contextId, int descriptors) {
    encodeChunkHeader(
        dst,
        flags,
        ReplyChunkType.BLOCK_STATUS,
        cookie,
        4L + (long) DESCRIPTOR_BYTES * descriptors);
    dst.putInt(contextId);
  }

  public static void encodeDescriptor(ByteBuffer dst, long lengthBytes, int statusFlags) {
    dst.putInt((int) lengthBytes).putInt(statusFlags);
  }

  /** The encoded size of an {@code ERROR} chunk carrying {@code message}. */
  public static int errorChunkBytes(byte[] message) {
    return CHUNK_HEADER_BYTES + 6 + message.length;
  }

  /** A flipped buffer holding one {@code ERROR} chunk; the message is truncated to 4096 bytes. */
  public static ByteBuffer encodeError(int flags, long cookie, int error, String message) {
    byte[] text = NbdStrings.encodeTruncated(message, MAX_MESSAGE_BYTES);
    ByteBuffer out = ByteBuffer.allocate(errorChunkBytes(text));
    encodeChunkHeader(out, flags, ReplyChunkType.ERROR, cookie, 6 + text.length);
    out.putInt(error).putShort((short) text.length).put(text);
    return out.flip();
  }

  /** A flipped buffer holding one {@code ERROR_OFFSET} chunk (for tests; the server sends none). */
  public static ByteBuffer encodeErrorOffset(
      int flags, long cookie, int error, String message, long offsetBytes) {
    byte[] text = NbdStrings.encodeTruncated(message, MAX_MESSAGE_BYTES);
    ByteBuffer out = ByteBuffer.allocate(CHUNK_HEADER_BYTES + 14 + text.length);
    encodeChunkHeader(out, flags, ReplyChunkType.ERROR_OFFSET, cookie, 14 + text.length);
    out.putInt(error).putShort((short) text.length).put(text).putLong(offsetBytes);
    return out.flip();
  }

  /** Reads a chunk header whose magic the caller has already consumed and checked. */
  public static ChunkHeader decodeHeaderAfterMagic(ByteBuffer src) {
    int flags = Short.toUnsignedInt(src.getShort());
    int type = Short.toUnsignedInt(src.getShort());
    long cookie = src.getLong();
    long length = Integer.toUnsignedLong(src.getInt());
    return new ChunkHeader(flags, type, cookie, length);
  }

  /** Decodes the payload of an error chunk of type {@code type} (the whole buffer). */
  public static ErrorChunk decodeError(int type, ByteBuffer payload) {
    try {
      int error = payload.getInt();
      int messageLength = Short.toUnsignedInt(payload.getShort());
      byte[] text = new byte[messageLength];
      payload.get(text);
      OptionalLong offset =
          type == ReplyChunkType.ERROR_OFFSET.code()
              ? OptionalLong.of(payload.getLong())
              : OptionalLong.empty();
      return new ErrorChunk(error, new String(text, StandardCharsets.UTF_8), offset);
    } catch (BufferUnderflowException e) {
      throw new NbdProtocolException("error chunk payload too short");
    }
  }

  /** Decodes the payload of an {@code OFFSET_HOLE} chunk (the whole buffer). */
  public static HoleChunk decodeHole(ByteBuffer payload) {
    if (payload.remaining() != 12) {
      throw new NbdProtocolException("hole chunk payload of " + payload.remaining() + " bytes");
    }
    return new HoleChunk(payload.getLong(), Integer.toUnsignedLong(payload.getInt()));
  }

  /** Decodes the payload of a {@code BLOCK_STATUS} chunk (the whole buffer). */
  public static BlockStatusChunk decodeBlockStatus(ByteBuffer payload) {
    if (payload.remaining() < 12 || (payload.remaining() - 4) % DESCRIPTOR_BYTES != 0) {
      throw new NbdProtocolException("block status payload of " + payload.remaining() + " bytes");
    }
    int contextId = payload.getInt();
    List<BlockDescriptor> descriptors = new ArrayList<>(payload.remaining() / DESCRIPTOR_BYTES);
    while (payload.hasRemaining()) {
      descriptors.add(
          new BlockDescriptor(Integer.toUnsignedLong(payload.getInt()), payload.getInt()));
    }
    return new BlockStatusChunk(contextId, descriptors);
  }
}
