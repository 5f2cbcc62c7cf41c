package dev.thinly.cli.image;

/** Where import and export report how far they are. Implementations must be thread-safe. */
public interface Progress extends AutoCloseable {
  /** Reports nothing. */
  Progress NONE =
      new Progress() {
        @Override
        public void update(long doneBytes, long totalBytes) {}

        @Override
        public void close() {}
      };

  /**
   * @param doneBytes bytes processed so far
   * @param totalBytes bytes there are in all, or -1 if unknown (a stream)
   */
  void update(long doneBytes, long totalBytes);

  /** The work ended (either way). */
  @Override
  void close();
}
