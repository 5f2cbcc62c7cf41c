package dev.thinly.cli.serve;

import dev.thinly.nbd.export.BlockSizes;
import dev.thinly.nbd.export.Export;
import dev.thinly.nbd.export.ExportCapability;
import dev.thinly.nbd.export.ExtentSink;
import dev.thinly.nbd.export.ReadSink;
import dev.thinly.nbd.server.NbdServer;
import dev.thinly.thin.pool.Volume;
import java.nio.ByteBuffer;
import java.util.EnumSet;
import java.util.Set;

/**
 * A thin volume as an NBD export: one per connection, over one {@link Volume} handle.
 *
 * <ul>
 *   <li>Unprovisioned blocks read as holes (structured replies carry no zeros for them) and report
 *       {@code HOLE|ZERO} in {@code base:allocation}.
 *   <li>Multi-conn is honest: a flush commits the whole pool, so it covers writes acknowledged on
 *       every connection of every volume.
 *   <li>Zeroing is always fast (whole blocks are unmapped or provisioned as holes; only the edges of
 *       partial blocks are written), so FAST_ZERO never has to be refused.
 * </ul>
 */
final class ThinVolumeExport implements Export {
  private static final Set<ExportCapability> CAPABILITIES =
      EnumSet.of(
          ExportCapability.FLUSH,
          ExportCapability.FUA,
          ExportCapability.TRIM,
          ExportCapability.WRITE_ZEROES,
          ExportCapability.FAST_ZERO,
          ExportCapability.MULTI_CONN,
          ExportCapability.CACHE);

  private final Volume volume;
  private final String description;
  private final long sizeBytes;
  private final BlockSizes blockSizes;

  ThinVolumeExport(Volume volume, String description) {
    this.volume = volume;
    this.description = description;
    this.sizeBytes = volume.sizeBytes();
    // any byte offset works; the pool's block is what I/O should be aligned to for speed
    this.blockSizes =
        new BlockSizes(1, (int) Math.min(volume.blockSizeBytes(), 1 << 20), NbdServer.MAX_PAYLOAD_BYTES);
  }

  @Override
  public String name() {
    return volume.name();
  }

  @Override
  public String description() {
    return description;
  }

  @Override
  public long sizeBytes() {
    return sizeBytes;
  }

  @Override
  public boolean readOnly() {
    return volume.readOnly();
  }

  @Override
  public BlockSizes blockSizes() {
    return blockSizes;
  }

  @Override
  public Set<ExportCapability> capabilities() {
    return CAPABILITIES;
  }

  @Override
  public void read(long offsetBytes, int lengthBytes, ReadSink sink) {
    volume.read(
        offsetBytes,
        lengthBytes,
        new dev.thinly.thin.pool.ReadSink() {
          @Override
          public ByteBuffer dataBuffer(long offset, int length) {
            return sink.dataBuffer(offset, length);
          }

          @Override
          public void dataDone(long offset, int length) {}

          @Override
          public void hole(long offset, long length) {
            sink.zeroes(offset, length);
          }
        });
  }

  @Override
  public void write(long offsetBytes, ByteBuffer data, boolean fua) {
    volume.write(offsetBytes, data, fua);
  }

  @Override
  public void flush() {
    volume.flush();
  }

  @Override
  public void trim(long offsetBytes, long lengthBytes, boolean fua) {
    volume.discard(offsetBytes, lengthBytes, fua);
  }

  @Override
  public void writeZeroes(long offsetBytes, long lengthBytes, boolean noHole, boolean fastZero, boolean fua) {
    volume.writeZeroes(offsetBytes, lengthBytes, noHole, fua);
  }

  @Override
  public void blockStatus(long offsetBytes, long lengthBytes, ExtentSink sink) {
    boolean[] more = {true};
    volume.blockStatus(
        offsetBytes,
        lengthBytes,
        (offset, length, allocated) -> {
          if (more[0]) {
            more[0] = sink.extent(length, allocated ? ExtentSink.DATA : ExtentSink.HOLE | ExtentSink.ZERO);
          }
        });
  }

  @Override
  public void close() {
    volume.close();
  }
}
