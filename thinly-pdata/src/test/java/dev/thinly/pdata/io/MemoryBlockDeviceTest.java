package dev.thinly.pdata.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MemoryBlockDeviceTest extends BlockDeviceContract {
  @Override
  BlockDevice create(long sizeBytes) {
    return new MemoryBlockDevice("mem", sizeBytes);
  }

  @Test
  void pagesAreAllocatedOnFirstWrite() {
    assertThat(device.allocatedBytes()).isZero();
    device.write(100, java.nio.ByteBuffer.wrap(new byte[] {1}));
    assertThat(device.allocatedBytes()).isEqualTo(64 * 1024);
  }

  @Test
  void aFixedSizeDeviceRefusesToGrow() {
    MemoryBlockDevice fixed = new MemoryBlockDevice("fixed", 4096, false);
    assertThat(fixed.growable()).isFalse();
    assertThatThrownBy(() -> fixed.grow(8192)).isInstanceOf(IllegalStateException.class);
    fixed.grow(4096);
  }
}
