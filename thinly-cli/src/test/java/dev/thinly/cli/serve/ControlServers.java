package dev.thinly.cli.serve;

import dev.thinly.cli.access.ControlProtocol;
import dev.thinly.thin.pool.ThinPool;
import java.util.function.IntSupplier;

/** Starts a control server on a pool without an NBD server, for tests of the control protocol. */
public final class ControlServers {
  private ControlServers() {}

  /**
   * Serves {@code pool}'s control socket; every export reports {@code connections} clients and
   * {@code disconnect} drops them.
   */
  public static ControlServer forTest(ThinPool pool, IntSupplier connections, Runnable disconnect) {
    LivePoolControl.Clients clients =
        new LivePoolControl.Clients() {
          @Override
          public int connections(String exportName) {
            return connections.getAsInt();
          }

          @Override
          public int disconnect(String exportName) {
            int n = connections.getAsInt();
            disconnect.run();
            return n;
          }
        };
    return ControlServer.start(
        ControlProtocol.socketPath(pool.directory()), new LivePoolControl(pool, clients, m -> {}), m -> {});
  }
}
