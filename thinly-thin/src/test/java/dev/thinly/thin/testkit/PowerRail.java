package dev.thinly.thin.testkit;

import dev.thinly.pdata.error.StorageIoException;
import dev.thinly.pdata.io.BlockDevice;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One power supply for several devices: counts their writes, discards and flushes together and
 * cuts the power at the n-th one, after which every operation on every device fails, as if the
 * machine had stopped. Pair with {@code FaultInjectingBlockDevice#crash} to get the images left.
 */
public final class PowerRail {
  private final AtomicLong ops = new AtomicLong();
  private final AtomicBoolean cut = new AtomicBoolean();
  private final long cutAt;

  /** Cuts the power before operation {@code cutAt} (1-based); 0 never. */
  public PowerRail(long cutAt) {
    this.cutAt = cutAt;
  }

  public boolean isCut() {
    return cut.get();
  }

  public long operations() {
    return ops.get();
  }

  /** Cuts now. */
  public void cut() {
    cut.set(true);
  }

  public BlockDevice wrap(BlockDevice d) {
    return new Powered(d);
  }

  private void before(String what, String device) {
    if (cut.get()) {
      throw dead(what, device);
    }
    if (ops.incrementAndGet() == cutAt) {
      cut.set(true);
      throw dead(what, device);
    }
  }

  private static StorageIoException dead(String what, String device) {
    return new StorageIoException(device, -1, what, new IOException("power cut"));
  }

  private final class Powered implements BlockDevice {
    private final BlockDevice inner;

    Powered(BlockDevice inner) {
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
      if (cut.get()) {
        throw dead("read", name());
      }
      inner.read(offsetBytes, dst);
    }

    @Override
    public void write(long offsetBytes, ByteBuffer src) {
      before("write", name());
      inner.write(offsetBytes, src);
    }

    @Override
    public void flush() {
      before("flush", name());
      inner.flush();
    }

    @Override
    public void discard(long offsetBytes, long lengthBytes) {
      before("discard", name());
      inner.discard(offsetBytes, lengthBytes);
    }

    @Override
    public void grow(long newSizeBytes) {
      before("grow", name());
      inner.grow(newSizeBytes);
    }

    @Override
    public boolean growable() {
      return inner.growable();
    }

    @Override
    public void close() {}
  }
}
