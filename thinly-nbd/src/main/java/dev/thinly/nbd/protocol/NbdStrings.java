package dev.thinly.nbd.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Strings on the wire: UTF-8, not NUL-terminated, no NUL inside, at most 4096 bytes (names, error
 * messages, descriptions, context names).
 */
public final class NbdStrings {
  /** The hard limit of the spec. */
  public static final int MAX_BYTES = 4096;

  private NbdStrings() {}

  /**
   * Decodes {@code lengthBytes} bytes from {@code src} (advancing it).
   *
   * @throws IllegalArgumentException if the bytes are not a valid protocol string or {@code src}
   *     has fewer bytes
   */
  public static String decode(ByteBuffer src, long lengthBytes) {
    if (lengthBytes < 0 || lengthBytes > MAX_BYTES) {
      throw new IllegalArgumentException("string of " + lengthBytes + " bytes exceeds 4096");
    }
    int n = (int) lengthBytes;
    if (n > src.remaining()) {
      throw new IllegalArgumentException(
          "string of " + n + " bytes but only " + src.remaining() + " left");
    }
    ByteBuffer bytes = src.slice(src.position(), n);
    src.position(src.position() + n);
    for (int i = 0; i < n; i++) {
      if (bytes.get(i) == 0) {
        throw new IllegalArgumentException("string contains NUL");
      }
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(bytes)
          .toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("string is not valid UTF-8", e);
    }
  }

  /**
   * Encodes {@code s} as UTF-8.
   *
   * @throws IllegalArgumentException if it contains NUL or is longer than 4096 bytes
   */
  public static byte[] encode(String s) {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    if (bytes.length > MAX_BYTES) {
      throw new IllegalArgumentException("string of " + bytes.length + " bytes exceeds 4096");
    }
    if (s.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("string contains NUL");
    }
    return bytes;
  }

  /**
   * Encodes at most {@code maxBytes} bytes of {@code s}, cutting at a character boundary; for
   * messages, where shortening beats failing. NUL characters become '?'.
   */
  public static byte[] encodeTruncated(String s, int maxBytes) {
    String clean = s.replace('\0', '?');
    byte[] bytes = clean.getBytes(StandardCharsets.UTF_8);
    if (bytes.length <= maxBytes) {
      return bytes;
    }
    int end = maxBytes;
    // step back over UTF-8 continuation bytes (10xxxxxx) so no character is split
    while (end > 0 && (bytes[end] & 0xc0) == 0x80) {
      end--;
    }
    byte[] cut = new byte[end];
    System.arraycopy(bytes, 0, cut, 0, end);
    return cut;
  }
}
