package dev.thinly.nbd.server;

import dev.thinly.nbd.export.Export;
import dev.thinly.nbd.export.ExportCapability;
import dev.thinly.nbd.protocol.Command;
import dev.thinly.nbd.protocol.CommandFlag;
import dev.thinly.nbd.protocol.NbdError;
import dev.thinly.nbd.protocol.NbdProtocolException;
import dev.thinly.nbd.protocol.RequestCodec;
import dev.thinly.nbd.protocol.RequestHeader;
import dev.thinly.nbd.protocol.SimpleReplyCodec;
import dev.thinly.nbd.protocol.StructuredReplyCodec;
import dev.thinly.nbd.server.NbdEvent.RequestFailed;
import dev.thinly.nbd.server.NbdEvent.RequestRejected;
import dev.thinly.pdata.error.ClosedException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.ThreadFactory;
import java.util.function.BooleanSupplier;

/**
 * The transmission phase of one connection: the reader loop that decodes and validates requests,
 * and the execution of each valid request on a virtual thread of its own.
 *
 * <p>Every request read ends in exactly one reply (except DISC), and every reply releases what its
 * request held: its in-flight permit, its pooled buffers. When the client leaves (DISC, end of
 * stream) or the socket breaks, {@link #run()} waits for the requests in flight to finish before
 * returning, so the connection never closes its export under a running request.
 */
final class Transmission {
  /** Read-ahead for request headers and small payloads. */
  static final int INPUT_BUFFER_BYTES = 64 * 1024;

  private static final ThreadFactory WORKERS = Thread.ofVirtual().name("nbd-request-", 0).factory();

  private final Session session;
  private final Export export;
  private final long connectionId;
  private final BufferPool pool;
  private final InFlightLimiter limiter;
  private final ReplySender sender;
  private final BooleanSupplier shuttingDown;
  private final NbdEventListener events;
  private long requests;

  Transmission(
      Session session,
      long connectionId,
      BufferPool pool,
      InFlightLimiter limiter,
      BooleanSupplier shuttingDown,
      NbdEventListener events) {
    // events is the server's guarded listener, which never throws
    this.session = session;
    this.export = session.export();
    this.connectionId = connectionId;
    this.pool = pool;
    this.limiter = limiter;
    this.sender = new ReplySender(session.transport());
    this.shuttingDown = shuttingDown;
    this.events = events;
  }

  /**
   * Serves requests until the client disconnects; returns why it ended.
   *
   * @throws NbdProtocolException if the client broke the framing (bad magic, oversized WRITE)
   * @throws IOException if the stream broke
   */
  String run() throws IOException {
    try {
      return readLoop();
    } finally {
      limiter.awaitIdle();
    }
  }

  /** Requests read so far. */
  long requests() {
    return requests;
  }

  private String readLoop() throws IOException {
    ByteBuffer headerBytes = ByteBuffer.allocate(RequestCodec.HEADER_BYTES);
    while (true) {
      headerBytes.clear();
      if (!session.input().readFullyOrEof(headerBytes)) {
        return "client closed the connection";
      }
      RequestHeader request = RequestCodec.decode(headerBytes.flip());
      requests++;
      if (request.type() == Command.DISC.code()) {
        return "client disconnected";
      }
      if (request.type() == Command.WRITE.code()) {
        acceptWrite(request);
      } else {
        accept(request);
      }
    }
  }

  private void acceptWrite(RequestHeader request) throws IOException {
    long length = request.lengthBytes();
    if (length > NbdServer.MAX_PAYLOAD_BYTES) {
      // the spec lets a server treat payloads over 32 MiB as denial of service; skipping them
      // would mean reading up to 4 GiB for nothing
      throw new NbdProtocolException(
          "WRITE payload of " + length + " bytes exceeds the 32 MiB limit");
    }
    limiter.acquire(length);
    ByteBuffer payload = pool.acquire((int) length);
    try {
      session.input().readFully(payload);
    } catch (IOException | RuntimeException e) {
      pool.release(payload);
      limiter.release(length);
      throw e;
    }
    payload.flip();
    Command command;
    try {
      command = admit(request);
    } catch (RuntimeException e) {
      pool.release(payload);
      reject(request, e, length);
      return;
    }
    WORKERS.newThread(() -> execute(request, command, payload, length)).start();
  }

  private void accept(RequestHeader request) {
    Command command;
    try {
      command = admit(request);
    } catch (RuntimeException e) {
      limiter.acquire(0);
      reject(request, e, 0);
      return;
    }
    long cost = command == Command.READ ? request.lengthBytes() : 0;
    limiter.acquire(cost);
    WORKERS.newThread(() -> execute(request, command, null, cost)).start();
  }

