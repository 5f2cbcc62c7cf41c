package dev.thinly.nbd.export;

import dev.thinly.pdata.error.ReadOnlyException;
import java.nio.ByteBuffer;
import java.util.EnumSet;
import java.util.Set;

/**
 * Serves an export read-only: the read-only flag is set, the write features are not advertised, and
 * writes that reach the filter anyway fail with {@link ReadOnlyException} (EPERM).
 */
public final class ReadOnlyFilter extends ExportFilter {
  private final Set<ExportCapability> capabilities;

  public ReadOnlyFilter(Export next) {
    super(next);
    EnumSet<ExportCapability> caps = EnumSet.noneOf(ExportCapability.class);
    caps.addAll(next.capabilities());
    caps.removeAll(
        EnumSet.of(
            ExportCapability.TRIM,
            ExportCapability.WRITE_ZEROES,
            ExportCapability.FAST_ZERO,
            ExportCapability.FUA));
    this.capabilities = Set.copyOf(caps);
  }

  @Override
  public boolean readOnly() {
    return true;
  }

  @Override
  public Set<ExportCapability> capabilities() {
    return capabilities;
  }

  @Override
  public void write(long offsetBytes, ByteBuffer data, boolean fua) {
    throw refused();
  }

  @Override
  public void trim(long offsetBytes, long lengthBytes, boolean fua) {
    throw refused();
  }

  @Override
  public void writeZeroes(
      long offsetBytes, long lengthBytes, boolean noHole, boolean fastZero, boolean fua) {
    throw refused();
  }

  private ReadOnlyException refused() {
    return new ReadOnlyException("export " + name(), "");
  }
}
