package dev.thinly.nbd.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** The numbers of the spec, checked against the enums that carry them. */
class EnumsTest {

  @Test
  void optionNumbersAreTheSpecs() {
    assertThat(OptionType.EXPORT_NAME.code()).isEqualTo(1);
    assertThat(OptionType.GO.code()).isEqualTo(7);
    assertThat(OptionType.LIST_META_CONTEXT.code()).isEqualTo(9);
    assertThat(OptionType.SET_META_CONTEXT.code()).isEqualTo(10);
    assertThat(OptionType.EXTENDED_HEADERS.code()).isEqualTo(11);
    assertThat(OptionType.of(12)).isEmpty();
    assertThat(OptionType.of(-1)).isEmpty();
    for (OptionType t : OptionType.values()) {
      assertThat(OptionType.of(t.code())).contains(t);
    }
  }

  @Test
  void replyTypesAreTheSpecs() {
    assertThat(OptionReplyType.ERR_UNSUP.code()).isEqualTo(0x80000001);
    assertThat(OptionReplyType.ERR_TOO_BIG.code()).isEqualTo(0x80000009);
    assertThat(ReplyChunkType.ERROR.code()).isEqualTo(0x8001);
    assertThat(ReplyChunkType.ERROR_OFFSET.isError()).isTrue();
    assertThat(ReplyChunkType.OFFSET_HOLE.isError()).isFalse();
  }

  @Test
  void errorsAreTheSpecs() {
    assertThat(NbdError.EPERM.code()).isEqualTo(1);
    assertThat(NbdError.EIO.code()).isEqualTo(5);
    assertThat(NbdError.EINVAL.code()).isEqualTo(22);
    assertThat(NbdError.ENOSPC.code()).isEqualTo(28);
    assertThat(NbdError.EOVERFLOW.code()).isEqualTo(75);
    assertThat(NbdError.ENOTSUP.code()).isEqualTo(95);
    assertThat(NbdError.ESHUTDOWN.code()).isEqualTo(108);
  }

  @Test
  void nbdkitMemoryFlagsDecode() {
    // observed from nbdkit's memory plugin: flush fua trim zeroes df multi cache fast-zero
    assertThat(TransmissionFlag.decode(0xded))
        .containsExactlyInAnyOrder(
            TransmissionFlag.HAS_FLAGS,
            TransmissionFlag.SEND_FLUSH,
            TransmissionFlag.SEND_FUA,
            TransmissionFlag.SEND_TRIM,
            TransmissionFlag.SEND_WRITE_ZEROES,
            TransmissionFlag.SEND_DF,
            TransmissionFlag.CAN_MULTI_CONN,
            TransmissionFlag.SEND_CACHE,
            TransmissionFlag.SEND_FAST_ZERO);
  }

  @Property
  void transmissionFlagsRoundTrip(@ForAll Set<TransmissionFlag> flags) {
    assertThat(TransmissionFlag.decode(TransmissionFlag.encode(flags)))
        .isEqualTo(
            flags.isEmpty() ? EnumSet.noneOf(TransmissionFlag.class) : EnumSet.copyOf(flags));
  }

  @Property
  void commandFlagMasksAreDistinctBits(@ForAll CommandFlag a, @ForAll CommandFlag b) {
    assertThat(Integer.bitCount(a.mask())).isEqualTo(1);
    assertThat(a.mask() == b.mask()).isEqualTo(a == b);
    assertThat(CommandFlag.encode(a, b)).isEqualTo(a.mask() | b.mask());
  }

  @Property
  void commandsDecodeToThemselves(@ForAll @IntRange(max = 0xffff) int code) {
    Command.of(code)
        .ifPresentOrElse(
            c -> assertThat(c.code()).isEqualTo(code), () -> assertThat(code).isGreaterThan(8));
  }
}
