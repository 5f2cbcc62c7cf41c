package dev.thinly.pdata.testkit;

import dev.thinly.pdata.io.BlockDevice;
import java.nio.ByteBuffer;

/**
 * A device that passes every call to another: tests that watch, stall or record some calls
 * override only those.
 */
public abstract class ForwardingBlockDevice implements BlockDevice {
  protected final BlockDevice inner;

  protected ForwardingBlockDevice(BlockDevice inner) {
    this.inner = inner;
  }

  @Override
  public String name() {
    return inner.name();
  }

  @Override
  public long sizeBytes() {
    return inner.sizeBytes();
  }

  @Override
  public void read(long offsetBytes, ByteBuffer dst) {
    inner.read(offsetBytes, dst);
  }

  @Override
  public void write(long offsetBytes, ByteBuffer src) {
    inner.write(offsetBytes, src);
  }

  @Override
  public void flush() {
    inner.flush();
  }

  @Override
  public void discard(long offsetBytes, long lengthBytes) {
    inner.discard(offsetBytes, lengthBytes);
  }

  @Override
  public void release(long offsetBytes, long lengthBytes) {
    inner.release(offsetBytes, lengthBytes);
  }

  @Override
  public void allocate(long offsetBytes, long lengthBytes) {
    inner.allocate(offsetBytes, lengthBytes);
  }

  @Override
  public void grow(long newSizeBytes) {
    inner.grow(newSizeBytes);
  }

  @Override
  public boolean growable() {
    return inner.growable();
  }

  @Override
  public long allocatedBytes() {
    return inner.allocatedBytes();
  }

  @Override
  public void close() {
    inner.close();
  }
}
