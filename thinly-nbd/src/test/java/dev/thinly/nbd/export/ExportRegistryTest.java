package dev.thinly.nbd.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.thinly.nbd.protocol.ExportListing;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class ExportRegistryTest {

  @Test
  void listsByNameAndOpensSharedHandles() {
    MemoryExport b = MemoryExport.builder("b", 4096).description("bee").build();
    ExportRegistry registry =
        new ExportRegistry().add(b).add(MemoryExport.builder("a", 4096).build());
    assertThat(registry.list())
        .containsExactly(new ExportListing("a", ""), new ExportListing("b", "bee"));

    Export handle = registry.open("b").orElseThrow();
    handle.write(0, ByteBuffer.wrap(new byte[] {7}), false);
    handle.close();
    // closing a handle leaves the shared export usable
    Sinks.Bytes sink = new Sinks.Bytes(0, 1);
    registry.open("b").orElseThrow().read(0, 1, sink);
    assertThat(sink.bytes).containsExactly(7);
    assertThat(registry.open("c")).isEmpty();
  }

  @Test
  void namesAreUniqueAndExportsCanBeWithdrawn() {
    ExportRegistry registry = new ExportRegistry().add(MemoryExport.builder("a", 1).build());
    assertThatThrownBy(() -> registry.add(MemoryExport.builder("a", 1).build()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(registry.remove("a")).isPresent();
    assertThat(registry.open("a")).isEmpty();
    assertThat(registry.list()).isEmpty();
  }
}
