package dev.thinly.it.serve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.thinly.nbd.testkit.ProcessRunner;
import dev.thinly.nbd.testkit.TestCertificates;
import dev.thinly.nbd.testkit.TestImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code thinly serve --tls=require} with a CA and server certificate made by the test: libnbd
 * clients with the CA connect over both listeners, clients without TLS are refused. And the
 * safety net: a non-loopback address without TLS is refused before anything is bound or created.
 */
class ServeTlsIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  @TempDir Path tmp;

  @Test
  void requiredTlsServesClientsWithTheCaAndRefusesPlainOnes() throws Exception {
    TestCertificates certs = TestCertificates.generate(tmp.resolve("pki"));
    Path pool = tmp.resolve("pool");
    ThinlyCli.ok("pool", "create", "--pool", pool.toString(), "--data-size", "1G");
    ThinlyCli.ok("create", "secret", "--size", "16M", "--pool", pool.toString());
    try (ServeProcess serve =
        ServeProcess.start(
            pool,
            tmp.resolve("nbd.sock"),
            "--tls=require",
            "--tls-cert",
            certs.serverCert().toString(),
            "--tls-key",
            certs.serverKey().toString())) {
      assertThat(serve.stdout()).allMatch(l -> l.startsWith("nbds://") || l.startsWith("nbds+unix://"));
      String unix = serve.unixUri("secret") + "&tls-certificates=" + certs.dir();
      // the certificate is for localhost and 127.0.0.1; GnuTLS checks the name in the URI
      String tcp = "nbds://localhost:" + serve.port() + "/secret?tls-certificates=" + certs.dir();
      for (String uri : List.of(unix, tcp)) {
        String info = ProcessRunner.run(TIMEOUT, "nbdinfo", uri).assertSuccess().stdout();
        assertThat(info).as(uri).contains("with TLS", "export-size: 16777216", "base:allocation");
      }
      assertThat(ProcessRunner.run(TIMEOUT, "nbdinfo", "--list", tcp).assertSuccess().stdout())
          .contains("export=\"secret\"");

      Path image = TestImages.sparse(tmp.resolve("img"), 16L << 20, 3, 0, 1 << 20, 8L << 20, 65536);
      ProcessRunner.run(TIMEOUT, "nbdcopy", image.toString(), tcp).assertSuccess();
      Path back = tmp.resolve("back");
      ProcessRunner.run(TIMEOUT, "nbdcopy", unix, back.toString()).assertSuccess();
      assertThat(Files.mismatch(image, back)).isEqualTo(-1);

      for (String plain : List.of(plainUnix(serve), plainTcp(serve))) {
        // libnbd 1.14 reports ERR_TLS_REQD as "Operation not supported" (as against nbdkit); the
        // server's reason shows in its debug output
        ProcessRunner.Result refused =
            ProcessRunner.run(TIMEOUT, null, Map.of("LIBNBD_DEBUG", "1"), List.of("nbdinfo", plain));
        assertThat(refused.exitCode()).as(refused.describe()).isNotZero();
        assertThat(refused.stderr()).as(refused.describe()).contains("server error message: TLS is required");
        assertThat(refused.stdout()).doesNotContain("export-size");
      }
      // a client that trusts another CA does not get in either
      TestCertificates other = TestCertificates.generate(tmp.resolve("other-pki"));
      ProcessRunner.Result untrusted =
          ProcessRunner.run(
              TIMEOUT, "nbdinfo", "nbds://localhost:" + serve.port() + "/secret?tls-certificates=" + other.dir());
      assertThat(untrusted.exitCode()).as(untrusted.describe()).isNotZero();
      assertThat(serve.stop()).as(serve.describe()).isZero();
    }
  }

  @Test
  void withATlsCaClientsNeedACertificateThatChainsToIt() throws Exception {
    TestCertificates certs = TestCertificates.generate(tmp.resolve("pki"));
    Path caOnly = Files.createDirectories(tmp.resolve("ca-only"));
    Files.copy(certs.caCert(), caOnly.resolve("ca-cert.pem"));
    Path pool = tmp.resolve("pool");
    ThinlyCli.ok("pool", "create", "--pool", pool.toString(), "--data-size", "1G");
    ThinlyCli.ok("create", "secret", "--size", "4M", "--pool", pool.toString());
    try (ServeProcess serve =
        ServeProcess.start(
            pool,
            tmp.resolve("nbd.sock"),
            "--tls=require",
            "--tls-cert",
            certs.serverCert().toString(),
            "--tls-key",
            certs.serverKey().toString(),
            "--tls-ca",
            certs.caCert().toString())) {
      String base = serve.unixUri("secret") + "&tls-certificates=";
      // libnbd presents client-cert.pem / client-key.pem from the directory when it has them
      ProcessRunner.run(TIMEOUT, "nbdinfo", base + certs.dir()).assertSuccess();
      ProcessRunner.Result anonymous = ProcessRunner.run(TIMEOUT, "nbdinfo", base + caOnly);
      assertThat(anonymous.exitCode()).as(anonymous.describe()).isNotZero();
      assertThat(serve.stop()).as(serve.describe()).isZero();
    }
  }

  private static String plainUnix(ServeProcess serve) {
    return "nbd+unix:///secret?socket=" + serve.socket();
  }

  private static String plainTcp(ServeProcess serve) {
    return "nbd://127.0.0.1:" + serve.port() + "/secret";
  }

  /**
   * 192.0.2.1 (TEST-NET-1) is not loopback and not on this machine: the refusal must come from
   * thinly, before it binds anything (a bind there could not succeed anyway), and before it
   * creates the default pool.
   */
  @Test
  void aNonLoopbackAddressWithoutTlsIsRefusedBeforeAnythingIsBound() {
    Path home = tmp.resolve("home");
    Path socket = tmp.resolve("nbd.sock");
    List<String> cmd = ThinlyCli.command(List.of("-Duser.home=" + home));
    cmd.addAll(List.of("serve", "--socket", socket.toString(), "--listen", "192.0.2.1:10809"));
    ProcessRunner.Result refused = ProcessRunner.run(TIMEOUT, null, Map.of("THINLY_POOL", ""), cmd);

    assertThat(refused.exitCode()).as(refused.describe()).isEqualTo(2);
    assertThat(refused.stdout()).as(refused.describe()).isEmpty();
    assertThat(refused.stderr().lines().toList())
        .as(refused.describe())
        .containsExactly(
            "thinly: refusing to serve NBD without TLS on 192.0.2.1:10809, which is not a loopback"
                + " address: require TLS or allow it explicitly (insecure)");
    assertThat(socket).doesNotExist();
    assertThat(home).as("the default pool is not created").doesNotExist();

    // the same with an explicit pool: it is neither locked nor given a control socket
    Path pool = tmp.resolve("pool");
    ThinlyCli.ok("pool", "create", "--pool", pool.toString(), "--data-size", "1G");
    List<String> withPool = new ArrayList<>(ThinlyCli.command(List.of()));
    withPool.addAll(
        List.of("serve", "--pool", pool.toString(), "--socket", socket.toString(), "--listen", "192.0.2.1:10809"));
    ProcessRunner.Result again = ProcessRunner.run(TIMEOUT, withPool);
    assertThat(again.exitCode()).as(again.describe()).isEqualTo(2);
    assertThat(socket).doesNotExist();
    assertThat(pool.resolve("control.sock")).doesNotExist();
  }
}
