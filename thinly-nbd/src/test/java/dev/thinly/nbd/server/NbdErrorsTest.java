package dev.thinly.nbd.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.thinly.nbd.export.FastZeroUnsupportedException;
import dev.thinly.nbd.protocol.NbdError;
import dev.thinly.pdata.error.ClosedException;
import dev.thinly.pdata.error.CorruptMetadataException;
import dev.thinly.pdata.error.InvalidRequestException;
import dev.thinly.pdata.error.NoSpaceException;
import dev.thinly.pdata.error.ReadOnlyException;
import dev.thinly.pdata.error.StorageIoException;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class NbdErrorsTest {

  @Test
  void mapsEveryKnownFailure() {
    assertThat(NbdErrors.of(new InvalidRequestException("x"))).isEqualTo(NbdError.EINVAL);
    assertThat(NbdErrors.of(new IllegalArgumentException("x"))).isEqualTo(NbdError.EINVAL);
    assertThat(NbdErrors.of(new ReadOnlyException("v", ""))).isEqualTo(NbdError.EPERM);
    assertThat(NbdErrors.of(new NoSpaceException(NoSpaceException.Space.DATA)))
        .isEqualTo(NbdError.ENOSPC);
    assertThat(NbdErrors.of(new NoSpaceException(NoSpaceException.Space.METADATA)))
        .isEqualTo(NbdError.ENOSPC);
    assertThat(NbdErrors.of(new ClosedException("pool"))).isEqualTo(NbdError.ESHUTDOWN);
    assertThat(NbdErrors.of(new FastZeroUnsupportedException("v", 0, 1)))
        .isEqualTo(NbdError.ENOTSUP);
  }

  @Test
  void everythingElseIsAnIoError() {
    assertThat(NbdErrors.of(new StorageIoException("dev", 0, "read", new IOException("x"))))
        .isEqualTo(NbdError.EIO);
    assertThat(NbdErrors.of(new CorruptMetadataException(1, "node", "bad")))
        .isEqualTo(NbdError.EIO);
    assertThat(NbdErrors.of(new IllegalStateException())).isEqualTo(NbdError.EIO);
    assertThat(NbdErrors.of(new OutOfMemoryError())).isEqualTo(NbdError.EIO);
  }
}
