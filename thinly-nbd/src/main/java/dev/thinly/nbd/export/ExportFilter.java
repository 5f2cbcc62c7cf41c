package dev.thinly.nbd.export;

import java.nio.ByteBuffer;
import java.util.Set;

/**
 * A decorator over another export: every method forwards to {@link #next} unless a subclass
 * overrides it. Filters stack like nbdkit's filter chain (read-only, statistics, limits).
 */
public abstract class ExportFilter implements Export {
  protected final Export next;

  protected ExportFilter(Export next) {
    this.next = next;
  }

  @Override
  public String name() {
    return next.name();
  }

  @Override
  public String description() {
    return next.description();
  }

  @Override
  public long sizeBytes() {
    return next.sizeBytes();
  }

  @Override
  public boolean readOnly() {
    return next.readOnly();
  }

  @Override
  public BlockSizes blockSizes() {
    return next.blockSizes();
  }

  @Override
  public Set<ExportCapability> capabilities() {
    return next.capabilities();
  }

  @Override
  public void read(long offsetBytes, int lengthBytes, ReadSink sink) {
    next.read(offsetBytes, lengthBytes, sink);
  }

  @Override
  public void write(long offsetBytes, ByteBuffer data, boolean fua) {
    next.write(offsetBytes, data, fua);
  }

  @Override
  public void flush() {
    next.flush();
  }

  @Override
  public void trim(long offsetBytes, long lengthBytes, boolean fua) {
    next.trim(offsetBytes, lengthBytes, fua);
  }

  @Override
  public void writeZeroes(
      long offsetBytes, long lengthBytes, boolean noHole, boolean fastZero, boolean fua) {
    next.writeZeroes(offsetBytes, lengthBytes, noHole, fastZero, fua);
  }

  @Override
  public void blockStatus(long offsetBytes, long lengthBytes, ExtentSink sink) {
    next.blockStatus(offsetBytes, lengthBytes, sink);
  }

  @Override
  public void cache(long offsetBytes, long lengthBytes) {
    next.cache(offsetBytes, lengthBytes);
  }

  @Override
  public void close() {
    next.close();
  }
}
