package dev.thinly.nbd.server;

import java.io.IOException;
import java.nio.ByteBuffer;

/** What the handshake needs from the connection around it. */
interface HandshakeHost {

  /** True once the server is shutting down: options are then answered with ERR_SHUTDOWN. */
  boolean shuttingDown();

  /**
   * Called before an export is opened to enter transmission, so that {@link
   * NbdServer#disconnect(String)} also finds connections that are about to use it.
   */
  void attaching(String exportName);

  /** The export named by the last {@link #attaching} was not entered (GO failed). */
  void attachFailed();

  /**
   * Upgrades the stream to TLS and runs the TLS handshake. Only called when TLS is on.
   *
   * @param prefetched bytes the client sent after STARTTLS that were already read
   */
  Transport startTls(ByteBuffer prefetched) throws IOException;
}
