package dev.thinly.nbd.export;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/** MemoryExport against a plain byte array, under random writes, trims and zeroing. */
class MemoryExportProperties {
  private static final int SIZE = 64 * 1024;
  private static final int PAGE = 1024;

  /** One operation: kind 0 write, 1 trim, 2 zero, 3 zero without holes. */
  record Op(int kind, int offset, int length, byte fill) {}

  @Provide
  Arbitrary<Op> ops() {
    return Combinators.combine(
            Arbitraries.integers().between(0, 3),
            Arbitraries.integers().between(0, SIZE - 1),
            Arbitraries.integers().between(1, 3 * PAGE),
            Arbitraries.bytes())
        .as(
            (kind, offset, length, fill) ->
                new Op(kind, offset, Math.min(length, SIZE - offset), fill));
  }

  @Property(tries = 300)
  void behavesLikeAnArray(@ForAll @Size(max = 30) List<@net.jqwik.api.From("ops") Op> ops) {
    MemoryExport export = MemoryExport.builder("m", SIZE).pageBytes(PAGE).build();
    byte[] model = new byte[SIZE];
    for (Op op : ops) {
      switch (op.kind()) {
        case 0 -> {
          byte[] data = new byte[op.length()];
          Arrays.fill(data, op.fill());
          export.write(op.offset(), ByteBuffer.wrap(data), false);
          System.arraycopy(data, 0, model, op.offset(), op.length());
        }
        case 1 -> {
          export.trim(op.offset(), op.length(), false);
          Arrays.fill(model, op.offset(), op.offset() + op.length(), (byte) 0);
        }
        default -> {
          export.writeZeroes(op.offset(), op.length(), op.kind() == 3, false, false);
          Arrays.fill(model, op.offset(), op.offset() + op.length(), (byte) 0);
        }
      }
    }
    Sinks.Bytes all = new Sinks.Bytes(0, SIZE);
    export.read(0, SIZE, all);
    assertThat(all.bytes).isEqualTo(model);

    // holes reported by block status really read as zeroes, and extents cover the export
    Sinks.Extents extents = new Sinks.Extents();
    export.blockStatus(0, SIZE, extents);
    assertThat(extents.total()).isEqualTo(SIZE);
    long pos = 0;
    for (long[] e : extents.extents) {
      if (e[1] != 0) {
        assertThat(Arrays.copyOfRange(model, (int) pos, (int) (pos + e[0]))).containsOnly(0);
      }
      pos += e[0];
    }
    assertThat(export.allocatedBytes()).isLessThanOrEqualTo(SIZE);
  }
}
