package dev.thinly.cli.image;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CompressionTest {
  private static Compression detect(int... bytes) {
    byte[] head = new byte[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      head[i] = (byte) bytes[i];
    }
    return Compression.detect(head, head.length);
  }

  @Test
  void formatsAreKnownByTheirMagicBytes() {
    assertThat(detect(0x1f, 0x8b, 8, 0)).isEqualTo(Compression.GZIP);
    assertThat(detect(0x28, 0xb5, 0x2f, 0xfd, 0x24)).isEqualTo(Compression.ZSTD);
    assertThat(detect(0xfd, '7', 'z', 'X', 'Z', 0)).isEqualTo(Compression.XZ);
  }

  @Test
  void anythingElseIsRaw() {
    assertThat(detect(0xeb, 0x63, 0x90)).isEqualTo(Compression.NONE); // an MBR boot sector
    assertThat(detect(0, 0, 0, 0, 0, 0)).isEqualTo(Compression.NONE);
    assertThat(detect(0x1f)).isEqualTo(Compression.NONE); // too short to be gzip
    assertThat(detect(0xfd, '7', 'z', 'X', 'Z')).isEqualTo(Compression.NONE);
  }
}
