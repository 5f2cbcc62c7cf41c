package dev.thinly.pdata.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class LittleEndianTest {
  @Test
  void bytesAreLittleEndian() {
    byte[] b = new byte[16];
    LittleEndian.putLong(b, 0, 0x019C52BAL); // the superblock magic
    assertThat(b).startsWith(0xba, 0x52, 0x9c, 0x01, 0, 0, 0, 0);
    LittleEndian.putInt(b, 8, 0xE14F3C31);
    assertThat(b).endsWith(0x31, 0x3c, 0x4f, 0xe1, 0, 0, 0, 0);
  }

  @Test
  void u32IsZeroExtended() {
    byte[] b = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff};
    assertThat(LittleEndian.getU32(b, 0)).isEqualTo(0xFFFFFFFFL);
    assertThat(LittleEndian.getInt(b, 0)).isEqualTo(-1);
  }

  @Property(tries = 200)
  void roundTripsAtAnyOffsetAndAgreesWithByteBuffer(
      @ForAll long v, @ForAll int i, @ForAll @IntRange(min = 0, max = 24) int offset) {
    byte[] b = new byte[32];
    LittleEndian.putLong(b, offset, v);
    assertThat(LittleEndian.getLong(b, offset)).isEqualTo(v);
    assertThat(ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong(offset)).isEqualTo(v);
    LittleEndian.putInt(b, offset, i);
    assertThat(LittleEndian.getInt(b, offset)).isEqualTo(i);
    assertThat(LittleEndian.getU32(b, offset)).isEqualTo(Integer.toUnsignedLong(i));
    assertThat(ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt(offset)).isEqualTo(i);
  }
}
