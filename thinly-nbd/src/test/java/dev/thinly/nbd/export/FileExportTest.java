package dev.thinly.nbd.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.thinly.pdata.error.ReadOnlyException;
import dev.thinly.pdata.error.StorageIoException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileExportTest extends ExportContract {
  @TempDir Path dir;

  @Override
  Export create() throws Exception {
    Path file = dir.resolve("disk.img");
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.setLength(SIZE);
    }
    return FileExport.open(file, "file", "a file", false);
  }

  @Test
  void writesReachTheFile() throws Exception {
    byte[] data = random(4096, 9);
    export.write(4096, ByteBuffer.wrap(data), true);
    byte[] onDisk = Files.readAllBytes(dir.resolve("disk.img"));
    assertThat(java.util.Arrays.copyOfRange(onDisk, 4096, 8192)).isEqualTo(data);
  }

  @Test
  void fastZeroIsRefusedBeforeAnythingChanges() {
    byte[] data = random(4096, 10);
    export.write(0, ByteBuffer.wrap(data), false);
    assertThatThrownBy(() -> export.writeZeroes(0, 4096, false, true, false))
        .isInstanceOf(FastZeroUnsupportedException.class);
    assertThat(read(0, 4096)).isEqualTo(data);
  }

  @Test
  void readOnlyFilesRefuseWritesAndAdvertiseNoWriteFeatures() {
    FileExport ro = FileExport.open(dir.resolve("disk.img"), "ro", "", true);
    try {
      assertThat(ro.capabilities())
          .doesNotContain(
              ExportCapability.TRIM, ExportCapability.WRITE_ZEROES, ExportCapability.FUA);
      assertThatThrownBy(() -> ro.write(0, ByteBuffer.allocate(1), false))
          .isInstanceOf(ReadOnlyException.class);
    } finally {
      ro.close();
    }
  }

  @Test
  void missingFilesFailToOpen() {
    assertThatThrownBy(() -> FileExport.open(dir.resolve("nope"), "n", "", false))
        .isInstanceOf(StorageIoException.class);
  }
}
