package dev.thinly.nbd.protocol;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Client-to-server messages of the handshake: the option header and the data of the options that
 * carry structured data.
 *
 * <pre>
 * option header (16 bytes)      INFO / GO data                 LIST/SET_META_CONTEXT data
 *   0  u64 IHAVEOPT               0  u32 name length n           0  u32 name length n
 *   8  u32 option                 4  n   name                    4  n   name
 *  12  u32 data length           4+n u16 number of items k      4+n u32 number of queries
 *                               6+n k × u16 info type          8+n per query: u32 length, bytes
 * </pre>
 *
 * Decoders of option data consume the whole buffer and reject trailing bytes, throwing {@link
 * MalformedOptionException}, which the server answers with {@code NBD_REP_ERR_INVALID}.
 */
public final class OptionCodec {
  public static final int HEADER_BYTES = 16;

  private OptionCodec() {}

  /**
   * Reads a header from the next 16 bytes of {@code src}.
   *
   * @throws NbdProtocolException on a wrong magic number
   */
  public static OptionHeader decodeHeader(ByteBuffer src) {
    long magic = src.getLong();
    int option = src.getInt();
    long length = Integer.toUnsignedLong(src.getInt());
    if (magic != NbdMagic.IHAVEOPT) {
      throw new NbdProtocolException(
          "option magic 0x" + Long.toHexString(magic) + " is not IHAVEOPT");
    }
    return new OptionHeader(option, length);
  }

  public static void encodeHeader(ByteBuffer dst, OptionHeader header) {
    dst.putLong(NbdMagic.IHAVEOPT);
    dst.putInt(header.option());
    dst.putInt((int) header.lengthBytes());
  }

  /** A complete option (header and data) ready to send; {@code data} is not consumed. */
  public static ByteBuffer encode(int option, ByteBuffer data) {
    ByteBuffer out = ByteBuffer.allocate(HEADER_BYTES + data.remaining());
    encodeHeader(out, new OptionHeader(option, data.remaining()));
    out.put(data.duplicate());
    return out.flip();
  }

  /** The data of {@code NBD_OPT_EXPORT_NAME}: the whole buffer is the name. */
  public static String decodeExportName(int option, ByteBuffer data) {
    return string(option, data, data.remaining(), "export name");
  }

  public static ExportInfoRequest decodeInfoRequest(int option, ByteBuffer data) {
    long nameLength = u32(option, data, "name length");
    if (nameLength > data.remaining() - 2L) {
      throw new MalformedOptionException(
          option, "name length " + nameLength + " leaves no room for the item count");
    }
    String name = string(option, data, nameLength, "export name");
    int count = Short.toUnsignedInt(data.getShort());
    if (data.remaining() != 2L * count) {
      throw new MalformedOptionException(
          option, count + " info items need " + 2 * count + " bytes, got " + data.remaining());
    }
    List<Integer> items = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      items.add(Short.toUnsignedInt(data.getShort()));
    }
    return new ExportInfoRequest(name, items);
  }

  public static ByteBuffer encodeInfoRequest(ExportInfoRequest request) {
    byte[] name = NbdStrings.encode(request.exportName());
    ByteBuffer out = ByteBuffer.allocate(4 + name.length + 2 + 2 * request.infoTypes().size());
    out.putInt(name.length).put(name).putShort((short) request.infoTypes().size());
    for (int type : request.infoTypes()) {
      out.putShort((short) type);
    }
    return out.flip();
  }

  public static MetaContextRequest decodeMetaContextRequest(int option, ByteBuffer data) {
    long nameLength = u32(option, data, "name length");
    if (nameLength > data.remaining() - 4L) {
      throw new MalformedOptionException(
          option, "name length " + nameLength + " leaves no room for the query count");
    }
    String name = string(option, data, nameLength, "export name");
    long count = u32(option, data, "query count");
    // each query needs at least its 4-byte length: a cheap bound before allocating anything
    if (count > data.remaining() / 4) {
      throw new MalformedOptionException(
          option, count + " queries cannot fit in " + data.remaining() + " bytes");
    }
    List<String> queries = new ArrayList<>((int) count);
    for (long i = 0; i < count; i++) {
      long length = u32(option, data, "query length");
      queries.add(string(option, data, length, "query"));
    }
    if (data.hasRemaining()) {
      throw new MalformedOptionException(option, data.remaining() + " trailing bytes");
    }
    return new MetaContextRequest(name, queries);
  }

  public static ByteBuffer encodeMetaContextRequest(MetaContextRequest request) {
    byte[] name = NbdStrings.encode(request.exportName());
    List<byte[]> queries = request.queries().stream().map(NbdStrings::encode).toList();
    int size = 4 + name.length + 4 + queries.stream().mapToInt(q -> 4 + q.length).sum();
    ByteBuffer out = ByteBuffer.allocate(size);
    out.putInt(name.length).put(name).putInt(queries.size());
    for (byte[] q : queries) {
      out.putInt(q.length).put(q);
    }
    return out.flip();
  }

  private static long u32(int option, ByteBuffer data, String what) {
    if (data.remaining() < 4) {
      throw new MalformedOptionException(option, "option data ends before the " + what);
    }
    return Integer.toUnsignedLong(data.getInt());
  }

  private static String string(int option, ByteBuffer data, long lengthBytes, String what) {
    try {
      return NbdStrings.decode(data, lengthBytes);
    } catch (IllegalArgumentException e) {
      throw new MalformedOptionException(option, what + ": " + e.getMessage());
    }
  }
}
