package dev.thinly.thin.tools;

import dev.thinly.pdata.error.InvalidRequestException;
import dev.thinly.thin.metadata.PoolMetadata;
import dev.thinly.thin.metadata.ThinDeviceException;
import java.util.List;

/**
 * A thin-pool message, as {@code dmsetup message POOL 0 "..."} sends it to the kernel (spec 9.8),
 * parsed with the kernel's rules: decimal numbers, device ids up to 2^24-1, an exact argument
 * count.
 */
public sealed interface PoolMessage {
  /** {@code create_thin ID}: a new, empty thin device. */
  record CreateThin(long thinId) implements PoolMessage {}

  /** {@code create_snap ID ORIGIN}: a snapshot of ORIGIN (which the caller has suspended). */
  record CreateSnap(long thinId, long originId) implements PoolMessage {}

  /** {@code delete ID}: the device and every block only it used. */
  record Delete(long thinId) implements PoolMessage {}

  /** {@code set_transaction_id CURRENT NEW}: compare-and-swap of the userspace transaction id. */
  record SetTransactionId(long current, long next) implements PoolMessage {}

  /** {@code reserve_metadata_snap}: keep a read-only copy of the metadata (dump -m, delta -m). */
  record ReserveMetadataSnap() implements PoolMessage {}

  /** {@code release_metadata_snap}: drop it. */
  record ReleaseMetadataSnap() implements PoolMessage {}

  /**
   * Parses the words of a message.
   *
   * @throws InvalidRequestException for an unknown message, a wrong number of arguments or a
   *     malformed number (the kernel's EINVAL)
   * @throws ThinDeviceException for a device id above 2^24-1 (also EINVAL in the kernel)
   */
  static PoolMessage parse(List<String> words) {
    if (words.isEmpty()) {
      throw new InvalidRequestException("no message given");
    }
    String name = words.get(0);
    return switch (name) {
      case "create_thin" -> {
        args(words, 1);
        yield new CreateThin(thinId(words.get(1)));
      }
      case "create_snap" -> {
        args(words, 2);
        yield new CreateSnap(thinId(words.get(1)), thinId(words.get(2)));
      }
      case "delete" -> {
        args(words, 1);
        yield new Delete(thinId(words.get(1)));
      }
      case "set_transaction_id" -> {
        args(words, 2);
        yield new SetTransactionId(
            number(words.get(1), "transaction id"), number(words.get(2), "transaction id"));
      }
      case "reserve_metadata_snap" -> {
        args(words, 0);
        yield new ReserveMetadataSnap();
      }
      case "release_metadata_snap" -> {
        args(words, 0);
        yield new ReleaseMetadataSnap();
      }
      default -> throw new InvalidRequestException("unrecognised thin pool message: " + name);
    };
  }

  /** Applies the message to the current transaction (the caller commits). */
  default void applyTo(PoolMetadata pm) {
    switch (this) {
      case CreateThin m -> pm.createThin(m.thinId());
      case CreateSnap m -> pm.createSnap(m.thinId(), m.originId());
      case Delete m -> pm.deleteThin(m.thinId());
      case SetTransactionId m -> pm.setTransactionId(m.current(), m.next());
      case ReserveMetadataSnap m -> pm.reserveMetadataSnap();
      case ReleaseMetadataSnap m -> pm.releaseMetadataSnap();
    }
  }

  private static void args(List<String> words, int n) {
    if (words.size() != n + 1) {
      throw new InvalidRequestException(
          words.get(0)
              + " takes "
              + n
              + (n == 1 ? " argument" : " arguments")
              + ", not "
              + (words.size() - 1));
    }
  }

  /** kstrtoull(s, 10): decimal digits only, within 64 bits. */
  private static long number(String s, String what) {
    if (s.isEmpty() || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new InvalidRequestException("invalid " + what + ": " + s);
    }
    try {
      return Long.parseUnsignedLong(s);
    } catch (NumberFormatException e) {
      throw new InvalidRequestException("invalid " + what + ": " + s);
    }
  }

  private static long thinId(String s) {
    long id = number(s, "device id");
    if (Long.compareUnsigned(id, PoolMetadata.MAX_THIN_ID) > 0) {
      throw new ThinDeviceException(id, ThinDeviceException.Problem.OUT_OF_RANGE);
    }
    return id;
  }
}
