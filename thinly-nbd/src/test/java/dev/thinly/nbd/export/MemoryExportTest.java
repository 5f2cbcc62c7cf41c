package dev.thinly.nbd.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.thinly.pdata.error.ReadOnlyException;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

class MemoryExportTest extends ExportContract {

  @Override
  Export create() {
    return MemoryExport.builder("mem", SIZE).description("test").build();
  }

  MemoryExport memory() {
    return (MemoryExport) export;
  }

  @Test
  void unwrittenPagesAreHolesEverywhere() {
    export.write(8192, ByteBuffer.wrap(random(100, 1)), false);
    Sinks.Bytes sink = new Sinks.Bytes(0, 5 * 4096);
    export.read(0, 5 * 4096, sink);
    assertThat(sink.zeroRanges)
        .extracting(r -> List.of(r[0], r[1]))
        .containsExactly(List.of(0L, 8192L), List.of(12_288L, 8192L));

    Sinks.Extents extents = new Sinks.Extents();
    export.blockStatus(0, SIZE, extents);
    assertThat(extents.extents)
        .extracting(e -> List.of(e[0], e[1]))
        .containsExactly(List.of(8192L, 3L), List.of(4096L, 0L), List.of(SIZE - 12_288L, 3L));
    assertThat(memory().allocatedBytes()).isEqualTo(4096);
  }

  @Test
  void trimAndZeroWithoutNoHoleFreeWholePagesOnly() {
    export.write(0, ByteBuffer.wrap(random(4 * 4096, 2)), false);
    export.trim(100, 3 * 4096, false);
    // pages 1 and 2 are wholly inside [100, 12388): freed; pages 0 and 3 are zeroed in part
    assertThat(memory().allocatedBytes()).isEqualTo(2 * 4096);
    byte[] after = read(0, 4 * 4096);
    assertThat(java.util.Arrays.copyOfRange(after, 100, 100 + 3 * 4096)).containsOnly(0);
    assertThat(after[99]).isEqualTo(random(4 * 4096, 2)[99]);
    export.writeZeroes(0, 4 * 4096, false, true, false);
    assertThat(memory().allocatedBytes()).isZero();
  }

  @Test
  void zeroWithNoHoleAllocates() {
    export.writeZeroes(4096, 8192, true, false, false);
    assertThat(memory().allocatedBytes()).isEqualTo(8192);
    Sinks.Extents extents = new Sinks.Extents();
    export.blockStatus(4096, 8192, extents);
    assertThat(extents.extents).singleElement().satisfies(e -> assertThat(e[1]).isZero());
  }

  @Test
  void blockStatusStopsWhenTheSinkHasEnough() {
    for (int page = 0; page < 10; page += 2) {
      export.write(page * 4096L, ByteBuffer.wrap(random(4096, page)), false);
    }
    Sinks.Extents extents = new Sinks.Extents(3);
    export.blockStatus(0, SIZE, extents);
    assertThat(extents.extents).hasSize(3);
  }

  @Test
  void readOnlyExportsRefuseWrites() {
    MemoryExport ro = MemoryExport.builder("ro", 4096).readOnly(true).build();
    assertThatThrownBy(() -> ro.write(0, ByteBuffer.allocate(1), false))
        .isInstanceOf(ReadOnlyException.class);
    assertThat(ro.readOnly()).isTrue();
  }

  @Test
  void capabilitiesCanBeWithdrawn() {
    MemoryExport plain =
        MemoryExport.builder("p", 4096).without(ExportCapability.MULTI_CONN).build();
    assertThat(plain.capabilities()).doesNotContain(ExportCapability.MULTI_CONN);
    assertThat(plain.can(ExportCapability.FAST_ZERO)).isTrue();
  }
}
