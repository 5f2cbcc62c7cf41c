package dev.thinly.nbd.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.thinly.nbd.export.BlockSizes;
import dev.thinly.nbd.export.Export;
import dev.thinly.nbd.export.ExportCapability;
import dev.thinly.nbd.export.MemoryExport;
import dev.thinly.nbd.protocol.Command;
import dev.thinly.nbd.protocol.CommandFlag;
import dev.thinly.nbd.protocol.NbdError;
import dev.thinly.nbd.protocol.RequestHeader;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class RequestValidatorTest {
  static final long SIZE = 1 << 20;

  static Session session(Export export, boolean structured, int contextId) {
    return new Session(
        export,
        export.name(),
        ExportTerms.of(export, structured),
        structured,
        contextId,
        null,
        null);
  }

  static final Session FULL =
      session(MemoryExport.builder("full", SIZE).build(), true, Handshake.BASE_ALLOCATION_ID);
  static final Session SIMPLE = session(MemoryExport.builder("simple", SIZE).build(), false, 0);
  static final Session READ_ONLY =
      session(MemoryExport.builder("ro", SIZE).readOnly(true).build(), true, 0);
  static final Session BARE =
      session(
          MemoryExport.builder("bare", SIZE)
              .without(
                  ExportCapability.FLUSH,
                  ExportCapability.FUA,
                  ExportCapability.TRIM,
                  ExportCapability.WRITE_ZEROES,
                  ExportCapability.CACHE)
              .build(),
          true,
          0);
  static final Session ALIGNED =
      session(
          MemoryExport.builder("aligned", SIZE - 100)
              .blockSizes(new BlockSizes(512, 4096, 1 << 20))
              .build(),
          true,
          0);

  static NbdError error(Session s, Command c, int flags, long offset, long length) {
    try {
      RequestValidator.validate(RequestHeader.of(c, flags, 1, offset, length), s);
      return null;
    } catch (RuntimeException e) {
      return NbdErrors.of(e);
    }
  }

  @Test
  void acceptsWellFormedRequests() {
    assertThat(error(FULL, Command.READ, CommandFlag.DF.mask(), 0, 4096)).isNull();
    assertThat(error(FULL, Command.WRITE, CommandFlag.FUA.mask(), SIZE - 1, 1)).isNull();
    assertThat(error(FULL, Command.FLUSH, 0, 0, 0)).isNull();
    assertThat(error(FULL, Command.TRIM, 0, 0, SIZE)).isNull();
    assertThat(
            error(
                FULL,
                Command.WRITE_ZEROES,
                CommandFlag.encode(CommandFlag.NO_HOLE, CommandFlag.FAST_ZERO, CommandFlag.FUA),
                0,
                SIZE))
        .isNull();
    assertThat(error(FULL, Command.BLOCK_STATUS, CommandFlag.REQ_ONE.mask(), 0, SIZE)).isNull();
    assertThat(error(FULL, Command.CACHE, 0, 0, SIZE)).isNull();
    // FUA is valid on every command once advertised
    assertThat(error(FULL, Command.READ, CommandFlag.FUA.mask(), 0, 1)).isNull();
  }

  @Test
  void unknownCommandsAndResizeAreInvalid() {
    assertThatThrownBy(() -> RequestValidator.validate(new RequestHeader(0, 42, 1, 0, 1), FULL))
        .hasMessageContaining("unknown command 42");
    assertThat(error(FULL, Command.RESIZE, 0, 0, 0)).isEqualTo(NbdError.EINVAL);
  }

  @Test
  void writesToReadOnlyExportsArePermissionErrors() {
    assertThat(error(READ_ONLY, Command.WRITE, 0, 0, 1)).isEqualTo(NbdError.EPERM);
    assertThat(error(READ_ONLY, Command.TRIM, 0, 0, 1)).isEqualTo(NbdError.EPERM);
    assertThat(error(READ_ONLY, Command.WRITE_ZEROES, 0, 0, 1)).isEqualTo(NbdError.EPERM);
    assertThat(error(READ_ONLY, Command.READ, 0, 0, 1)).isNull();
  }

  @Test
  void unadvertisedFeaturesAreInvalid() {
    assertThat(error(BARE, Command.FLUSH, 0, 0, 0)).isEqualTo(NbdError.EINVAL);
    assertThat(error(BARE, Command.TRIM, 0, 0, 1)).isEqualTo(NbdError.EINVAL);
    assertThat(error(BARE, Command.WRITE_ZEROES, 0, 0, 1)).isEqualTo(NbdError.EINVAL);
    assertThat(error(BARE, Command.WRITE, CommandFlag.FUA.mask(), 0, 1)).isEqualTo(NbdError.EINVAL);
    assertThat(error(BARE, Command.BLOCK_STATUS, 0, 0, 1)).isEqualTo(NbdError.EINVAL);
    // clients are known to send CACHE unadvertised: harmless
    assertThat(error(BARE, Command.CACHE, 0, 0, 1)).isNull();
    assertThat(error(SIMPLE, Command.READ, CommandFlag.DF.mask(), 0, 1)).isEqualTo(NbdError.EINVAL);
  }

  @Test
  void flagsMustBelongToTheCommand() {
    assertThat(error(FULL, Command.READ, CommandFlag.NO_HOLE.mask(), 0, 1))
        .isEqualTo(NbdError.EINVAL);
    assertThat(error(FULL, Command.WRITE, CommandFlag.DF.mask(), 0, 1)).isEqualTo(NbdError.EINVAL);
    assertThat(error(FULL, Command.READ, CommandFlag.REQ_ONE.mask(), 0, 1))
        .isEqualTo(NbdError.EINVAL);
    assertThat(error(FULL, Command.WRITE, CommandFlag.PAYLOAD_LEN.mask(), 0, 1))
        .isEqualTo(NbdError.EINVAL);
    assertThat(error(FULL, Command.READ, 1 << 15, 0, 1)).isEqualTo(NbdError.EINVAL);
  }

  @Test
  void rangesBeyondTheEndAreNoSpaceForWritesAndInvalidOtherwise() {
    assertThat(error(FULL, Command.WRITE, 0, SIZE, 1)).isEqualTo(NbdError.ENOSPC);
    assertThat(error(FULL, Command.WRITE_ZEROES, 0, SIZE - 1, 2)).isEqualTo(NbdError.ENOSPC);
    assertThat(error(FULL, Command.READ, 0, SIZE - 1, 2)).isEqualTo(NbdError.EINVAL);
    assertThat(error(FULL, Command.TRIM, 0, SIZE + 1, 1)).isEqualTo(NbdError.EINVAL);
    assertThat(error(FULL, Command.BLOCK_STATUS, 0, SIZE, 1)).isEqualTo(NbdError.EINVAL);
    // offsets are unsigned: 2^64 - 1 is far beyond the end, not "negative"
    assertThat(error(FULL, Command.READ, 0, -1L, 1)).isEqualTo(NbdError.EINVAL);
    assertThat(error(FULL, Command.READ, 0, Long.MAX_VALUE, 0xffff_ffffL))
        .isEqualTo(NbdError.EINVAL);
  }

  @Test
  void zeroLengthsAndNonzeroFlushRangesAreInvalid() {
    assertThat(error(FULL, Command.READ, 0, 0, 0)).isEqualTo(NbdError.EINVAL);
    assertThat(error(FULL, Command.FLUSH, 0, 1, 0)).isEqualTo(NbdError.EINVAL);
    assertThat(error(FULL, Command.FLUSH, 0, 0, 1)).isEqualTo(NbdError.EINVAL);
  }

  @Test
  void payloadsAreLimitedButZeroingIsNot() {
    assertThat(error(FULL, Command.READ, 0, 0, NbdServer.MAX_PAYLOAD_BYTES))
        .isEqualTo(NbdError.EINVAL);
    MemoryExport big = MemoryExport.builder("big", 1L << 40).build();
    Session s = session(big, true, 0);
    assertThat(error(s, Command.READ, 0, 0, NbdServer.MAX_PAYLOAD_BYTES)).isNull();
    assertThat(error(s, Command.READ, 0, 0, NbdServer.MAX_PAYLOAD_BYTES + 1L))
        .isEqualTo(NbdError.EINVAL);
    assertThat(error(s, Command.WRITE_ZEROES, 0, 0, 0xffff_ffffL)).isNull();
    assertThat(error(s, Command.TRIM, 0, 0, 0xffff_ffffL)).isNull();
  }

  @Test
  void alignmentIsEnforcedWhenTheMinimumIsAboveOne() {
    assertThat(error(ALIGNED, Command.READ, 0, 512, 1024)).isNull();
    assertThat(error(ALIGNED, Command.READ, 0, 100, 512)).isEqualTo(NbdError.EINVAL);
    assertThat(error(ALIGNED, Command.WRITE, 0, 512, 100)).isEqualTo(NbdError.EINVAL);
    // the export size is not a multiple of 512: the tail may be reached with a short length
    long tail = (SIZE - 100) / 512 * 512;
    assertThat(error(ALIGNED, Command.READ, 0, tail, SIZE - 100 - tail)).isNull();
  }

  /** Whatever the numbers, an accepted request lies inside the export. */
  @Property
  void acceptedRangesAreInside(
      @ForAll long offset,
      @ForAll @LongRange(max = 0xffff_ffffL) long length,
      @ForAll @IntRange(min = 0, max = 7) int type) {
    if (type == Command.DISC.code()) {
      return;
    }
    Command command = Command.of(type).orElseThrow();
    NbdError e = error(FULL, command, 0, offset, length);
    if (e == null && command != Command.FLUSH) {
      assertThat(offset).isNotNegative();
      assertThat(length).isPositive();
      assertThat(offset + length).isLessThanOrEqualTo(SIZE);
    }
  }
}
