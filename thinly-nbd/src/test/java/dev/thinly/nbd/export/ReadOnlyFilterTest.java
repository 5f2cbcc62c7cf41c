package dev.thinly.nbd.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.thinly.pdata.error.ReadOnlyException;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class ReadOnlyFilterTest {
  private final MemoryExport memory = MemoryExport.builder("m", 8192).description("d").build();
  private final Export ro = new ReadOnlyFilter(memory);

  @Test
  void hidesTheWriteFeaturesAndKeepsTheRest() {
    assertThat(ro.readOnly()).isTrue();
    assertThat(ro.capabilities())
        .containsExactlyInAnyOrder(
            ExportCapability.FLUSH, ExportCapability.MULTI_CONN, ExportCapability.CACHE);
    assertThat(ro.name()).isEqualTo("m");
    assertThat(ro.description()).isEqualTo("d");
    assertThat(ro.sizeBytes()).isEqualTo(8192);
  }

  @Test
  void refusesEveryWrite() {
    assertThatThrownBy(() -> ro.write(0, ByteBuffer.allocate(1), false))
        .isInstanceOf(ReadOnlyException.class);
    assertThatThrownBy(() -> ro.trim(0, 1, false)).isInstanceOf(ReadOnlyException.class);
    assertThatThrownBy(() -> ro.writeZeroes(0, 1, false, false, false))
        .isInstanceOf(ReadOnlyException.class);
    assertThat(memory.allocatedBytes()).isZero();
  }

  @Test
  void readsPassThrough() {
    memory.write(0, ByteBuffer.wrap(new byte[] {1, 2, 3}), false);
    Sinks.Bytes sink = new Sinks.Bytes(0, 3);
    ro.read(0, 3, sink);
    assertThat(sink.bytes).containsExactly(1, 2, 3);
  }
}
