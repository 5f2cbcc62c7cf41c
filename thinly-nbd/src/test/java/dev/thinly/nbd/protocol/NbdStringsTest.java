package dev.thinly.nbd.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class NbdStringsTest {

  @Test
  void decodesUtf8() {
    ByteBuffer src = ByteBuffer.wrap("vol-é".getBytes(StandardCharsets.UTF_8));
    assertThat(NbdStrings.decode(src, 6)).isEqualTo("vol-é");
    assertThat(src.remaining()).isZero();
  }

  @Test
  void rejectsNulInvalidUtf8AndOverlongStrings() {
    assertThatThrownBy(() -> NbdStrings.decode(ByteBuffer.wrap(new byte[] {'a', 0}), 2))
        .hasMessageContaining("NUL");
    assertThatThrownBy(() -> NbdStrings.decode(ByteBuffer.wrap(new byte[] {(byte) 0xc3}), 1))
        .hasMessageContaining("UTF-8");
    assertThatThrownBy(() -> NbdStrings.decode(ByteBuffer.allocate(5000), 4097))
        .hasMessageContaining("4096");
    assertThatThrownBy(() -> NbdStrings.decode(ByteBuffer.allocate(3), 4))
        .hasMessageContaining("only 3 left");
    assertThatThrownBy(() -> NbdStrings.encode("a\0b")).hasMessageContaining("NUL");
    assertThatThrownBy(() -> NbdStrings.encode("x".repeat(4097))).hasMessageContaining("4096");
  }

  @Test
  void truncationKeepsWholeCharacters() {
    byte[] cut = NbdStrings.encodeTruncated("aé", 2);
    assertThat(new String(cut, StandardCharsets.UTF_8)).isEqualTo("a");
    assertThat(NbdStrings.encodeTruncated("a\0b", 10))
        .isEqualTo("a?b".getBytes(StandardCharsets.UTF_8));
  }
}
