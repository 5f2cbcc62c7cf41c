package dev.thinly.cli.image;

import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;
import org.tukaani.xz.XZInputStream;

/**
 * The compressed formats import understands, recognised by their magic bytes (never by the file
 * name, so {@code disk.img} that is really gzip, or a stream on stdin, still works). Each decoder
 * accepts concatenated streams, as the command-line tools write them.
 */
public enum Compression {
  NONE(new byte[0]),
  GZIP(new byte[] {0x1f, (byte) 0x8b}),
  ZSTD(new byte[] {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd}),
  XZ(new byte[] {(byte) 0xfd, '7', 'z', 'X', 'Z', 0x00});

  /** Enough of the start of a stream to tell every format apart. */
  static final int MAGIC_BYTES = 6;

  private final byte[] magic;

  Compression(byte[] magic) {
    this.magic = magic;
  }

  /** The format whose magic starts {@code head} (of which {@code n} bytes are valid). */
  static Compression detect(byte[] head, int n) {
    for (Compression c : values()) {
      if (c != NONE && n >= c.magic.length && java.util.Arrays.equals(head, 0, c.magic.length, c.magic, 0, c.magic.length)) {
        return c;
      }
    }
    return NONE;
  }

  /** Wraps {@code in} in this format's decoder. */
  InputStream decoder(InputStream in) throws IOException {
    return switch (this) {
      case NONE -> in;
      case GZIP -> new GZIPInputStream(in, 1 << 16);
      case ZSTD -> new ZstdInputStreamNoFinalizer(in);
      case XZ -> new XZInputStream(in);
    };
  }

  /** The name people use: {@code gzip}, {@code zstd}, {@code xz}, {@code raw}. */
  public String label() {
    return this == NONE ? "raw" : name().toLowerCase(java.util.Locale.ROOT);
  }
}
