package dev.thinly.nbd.testkit;

import dev.thinly.nbd.protocol.ChunkHeader;
import dev.thinly.nbd.protocol.Command;
import dev.thinly.nbd.protocol.ExportInfoRequest;
import dev.thinly.nbd.protocol.HandshakeFlags;
import dev.thinly.nbd.protocol.InfoReply;
import dev.thinly.nbd.protocol.InfoType;
import dev.thinly.nbd.protocol.MetaContextRequest;
import dev.thinly.nbd.protocol.NbdMagic;
import dev.thinly.nbd.protocol.OptionCodec;
import dev.thinly.nbd.protocol.OptionReplyCodec;
import dev.thinly.nbd.protocol.OptionReplyHeader;
import dev.thinly.nbd.protocol.OptionReplyType;
import dev.thinly.nbd.protocol.OptionType;
import dev.thinly.nbd.protocol.RequestCodec;
import dev.thinly.nbd.protocol.RequestHeader;
import dev.thinly.nbd.protocol.SimpleReplyCodec;
import dev.thinly.nbd.protocol.StructuredReplyCodec;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A raw NBD client for protocol tests: every message can be sent by hand, including wrong ones, and
 * every reply is returned as decoded. Blocking and NOT thread-safe, except that requests may be
 * written from one thread while replies are read on another.
 */
public final class NbdTestClient implements AutoCloseable {
  private final Socket tcp;
  private final SocketChannel unix;
  private DataInputStream in;
  private OutputStream out;

  /** Lengths of simple-reply READs in flight, to know how much data follows each reply. */
  private final Map<Long, Integer> pendingReads = new ConcurrentHashMap<>();

  private boolean structuredReplies;

  private NbdTestClient(Socket tcp, SocketChannel unix, InputStream in, OutputStream out) {
    this.tcp = tcp;
    this.unix = unix;
    this.in = new DataInputStream(in);
    this.out = out;
  }

