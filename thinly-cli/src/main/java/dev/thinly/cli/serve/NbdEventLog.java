package dev.thinly.cli.serve;

import dev.thinly.nbd.server.NbdEvent;
import dev.thinly.nbd.server.NbdEventListener;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Logs NBD server events. A misbehaving client can send thousands of bad requests a second, so
 * rejected requests are logged at most once per connection per second, with a count of those
 * left out.
 */
final class NbdEventLog implements NbdEventListener {
  private static final long QUIET_NANOS = 1_000_000_000L;

  private final ServeLog log;
  private final ConcurrentHashMap<Long, long[]> rejected = new ConcurrentHashMap<>();
  private final AtomicLong suppressed = new AtomicLong();

  NbdEventLog(ServeLog log) {
    this.log = log;
  }

  @Override
  public void onEvent(NbdEvent event) {
    switch (event) {
      case NbdEvent.RequestRejected r -> {
        long now = System.nanoTime();
        long[] last = rejected.computeIfAbsent(r.connectionId(), id -> new long[] {now - QUIET_NANOS});
        synchronized (last) {
          if (now - last[0] < QUIET_NANOS) {
            suppressed.incrementAndGet();
            return;
          }
          last[0] = now;
        }
        long left = suppressed.getAndSet(0);
        log.warning(r.describe() + (left > 0 ? " (" + left + " similar lines left out)" : ""));
      }
      case NbdEvent.ConnectionClosed c -> {
        rejected.remove(c.connectionId());
        log.info(c.describe());
      }
      case NbdEvent.RequestFailed f -> log.warning(f.describe());
      case NbdEvent.ProtocolViolation p -> log.warning(p.describe());
      case NbdEvent.ConnectionRefused c -> log.warning(c.describe());
      default -> log.info(event.describe());
    }
  }
}
