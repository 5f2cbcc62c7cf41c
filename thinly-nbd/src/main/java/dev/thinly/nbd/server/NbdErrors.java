package dev.thinly.nbd.server;

import dev.thinly.nbd.export.FastZeroUnsupportedException;
import dev.thinly.nbd.protocol.NbdError;
import dev.thinly.pdata.error.ClosedException;
import dev.thinly.pdata.error.InvalidRequestException;
import dev.thinly.pdata.error.NoSpaceException;
import dev.thinly.pdata.error.ReadOnlyException;

/**
 * The one table from exceptions to NBD errors, used for validation failures and for failures of
 * exports alike (nbdkit's {@code nbd_errno}).
 *
 * <table>
 *   <caption>mapping</caption>
 *   <tr><th>exception</th><th>error</th></tr>
 *   <tr><td>InvalidRequestException, IllegalArgumentException</td><td>EINVAL</td></tr>
 *   <tr><td>ReadOnlyException</td><td>EPERM</td></tr>
 *   <tr><td>NoSpaceException</td><td>ENOSPC</td></tr>
 *   <tr><td>ClosedException</td><td>ESHUTDOWN</td></tr>
 *   <tr><td>FastZeroUnsupportedException</td><td>ENOTSUP</td></tr>
 *   <tr><td>StorageIoException, CorruptMetadataException, anything else</td><td>EIO</td></tr>
 * </table>
 *
 * <p>Two errors of the spec never come out of this table. EOVERFLOW is for a don't-fragment read
 * too large for one chunk, and this server sends every read it accepts (up to 32 MiB) as one chunk
 * when asked. ENOMEM should not be sent at all.
 */
public final class NbdErrors {
  private NbdErrors() {}

  public static NbdError of(Throwable failure) {
    return switch (failure) {
      case InvalidRequestException _ -> NbdError.EINVAL;
      case IllegalArgumentException _ -> NbdError.EINVAL;
      case ReadOnlyException _ -> NbdError.EPERM;
      case NoSpaceException _ -> NbdError.ENOSPC;
      case ClosedException _ -> NbdError.ESHUTDOWN;
      case FastZeroUnsupportedException _ -> NbdError.ENOTSUP;
      default -> NbdError.EIO;
    };
  }
}
