package dev.thinly.cli.access;

import dev.thinly.pdata.error.BusyException;
import dev.thinly.pdata.error.ClosedException;
import dev.thinly.thin.pool.PoolStatus;
import dev.thinly.thin.pool.VolumeInfo;
import dev.thinly.thin.pool.VolumeUsage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * {@link PoolAccess} to a pool that a running {@code thinly serve} owns, through its control socket
 * (see {@link ControlProtocol}). This process never opens the pool's files.
 */
public final class RemotePoolAccess implements PoolAccess {
  private final Path dir;
  private final SocketChannel channel;
  private final BufferedReader in;
  private final OutputStream out;

  private RemotePoolAccess(Path dir, SocketChannel channel) {
    this.dir = dir;
    this.channel = channel;
    this.in = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8));
    this.out = Channels.newOutputStream(channel);
  }

  /** Connects to the server of the pool at {@code dir}; empty if none is running. */
  public static Optional<RemotePoolAccess> connect(Path dir) {
    Path socket = ControlProtocol.socketPath(dir);
    if (!Files.exists(socket)) {
      return Optional.empty();
    }
    try {
      SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
      try {
        ch.connect(UnixDomainSocketAddress.of(socket));
      } catch (IOException e) {
        ch.close();
        return Optional.empty(); // a socket file left by a server that is gone
      }
      return Optional.of(new RemotePoolAccess(dir, ch));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private JsonNode call(ControlProtocol.Request request) {
    try {
      byte[] line = ControlProtocol.JSON.writeValueAsBytes(request);
      out.write(line);
      out.write('\n');
      out.flush();
      String answer = in.readLine();
      if (answer == null) {
        throw new ClosedException("thinly serve of " + dir + " (it stopped)");
      }
      ControlProtocol.Response r = ControlProtocol.JSON.readValue(answer, ControlProtocol.Response.class);
      if (r.error() != null) {
        throw r.error().toException();
      }
      return r.result();
    } catch (IOException e) {
      throw new ClosedException("thinly serve of " + dir + " (" + e.getMessage() + ")");
    }
  }

  private <T> T call(ControlProtocol.Request request, Class<T> type) {
    return ControlProtocol.JSON.treeToValue(call(request), type);
  }

  private static ControlProtocol.Request named(String op, String name) {
    return new ControlProtocol.Request(op, name, null, null, null, null, false, false, null);
  }

  @Override
  public Path location() {
    return dir;
  }

  @Override
  public PoolStatus status() {
    return call(ControlProtocol.Request.of("status"), PoolStatus.class);
  }

  @Override
  public long metadataSizeBytes() {
    return call(ControlProtocol.Request.of("metadata_size"), Long.class);
  }

  @Override
  public void grow(long dataSizeBytes, long metadataSizeBytes) {
    call(new ControlProtocol.Request("grow", null, null, null, dataSizeBytes, metadataSizeBytes, false, false, null));
  }

  @Override
  public VolumeInfo create(String name, long sizeBytes, Map<String, String> labels) {
    return call(
        new ControlProtocol.Request("create", name, null, sizeBytes, null, null, false, false, labels),
        VolumeInfo.class);
  }

  @Override
  public VolumeInfo snapshot(String source, String name, boolean readOnly) {
    return call(
        new ControlProtocol.Request("snapshot", name, source, null, null, null, readOnly, false, null),
        VolumeInfo.class);
  }

  @Override
  public void delete(String name, boolean force) {
    call(new ControlProtocol.Request("delete", name, null, null, null, null, false, force, null));
  }

  @Override
  public VolumeInfo resize(String name, long sizeBytes, boolean force) {
    return call(
        new ControlProtocol.Request("resize", name, null, sizeBytes, null, null, false, force, null),
        VolumeInfo.class);
  }

  @Override
  public Optional<VolumeInfo> find(String name) {
    JsonNode r = call(named("find", name));
    return r == null || r.isNull() ? Optional.empty() : Optional.of(ControlProtocol.JSON.treeToValue(r, VolumeInfo.class));
  }

  @Override
  public List<VolumeUsage> list() {
    return Arrays.asList(call(ControlProtocol.Request.of("list"), VolumeUsage[].class));
  }

  @Override
  public VolumeIo open(String name) {
    throw new BusyException(
        "the pool at " + dir + " is being served by thinly serve; reach volume '" + name
            + "' over NBD instead, e.g. qemu-img convert -n -O raw IMAGE 'nbd+unix:///" + name
            + "?socket=SOCKET' (see 'thinly serve --help')");
  }

  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException e) {
      // nothing was pending
    }
  }
}
