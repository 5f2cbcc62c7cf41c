package dev.thinly.thin.metadata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.thinly.pdata.error.InvalidRequestException;
import dev.thinly.pdata.error.NoSpaceException;
import dev.thinly.pdata.io.MemoryBlockDevice;
import org.junit.jupiter.api.Test;

class PoolBuilderTest {
  private static final PoolBuilder.Header HEADER = new PoolBuilder.Header(128, 10_000, 1, 2, 0);

  private static PoolBuilder builder(long sizeBytes, boolean growable) {
    return PoolBuilder.start(new MemoryBlockDevice("mem", sizeBytes, growable), growable, 1 << 20, HEADER);
  }

  @Test
  void refusesMappingsThatDoNotAscendAcrossDefs() {
    try (PoolBuilder b = builder(1 << 20, false)) {
      b.beginDef("a");
      b.mapRun(100, 0, 200, 0);
      b.endDef();
      b.beginDevice(0, 0, 0, 0);
      b.refDef("a");
      assertThatThrownBy(() -> b.map(150, 5000, 0))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("must ascend");
    }
    try (PoolBuilder b = builder(1 << 20, false)) {
      b.beginDef("a");
      b.mapRun(100, 0, 200, 0);
      b.endDef();
      b.beginDevice(0, 0, 0, 0);
      b.map(120, 5000, 0);
      assertThatThrownBy(() -> b.refDef("a")).hasMessageContaining("must ascend");
    }
  }

  @Test
  void refusesDataBlocksBeyondThePoolAndUnknownDefs() {
    try (PoolBuilder b = builder(1 << 20, false)) {
      b.beginDevice(0, 0, 0, 0);
      assertThatThrownBy(() -> b.map(0, 10_000, 0)).isInstanceOf(InvalidRequestException.class);
      assertThatThrownBy(() -> b.refDef("nope")).isInstanceOf(InvalidRequestException.class);
    }
  }

  @Test
  void aFixedDeviceThatIsTooSmallIsOutOfSpace() {
    try (PoolBuilder b = builder(4 * 4096, false)) {
      b.beginDevice(0, 0, 0, 0);
      assertThatThrownBy(() -> {
            for (int i = 0; i < 2000; i++) {
              b.map(i, i, 0);
            }
            b.endDevice();
          })
          .isInstanceOf(NoSpaceException.class)
          .hasMessageContaining("too small");
    }
  }

  @Test
  void aGrowableDeviceEndsInWholeMegabytesAndCountsItsMappings() {
    MemoryBlockDevice device = new MemoryBlockDevice("mem", 4096, true);
    try (PoolBuilder b = PoolBuilder.start(device, true, 1 << 20, HEADER)) {
      b.beginDevice(7, 0, 0, 0);
      for (int i = 0; i < 5000; i++) {
        b.map(2L * i, i, i % 2);
      }
      b.endDevice();
      PoolBuilder.Summary s = b.commit(PoolBuilder.estimateBlocks(HEADER.nrDataBlocks(), 1));
      assertThat(s.mappings()).isEqualTo(5000);
      assertThat(s.devices()).isEqualTo(1);
      assertThat(s.dataBlocksUsed()).isEqualTo(5000);
      assertThat(s.metadataBlocks() % 256).isZero();
      assertThat(device.sizeBytes()).isEqualTo(s.metadataBlocks() * 4096);
    }
  }
}
