package dev.thinly.nbd.server;

import dev.thinly.nbd.export.BlockSizes;
import dev.thinly.nbd.export.Export;
import dev.thinly.nbd.export.ExportCapability;
import dev.thinly.nbd.protocol.InfoReply.BlockSizeInfo;
import dev.thinly.nbd.protocol.InfoReply.ExportInfo;
import dev.thinly.nbd.protocol.TransmissionFlag;
import java.util.EnumSet;
import java.util.Locale;
import java.util.StringJoiner;

/**
 * What the server promises a client about one export: size, transmission flags and block sizes.
 * Computed the same way for {@code NBD_OPT_INFO}, {@code NBD_OPT_GO} and {@code
 * NBD_OPT_EXPORT_NAME}, so that INFO and GO answer alike, and used again to validate requests.
 *
 * @param maximumPayloadBytes the largest READ or WRITE accepted: the export's maximum capped at
 *     {@link NbdServer#MAX_PAYLOAD_BYTES}
 */
record ExportTerms(
    long sizeBytes,
    int transmissionFlags,
    int minimumBlockBytes,
    int preferredBlockBytes,
    int maximumPayloadBytes) {

  static ExportTerms of(Export export, boolean structuredReplies) {
    boolean readOnly = export.readOnly();
    EnumSet<TransmissionFlag> flags = EnumSet.of(TransmissionFlag.HAS_FLAGS);
    if (readOnly) {
      flags.add(TransmissionFlag.READ_ONLY);
    }
    if (export.can(ExportCapability.FLUSH)) {
      flags.add(TransmissionFlag.SEND_FLUSH);
    }
    if (!readOnly && export.can(ExportCapability.FUA)) {
      flags.add(TransmissionFlag.SEND_FUA);
    }
    if (!readOnly && export.can(ExportCapability.TRIM)) {
      flags.add(TransmissionFlag.SEND_TRIM);
    }
    if (!readOnly && export.can(ExportCapability.WRITE_ZEROES)) {
      flags.add(TransmissionFlag.SEND_WRITE_ZEROES);
      if (export.can(ExportCapability.FAST_ZERO)) {
        flags.add(TransmissionFlag.SEND_FAST_ZERO);
      }
    }
    if (structuredReplies) {
      flags.add(TransmissionFlag.SEND_DF);
    }
    if (export.can(ExportCapability.MULTI_CONN)) {
      flags.add(TransmissionFlag.CAN_MULTI_CONN);
    }
    if (export.can(ExportCapability.CACHE)) {
      flags.add(TransmissionFlag.SEND_CACHE);
    }
    BlockSizes sizes = export.blockSizes();
    int maximum = (int) Math.min(sizes.maximumBytes(), NbdServer.MAX_PAYLOAD_BYTES);
    return new ExportTerms(
        export.sizeBytes(),
        TransmissionFlag.encode(flags),
        sizes.minimumBytes(),
        sizes.preferredBytes(),
        maximum);
  }

  boolean has(TransmissionFlag flag) {
    return flag.isSet(transmissionFlags);
  }

  ExportInfo exportInfo() {
    return new ExportInfo(sizeBytes, transmissionFlags);
  }

  BlockSizeInfo blockSizeInfo() {
    return new BlockSizeInfo(minimumBlockBytes, preferredBlockBytes, maximumPayloadBytes);
  }

  /** The flags in words, for logs: {@code read-only flush fua trim ...}. */
  String describeFlags() {
    StringJoiner words = new StringJoiner(" ");
    for (TransmissionFlag f : TransmissionFlag.decode(transmissionFlags)) {
      if (f != TransmissionFlag.HAS_FLAGS) {
        words.add(f.name().toLowerCase(Locale.ROOT).replace("send_", "").replace("can_", ""));
      }
    }
    return words.toString();
  }
}
