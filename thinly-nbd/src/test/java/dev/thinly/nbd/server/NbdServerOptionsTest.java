package dev.thinly.nbd.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.thinly.nbd.export.ExportRegistry;
import dev.thinly.pdata.error.InvalidRequestException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class NbdServerOptionsTest {

  @Test
  void parsesListenAddresses() {
    assertThat(ListenAddress.parse("127.0.0.1:10809"))
        .isEqualTo(ListenAddress.tcp("127.0.0.1", 10809));
    assertThat(ListenAddress.parse("[::1]:0")).isEqualTo(ListenAddress.tcp("::1", 0));
    assertThat(ListenAddress.parse("unix:/run/nbd.sock"))
        .isEqualTo(ListenAddress.unix(Path.of("/run/nbd.sock")));
    assertThat(ListenAddress.parse("/run/nbd.sock"))
        .isEqualTo(ListenAddress.unix(Path.of("/run/nbd.sock")));
    assertThat(ListenAddress.tcp("::1", 5).toString()).isEqualTo("[::1]:5");
    assertThatThrownBy(() -> ListenAddress.parse("nohost"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ListenAddress.parse("h:port"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ListenAddress.tcp("h", 70000))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void validatesTheOptions() {
    assertThatThrownBy(() -> NbdServerOptions.builder().build()).hasMessageContaining("no listen");
    NbdServerOptions.Builder b =
        NbdServerOptions.builder().listen(ListenAddress.tcp("127.0.0.1", 0));
    assertThatThrownBy(() -> b.maxInFlight(1, 1024).build()).hasMessageContaining("32 MiB");
    assertThatThrownBy(() -> b.maxInFlight(0, 64L << 20).build()).hasMessageContaining("positive");
  }

  /** Checked before anything is bound: these tests never listen beyond loopback. */
  @Test
  void refusesNonLoopbackAddressesWithoutTlsOrInsecure() {
    for (String host : new String[] {"0.0.0.0", "::", "192.0.2.1"}) {
      NbdServerOptions options =
          NbdServerOptions.builder().listen(ListenAddress.tcp(host, 10809)).build();
      assertThatThrownBy(() -> NbdServer.start(options, new ExportRegistry()))
          .isInstanceOf(InvalidRequestException.class)
          .hasMessageContaining("not a loopback address");
    }
  }
}
