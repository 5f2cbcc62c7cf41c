package dev.thinly.nbd.export;

import dev.thinly.nbd.protocol.ExportListing;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * An {@link ExportProvider} over exports that live longer than any connection (a {@link
 * MemoryExport} in a test, files in a demo). Connections get handles whose {@code close()} leaves
 * the shared export open; the registry does not own the exports either: whoever adds an export
 * closes it. Listed in name order. Thread-safe.
 */
public final class ExportRegistry implements ExportProvider {
  private final ConcurrentSkipListMap<String, Export> exports = new ConcurrentSkipListMap<>();

  /** Adds or replaces nothing: fails if the name is taken. Returns this for chaining. */
  public ExportRegistry add(Export export) {
    if (exports.putIfAbsent(export.name(), export) != null) {
      throw new IllegalArgumentException("an export named '" + export.name() + "' exists");
    }
    return this;
  }

  /**
   * Stops offering an export to new connections (existing ones keep their handles). Returns it,
   * still open.
   */
  public Optional<Export> remove(String name) {
    return Optional.ofNullable(exports.remove(name));
  }

  @Override
  public List<ExportListing> list() {
    return exports.values().stream()
        .map(e -> new ExportListing(e.name(), e.description()))
        .toList();
  }

  @Override
  public Optional<Export> open(String name) {
    return Optional.ofNullable(exports.get(name)).map(SharedHandle::new);
  }

  /** A per-connection view whose close leaves the shared export alone. */
  private static final class SharedHandle extends ExportFilter {
    SharedHandle(Export next) {
      super(next);
    }

    @Override
    public void close() {}
  }
}