  public static NbdTestClient unix(Path socket) {
    try {
      SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
      ch.connect(UnixDomainSocketAddress.of(socket));
      return new NbdTestClient(null, ch, Channels.newInputStream(ch), Channels.newOutputStream(ch));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static NbdTestClient tcp(int port) {
    try {
      Socket s = new Socket();
      s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
      s.setTcpNoDelay(true);
      s.setSoTimeout(30_000);
      return new NbdTestClient(s, null, s.getInputStream(), s.getOutputStream());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A decoded option reply. */
  public record OptionReply(OptionReplyHeader header, ByteBuffer payload) {
    public boolean is(OptionReplyType type) {
      return header.replyType() == type.code();
    }

    public InfoReply info() {
      return OptionReplyCodec.decodeInfo(payload.duplicate());
    }
  }

  /** A decoded transmission reply: a simple reply or one structured chunk. */
  public sealed interface Reply {
    long cookie();

    /** A simple reply; {@code data} is the READ payload (empty otherwise). */
    record Simple(int error, long cookie, byte[] data) implements Reply {}

    /** One structured reply chunk. */
    record Chunk(ChunkHeader header, ByteBuffer payload) implements Reply {
      @Override
      public long cookie() {
        return header.cookie();
      }
    }
  }

  // --- handshake -------------------------------------------------------------------------------

  /** Reads the greeting and returns the handshake flags (checks both magic numbers). */
  public int readGreeting() {
    long magic = readLong();
    long opt = readLong();
    if (magic != NbdMagic.NBDMAGIC || opt != NbdMagic.IHAVEOPT) {
      throw new AssertionError(
          "bad greeting " + Long.toHexString(magic) + " " + Long.toHexString(opt));
    }
    return readShort();
  }

  public void sendClientFlags(int flags) {
    write(ByteBuffer.allocate(4).putInt(flags).flip());
  }

  /** Greeting plus fixed-newstyle client flags, as every modern client starts. */
  public NbdTestClient start() {
    readGreeting();
    sendClientFlags(HandshakeFlags.C_FIXED_NEWSTYLE | HandshakeFlags.C_NO_ZEROES);
    return this;
  }

  public void sendOption(int option, ByteBuffer data) {
    write(OptionCodec.encode(option, data));
  }

  public OptionReply readOptionReply() {
    ByteBuffer header = readBytes(OptionReplyCodec.HEADER_BYTES);
    OptionReplyHeader h = OptionReplyCodec.decodeHeader(header);
    return new OptionReply(h, readBytes((int) h.lengthBytes()));
  }

  /** Sends an option and reads replies up to and including the final one (ACK or an error). */
  public List<OptionReply> option(OptionType option, ByteBuffer data) {
    return option(option.code(), data);
  }

  public List<OptionReply> option(int option, ByteBuffer data) {
    sendOption(option, data);
    List<OptionReply> replies = new ArrayList<>();
    while (true) {
      OptionReply r = readOptionReply();
      replies.add(r);
      if (r.is(OptionReplyType.ACK) || OptionReplyType.isError(r.header().replyType())) {
        if (option == OptionType.STRUCTURED_REPLY.code() && r.is(OptionReplyType.ACK)) {
          structuredReplies = true;
        }
        return replies;
      }
    }
  }

  public List<OptionReply> info(OptionType infoOrGo, String export, InfoType... items) {
    List<Integer> codes = new ArrayList<>();
    for (InfoType t : items) {
      codes.add(t.code());
    }
    return option(infoOrGo, OptionCodec.encodeInfoRequest(new ExportInfoRequest(export, codes)));
  }

  public List<OptionReply> metaContext(OptionType listOrSet, String export, String... queries) {
    return option(
        listOrSet,
        OptionCodec.encodeMetaContextRequest(new MetaContextRequest(export, List.of(queries))));
  }

  /**
   * The usual negotiation: fixed newstyle, structured replies (if asked), {@code base:allocation}
   * (with structured replies), then GO. Returns the export size and flags.
   */
  public InfoReply.ExportInfo negotiate(String export, boolean structured) {
    start();
    if (structured) {
      expectAck(option(OptionType.STRUCTURED_REPLY, ByteBuffer.allocate(0)));
      metaContext(OptionType.SET_META_CONTEXT, export, "base:allocation");
    }
    List<OptionReply> replies = info(OptionType.GO, export, InfoType.BLOCK_SIZE);
    expectAck(replies);
    return replies.stream()
        .filter(r -> r.is(OptionReplyType.INFO))
        .map(OptionReply::info)
        .filter(InfoReply.ExportInfo.class::isInstance)
        .map(InfoReply.ExportInfo.class::cast)
        .findFirst()
        .orElseThrow();
  }

  private static void expectAck(List<OptionReply> replies) {
    if (!replies.getLast().is(OptionReplyType.ACK)) {
      throw new AssertionError(
          "expected ACK, got reply type 0x"
              + Integer.toHexString(replies.getLast().header().replyType())
              + ": "
              + OptionReplyCodec.decodeErrorMessage(replies.getLast().payload().duplicate()));
    }
  }

  /** Upgrades a TCP connection to TLS after the server acknowledged STARTTLS. */
  public void upgradeToTls(SSLContext context) {
    try {
      SSLSocket ssl =
          (SSLSocket)
              context.getSocketFactory().createSocket(tcp, "localhost", tcp.getPort(), true);
      ssl.setUseClientMode(true);
      ssl.startHandshake();
      in = new DataInputStream(ssl.getInputStream());
      out = ssl.getOutputStream();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // --- transmission ----------------------------------------------------------------------------

  public void send(RequestHeader request) {
    send(request, ByteBuffer.allocate(0));
  }

  public void send(RequestHeader request, ByteBuffer payload) {
    if (request.type() == Command.READ.code() && !structuredReplies) {
      pendingReads.put(request.cookie(), (int) request.lengthBytes());
    }
    ByteBuffer message = ByteBuffer.allocate(RequestCodec.HEADER_BYTES + payload.remaining());
    RequestCodec.encode(message, request);
    message.put(payload.duplicate()).flip();
    write(message);
  }

  /** Reads the next simple reply or structured chunk. */
  public Reply readReply() {
    int magic = readInt();
    if (magic == NbdMagic.SIMPLE_REPLY) {
      var r = SimpleReplyCodec.decodeAfterMagic(readBytes(12));
      Integer length = pendingReads.remove(r.cookie());
      byte[] data = new byte[length != null && r.error() == 0 ? length : 0];
      readFully(data);
      return new Reply.Simple(r.error(), r.cookie(), data);
    }
    if (magic == NbdMagic.STRUCTURED_REPLY) {
      ChunkHeader h = StructuredReplyCodec.decodeHeaderAfterMagic(readBytes(16));
      return new Reply.Chunk(h, readBytes((int) h.lengthBytes()));
    }
    throw new AssertionError("bad reply magic 0x" + Integer.toHexString(magic));
  }

  /** Reads chunks until the one flagged DONE; for structured replies to one request. */
  public List<Reply.Chunk> readStructuredReply() {
    List<Reply.Chunk> chunks = new ArrayList<>();
    while (true) {
      Reply r = readReply();
      if (!(r instanceof Reply.Chunk c)) {
        throw new AssertionError("expected a chunk, got " + r);
      }
      chunks.add(c);
      if (c.header().done()) {
        return chunks;
      }
    }
  }

  /** True if the server closed the connection (reading hits end of stream). */
  public boolean serverClosed() {
    try {
      return in.read() < 0;
    } catch (IOException e) {
      return true;
    }
  }

  /** Sends raw bytes (for malformed input). */
  public void write(ByteBuffer bytes) {
    try {
      byte[] array = new byte[bytes.remaining()];
      bytes.duplicate().get(array);
      out.write(array);
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public ByteBuffer readBytes(int n) {
    byte[] b = new byte[n];
    readFully(b);
    return ByteBuffer.wrap(b);
  }

  private void readFully(byte[] b) {
    try {
      in.readFully(b);
    } catch (EOFException e) {
      throw new UncheckedIOException("server closed the connection", e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private long readLong() {
    return readBytes(8).getLong();
  }

  private int readInt() {
    return readBytes(4).getInt();
  }

  private int readShort() {
    return Short.toUnsignedInt(readBytes(2).getShort());
  }

  @Override
  public void close() {
    try {
      if (tcp != null) {
        tcp.close();
      }
      if (unix != null) {
        unix.close();
      }
    } catch (IOException e) {
      // closing a test socket: nothing to do
    }
  }
}
