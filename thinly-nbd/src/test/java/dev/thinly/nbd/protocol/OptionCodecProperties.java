package dev.thinly.nbd.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

class OptionCodecProperties {

  @Provide
  Arbitrary<String> names() {
    // any characters but NUL, including multi-byte ones; short enough for the 4096-byte limit
    return Arbitraries.strings().excludeChars('\0').ofMaxLength(300);
  }

  @Property
  void headersRoundTrip(@ForAll int option, @ForAll @LongRange(max = 0xffff_ffffL) long length) {
    ByteBuffer wire = ByteBuffer.allocate(OptionCodec.HEADER_BYTES);
    OptionCodec.encodeHeader(wire, new OptionHeader(option, length));
    assertThat(OptionCodec.decodeHeader(wire.flip())).isEqualTo(new OptionHeader(option, length));
  }

  @Property
  void infoRequestsRoundTrip(
      @ForAll("names") String name,
      @ForAll @Size(max = 20) List<@IntRange(max = 0xffff) Integer> items) {
    ExportInfoRequest request = new ExportInfoRequest(name, items);
    ByteBuffer data = OptionCodec.encodeInfoRequest(request);
    assertThat(OptionCodec.decodeInfoRequest(OptionType.GO.code(), data)).isEqualTo(request);
  }

  @Property
  void metaContextRequestsRoundTrip(
      @ForAll("names") String name, @ForAll @Size(max = 8) List<@From("names") String> queries) {
    MetaContextRequest request = new MetaContextRequest(name, queries);
    ByteBuffer data = OptionCodec.encodeMetaContextRequest(request);
    assertThat(OptionCodec.decodeMetaContextRequest(OptionType.SET_META_CONTEXT.code(), data))
        .isEqualTo(request);
  }

  @Property
  void exportNamesRoundTrip(@ForAll("names") String name) {
    ByteBuffer data = ByteBuffer.wrap(NbdStrings.encode(name));
    assertThat(OptionCodec.decodeExportName(1, data)).isEqualTo(name);
  }

  /** Whatever the bytes, option data decoders either decode or report a malformed option. */
  @Property
  void garbageIsMalformedNeverAnythingElse(@ForAll @Size(max = 64) byte[] garbage) {
    for (int option : new int[] {OptionType.INFO.code(), OptionType.LIST_META_CONTEXT.code()}) {
      try {
        if (option == OptionType.INFO.code()) {
          OptionCodec.decodeInfoRequest(option, ByteBuffer.wrap(garbage));
        } else {
          OptionCodec.decodeMetaContextRequest(option, ByteBuffer.wrap(garbage));
        }
      } catch (MalformedOptionException e) {
        assertThat(e.option()).isEqualTo(option);
      }
    }
  }

  @Property
  void truncatedInfoRequestsAreMalformed(
      @ForAll("names") String name, @ForAll @IntRange(min = 1, max = 8) int cut) {
    ByteBuffer data = OptionCodec.encodeInfoRequest(new ExportInfoRequest(name, List.of(0, 3)));
    ByteBuffer truncated = data.limit(Math.max(0, data.limit() - cut));
    assertThatThrownBy(() -> OptionCodec.decodeInfoRequest(7, truncated))
        .isInstanceOf(MalformedOptionException.class);
  }

  @Property
  void nameLengthsPastTheDataAreMalformed(@ForAll int claimed) {
    if (claimed >= 0 && claimed <= 4) {
      return;
    }
    // 6 bytes follow the length: a name of at most 4 bytes leaves room for the item count
    ByteBuffer data = ByteBuffer.allocate(10).putInt(claimed).putInt(0).putShort((short) 0).flip();
    assertThatThrownBy(() -> OptionCodec.decodeInfoRequest(6, data))
        .isInstanceOf(MalformedOptionException.class);
  }
}
