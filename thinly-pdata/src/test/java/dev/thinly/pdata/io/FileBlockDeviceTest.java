package dev.thinly.pdata.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.thinly.pdata.error.StorageIoException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileBlockDeviceTest extends BlockDeviceContract {
  @TempDir Path dir;

  @Override
  BlockDevice create(long sizeBytes) {
    return FileBlockDevice.create(dir.resolve("dev.img"), sizeBytes);
  }

  @Test
  void aCreatedFileIsSparseAndHasTheSize() throws Exception {
    Path p = dir.resolve("dev.img");
    assertThat(Files.size(p)).isEqualTo(SIZE_BYTES);
    assertThat(device.allocatedBytes()).isLessThan(SIZE_BYTES);
    assertThat(((FileBlockDevice) device).isBlockDevice()).isFalse();
    assertThat(FileBlockDevice.isBlockDevice(p)).isFalse();
  }

  @Test
  void reopenedFilesKeepTheirContent() {
    device.write(8192, ByteBuffer.wrap(random(4096, 11)));
    device.flush();
    device.close();
    device = FileBlockDevice.open(dir.resolve("dev.img"));
    assertThat(device.sizeBytes()).isEqualTo(SIZE_BYTES);
    assertThat(read(8192, 4096)).isEqualTo(random(4096, 11));
  }

  @Test
  void readOnlyDevicesCannotGrow() {
    device.close();
    device = FileBlockDevice.open(dir.resolve("dev.img"), true);
    assertThat(device.growable()).isFalse();
    assertThatThrownBy(() -> device.grow(2 * SIZE_BYTES)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void openingAMissingFileFails() {
    assertThatThrownBy(() -> FileBlockDevice.open(dir.resolve("missing")))
        .isInstanceOf(StorageIoException.class);
  }
}
