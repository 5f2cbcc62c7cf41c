package dev.thinly.cli.serve;

import dev.thinly.cli.format.SizeConverter;
import dev.thinly.nbd.export.Export;
import dev.thinly.nbd.export.ExportProvider;
import dev.thinly.nbd.protocol.ExportListing;
import dev.thinly.pdata.error.NotFoundException;
import dev.thinly.thin.pool.ThinPool;
import dev.thinly.thin.pool.VolumeInfo;
import java.util.List;
import java.util.Optional;

/**
 * The volumes of a live pool as NBD exports, one per volume, named after it. Asked afresh at
 * every handshake, so volumes created or deleted while serving appear and disappear at once.
 */
final class PoolExports implements ExportProvider {
  private final ThinPool pool;

  PoolExports(ThinPool pool) {
    this.pool = pool;
  }

  @Override
  public List<ExportListing> list() {
    return pool.volumes().stream().map(v -> new ExportListing(v.name(), describe(v))).toList();
  }

  @Override
  public Optional<Export> open(String name) {
    VolumeInfo info;
    try {
      info = pool.info(name);
    } catch (NotFoundException | dev.thinly.pdata.error.InvalidRequestException e) {
      return Optional.empty();
    }
    return Optional.of(new ThinVolumeExport(pool.open(name), describe(info)));
  }

  static String describe(VolumeInfo v) {
    StringBuilder sb = new StringBuilder("thin volume, ").append(SizeConverter.format(v.sizeBytes()));
    if (v.origin() != null) {
      sb.append(", snapshot of ").append(v.origin());
    }
    if (v.readOnly()) {
      sb.append(", read-only");
    }
    return sb.toString();
  }
}