  private Command admit(RequestHeader request) {
    Command command = RequestValidator.validate(request, session);
    if (shuttingDown.getAsBoolean()) {
      throw new ClosedException("server");
    }
    return command;
  }

  /** Answers a request that failed validation; the export never sees it. */
  private void reject(RequestHeader request, RuntimeException reason, long cost) {
    NbdError error = NbdErrors.of(reason);
    if (!(reason instanceof ClosedException)) {
      emit(
          new RequestRejected(
              connectionId,
              session.exportName(),
              commandName(request),
              request.offsetBytes(),
              request.lengthBytes(),
              error,
              String.valueOf(reason.getMessage())));
    }
    sender.send(errorReply(request, error, reason.getMessage(), () -> limiter.release(cost)));
  }

  private void execute(RequestHeader request, Command command, ByteBuffer payload, long cost) {
    Runnable done = () -> limiter.release(cost);
    OutgoingReply reply;
    try {
      reply = perform(request, command, payload, done);
    } catch (Throwable failure) {
      NbdError error = NbdErrors.of(failure);
      if (error != NbdError.ENOTSUP) {
        // ENOTSUP is the expected answer to a fast-zero probe, not a failure worth a log line
        emit(
            new RequestFailed(
                connectionId,
                session.exportName(),
                command.name(),
                request.offsetBytes(),
                request.lengthBytes(),
                error,
                failure));
      }
      sender.send(errorReply(request, error, failure.getMessage(), done));
      if (failure instanceof Error e) {
        throw e;
      }
      return;
    }
    sender.send(reply);
  }

  private OutgoingReply perform(
      RequestHeader request, Command command, ByteBuffer payload, Runnable done) {
    long offset = request.offsetBytes();
    long length = request.lengthBytes();
    boolean fua = request.hasFlag(CommandFlag.FUA);
    switch (command) {
      case READ -> {
        return read(request, done);
      }
      case WRITE -> {
        try {
          export.write(offset, payload, fua);
        } finally {
          pool.release(payload);
        }
      }
      case FLUSH -> export.flush();
      case TRIM -> export.trim(offset, length, fua);
      case WRITE_ZEROES ->
          export.writeZeroes(
              offset,
              length,
              request.hasFlag(CommandFlag.NO_HOLE),
              request.hasFlag(CommandFlag.FAST_ZERO),
              fua);
      case CACHE -> {
        if (export.can(ExportCapability.CACHE)) {
          export.cache(offset, length);
        }
      }
      case BLOCK_STATUS -> {
        BlockStatusReply status =
            new BlockStatusReply(
                session.exportName(), length, request.hasFlag(CommandFlag.REQ_ONE));
        export.blockStatus(offset, length, status);
        return new OutgoingReply(
            new ByteBuffer[] {status.finish(request.cookie(), session.metaContextId())}, done);
      }
      case DISC, RESIZE -> throw new IllegalStateException(command + " is never executed");
    }
    return new OutgoingReply(new ByteBuffer[] {SimpleReplyCodec.encode(0, request.cookie())}, done);
  }

  private OutgoingReply read(RequestHeader request, Runnable done) {
    ReadReply reply =
        new ReadReply(
            pool,
            session.exportName(),
            request.cookie(),
            request.offsetBytes(),
            (int) request.lengthBytes(),
            session.structuredReplies(),
            request.hasFlag(CommandFlag.DF));
    try {
      export.read(request.offsetBytes(), (int) request.lengthBytes(), reply);
      return reply.finish(done);
    } catch (RuntimeException | Error e) {
      reply.abandon();
      throw e;
    }
  }

  /**
   * An error reply: a structured ERROR chunk with the message when structured replies were
   * negotiated (mandatory for READ, and it lets clients show the reason), else a simple reply.
   */
  private OutgoingReply errorReply(
      RequestHeader request, NbdError error, String message, Runnable done) {
    ByteBuffer reply =
        session.structuredReplies()
            ? StructuredReplyCodec.encodeError(
                StructuredReplyCodec.FLAG_DONE,
                request.cookie(),
                error.code(),
                message == null ? error.name() : message)
            : SimpleReplyCodec.encode(error.code(), request.cookie());
    return new OutgoingReply(new ByteBuffer[] {reply}, done);
  }

  private static String commandName(RequestHeader request) {
    return Command.of(request.type()).map(Enum::name).orElse("command " + request.type());
  }

  private void emit(NbdEvent event) {
    events.onEvent(event);
  }
}
