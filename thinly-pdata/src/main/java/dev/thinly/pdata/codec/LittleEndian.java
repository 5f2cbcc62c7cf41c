package dev.thinly.pdata.codec;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Little-endian field access on byte arrays: every multi-byte integer of the dm-thin format is
 * little-endian. The view var handles compile to single unaligned loads and stores.
 */
public final class LittleEndian {
  private static final VarHandle LONG =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle INT =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

  private LittleEndian() {}

  public static long getLong(byte[] b, int offset) {
    return (long) LONG.get(b, offset);
  }

  public static void putLong(byte[] b, int offset, long v) {
    LONG.set(b, offset, v);
  }

  /** The u32 at {@code offset}, zero-extended. */
  public static long getU32(byte[] b, int offset) {
    return Integer.toUnsignedLong((int) INT.get(b, offset));
  }

  public static int getInt(byte[] b, int offset) {
    return (int) INT.get(b, offset);
  }

  public static void putInt(byte[] b, int offset, int v) {
    INT.set(b, offset, v);
  }
}
