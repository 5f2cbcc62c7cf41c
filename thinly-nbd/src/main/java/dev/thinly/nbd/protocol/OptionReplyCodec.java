package dev.thinly.nbd.protocol;

import dev.thinly.nbd.protocol.InfoReply.BlockSizeInfo;
import dev.thinly.nbd.protocol.InfoReply.DescriptionInfo;
import dev.thinly.nbd.protocol.InfoReply.ExportInfo;
import dev.thinly.nbd.protocol.InfoReply.NameInfo;
import dev.thinly.nbd.protocol.InfoReply.UnknownInfo;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Server-to-client messages of the handshake. Encoders return a new, flipped heap buffer holding a
 * complete reply (negotiation is not a hot path); decoders are for clients and tests.
 *
 * <pre>
 * reply header (20 bytes)   SERVER payload          INFO payload            META_CONTEXT payload
 *   0 u64 magic               0 u32 name length n     0 u16 info type         0 u32 context id
 *   8 u32 option              4 n   name              2 ... per type:         4 ... name
 *  12 u32 reply type        4+n ... description        EXPORT: u64 size, u16 flags
 *  16 u32 payload length                               NAME/DESCRIPTION: string
 *                                                      BLOCK_SIZE: u32 min, preferred, max
 * </pre>
 */
public final class OptionReplyCodec {
  public static final int HEADER_BYTES = 20;

  private OptionReplyCodec() {}

  /** A reply of {@code type} with the remaining bytes of {@code payload} (not consumed). */
  public static ByteBuffer encode(int option, OptionReplyType type, ByteBuffer payload) {
    ByteBuffer out = ByteBuffer.allocate(HEADER_BYTES + payload.remaining());
    out.putLong(NbdMagic.OPTION_REPLY)
        .putInt(option)
        .putInt(type.code())
        .putInt(payload.remaining())
        .put(payload.duplicate());
    return out.flip();
  }

  public static ByteBuffer ack(int option) {
    return encode(option, OptionReplyType.ACK, ByteBuffer.allocate(0));
  }

  /** An error reply with a message for humans (truncated to the 4096-byte string limit). */
  public static ByteBuffer error(int option, OptionReplyType type, String message) {
    if (!type.isError()) {
      throw new IllegalArgumentException(type + " is not an error reply");
    }
    return encode(option, type, ByteBuffer.wrap(NbdStrings.encodeTruncated(message, 4096)));
  }

  public static ByteBuffer server(int option, ExportListing export) {
    byte[] name = NbdStrings.encode(export.name());
    byte[] description = NbdStrings.encodeTruncated(export.description(), NbdStrings.MAX_BYTES);
    ByteBuffer payload = ByteBuffer.allocate(4 + name.length + description.length);
    payload.putInt(name.length).put(name).put(description).flip();
    return encode(option, OptionReplyType.SERVER, payload);
  }

  public static ByteBuffer info(int option, InfoReply info) {
    ByteBuffer payload =
        switch (info) {
          case ExportInfo e ->
              ByteBuffer.allocate(12)
                  .putShort((short) InfoType.EXPORT.code())
                  .putLong(e.sizeBytes())
                  .putShort((short) e.transmissionFlags());
          case NameInfo n -> stringInfo(InfoType.NAME, NbdStrings.encode(n.name()));
          case DescriptionInfo d ->
              stringInfo(
                  InfoType.DESCRIPTION,
                  NbdStrings.encodeTruncated(d.description(), NbdStrings.MAX_BYTES));
          case BlockSizeInfo b ->
              ByteBuffer.allocate(14)
                  .putShort((short) InfoType.BLOCK_SIZE.code())
                  .putInt((int) b.minimumBytes())
                  .putInt((int) b.preferredBytes())
                  .putInt((int) b.maximumBytes());
          case UnknownInfo u -> ByteBuffer.allocate(2).putShort((short) u.infoType());
        };
    return encode(option, OptionReplyType.INFO, payload.flip());
  }

  private static ByteBuffer stringInfo(InfoType type, byte[] value) {
    return ByteBuffer.allocate(2 + value.length).putShort((short) type.code()).put(value);
  }

  public static ByteBuffer metaContext(int option, MetaContext context) {
    byte[] name = NbdStrings.encode(context.name());
    ByteBuffer payload = ByteBuffer.allocate(4 + name.length);
    payload.putInt(context.contextId()).put(name).flip();
    return encode(option, OptionReplyType.META_CONTEXT, payload);
  }

  /**
   * Reads a reply header from the next 20 bytes of {@code src}.
   *
   * @throws NbdProtocolException on a wrong magic number
   */
  public static OptionReplyHeader decodeHeader(ByteBuffer src) {
    long magic = src.getLong();
    int option = src.getInt();
    int type = src.getInt();
    long length = Integer.toUnsignedLong(src.getInt());
    if (magic != NbdMagic.OPTION_REPLY) {
      throw new NbdProtocolException("option reply magic 0x" + Long.toHexString(magic));
    }
    return new OptionReplyHeader(option, type, length);
  }

  /** Decodes a SERVER payload (the whole buffer). */
  public static ExportListing decodeServer(ByteBuffer payload) {
    try {
      long nameLength = Integer.toUnsignedLong(payload.getInt());
      String name = NbdStrings.decode(payload, nameLength);
      String description = NbdStrings.decode(payload, payload.remaining());
      return new ExportListing(name, description);
    } catch (IllegalArgumentException | BufferUnderflowException e) {
      throw new NbdProtocolException("bad NBD_REP_SERVER payload: " + e.getMessage());
    }
  }

  /** Decodes an INFO payload (the whole buffer). */
  public static InfoReply decodeInfo(ByteBuffer payload) {
    try {
      int type = Short.toUnsignedInt(payload.getShort());
      InfoReply info =
          switch (InfoType.of(type).orElse(null)) {
            case EXPORT ->
                new ExportInfo(payload.getLong(), Short.toUnsignedInt(payload.getShort()));
            case NAME -> new NameInfo(NbdStrings.decode(payload, payload.remaining()));
            case DESCRIPTION ->
                new DescriptionInfo(NbdStrings.decode(payload, payload.remaining()));
            case BLOCK_SIZE ->
                new BlockSizeInfo(
                    Integer.toUnsignedLong(payload.getInt()),
                    Integer.toUnsignedLong(payload.getInt()),
                    Integer.toUnsignedLong(payload.getInt()));
            case null -> {
              payload.position(payload.limit());
              yield new UnknownInfo(type);
            }
          };
      if (payload.hasRemaining()) {
        throw new NbdProtocolException("INFO item " + type + " has trailing bytes");
      }
      return info;
    } catch (IllegalArgumentException | BufferUnderflowException e) {
      throw new NbdProtocolException("bad NBD_REP_INFO payload: " + e.getMessage());
    }
  }

  /** Decodes a META_CONTEXT payload (the whole buffer). */
  public static MetaContext decodeMetaContext(ByteBuffer payload) {
    try {
      int id = payload.getInt();
      return new MetaContext(id, NbdStrings.decode(payload, payload.remaining()));
    } catch (IllegalArgumentException | BufferUnderflowException e) {
      throw new NbdProtocolException("bad NBD_REP_META_CONTEXT payload: " + e.getMessage());
    }
  }

  /** Decodes the message of an error reply (the whole buffer); lenient about bad UTF-8. */
  public static String decodeErrorMessage(ByteBuffer payload) {
    byte[] bytes = new byte[payload.remaining()];
    payload.get(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
