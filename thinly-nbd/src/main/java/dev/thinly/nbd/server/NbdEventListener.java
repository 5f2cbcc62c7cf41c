package dev.thinly.nbd.server;

/**
 * Receives server events, synchronously on the thread that caused them (so keep it quick:
 * formatting one log line is fine, blocking I/O is not). Exceptions it throws are ignored.
 */
@FunctionalInterface
public interface NbdEventListener {
  /** Drops every event. */
  NbdEventListener NONE = event -> {};

  void onEvent(NbdEvent event);
}
