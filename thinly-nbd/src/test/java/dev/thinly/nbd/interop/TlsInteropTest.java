package dev.thinly.nbd.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.thinly.nbd.export.MemoryExport;
import dev.thinly.nbd.server.TlsCredentials;
import dev.thinly.nbd.server.TlsMode;
import dev.thinly.nbd.testkit.NbdTestServer;
import dev.thinly.nbd.testkit.ProcessRunner;
import dev.thinly.nbd.testkit.TestCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** libnbd's TLS (GnuTLS) against the server's JDK TLS, over unix sockets and TCP. */
class TlsInteropTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  @TempDir Path dir;

  @Test
  void requiredTlsServesTlsClientsAndRefusesOthers() throws Exception {
    TestCertificates certs = TestCertificates.generate(dir.resolve("pki"));
    try (NbdTestServer nbd =
        NbdTestServer.start(
            dir,
            b -> b.tls(TlsMode.REQUIRE, TlsCredentials.of(certs.serverCert(), certs.serverKey())),
            MemoryExport.builder("disk", 4L << 20).description("encrypted").build())) {
      String query = "tls-certificates=" + certs.dir();
      String unix = "nbds+unix:///disk?socket=" + nbd.socket() + "&" + query;
      String tcp = "nbds://localhost:" + nbd.tcpPort() + "/disk?" + query;
      for (String uri : new String[] {unix, tcp}) {
        String out = ProcessRunner.run(TIMEOUT, "nbdinfo", uri).assertSuccess().stdout();
        assertThat(out).contains("with TLS", "description: encrypted", "base:allocation");
      }
      String list = ProcessRunner.run(TIMEOUT, "nbdinfo", "--list", tcp).assertSuccess().stdout();
      assertThat(list).contains("export=\"disk\"");

      // data over TLS, both ways
      Path image =
          dev.thinly.nbd.testkit.TestImages.sparse(dir.resolve("img"), 4L << 20, 8, 0, 1 << 20);
      ProcessRunner.run(TIMEOUT, "nbdcopy", image.toString(), unix).assertSuccess();
      Path back = dir.resolve("back");
      ProcessRunner.run(TIMEOUT, "nbdcopy", tcp, back.toString()).assertSuccess();
      assertThat(Files.mismatch(image, back)).isEqualTo(-1);

      var plain = ProcessRunner.run(TIMEOUT, "nbdinfo", nbd.unixUri("disk"));
      assertThat(plain.exitCode()).isNotZero();
      var plainTcp = ProcessRunner.run(TIMEOUT, "nbdinfo", nbd.tcpUri("disk"));
      assertThat(plainTcp.exitCode()).isNotZero();
    }
  }

  @Test
  void clientCertificatesAreCheckedWhenAClientCaIsConfigured() throws Exception {
    TestCertificates certs = TestCertificates.generate(dir.resolve("pki"));
    Path caOnly = Files.createDirectories(dir.resolve("ca-only"));
    Files.copy(certs.caCert(), caOnly.resolve("ca-cert.pem"));
    try (NbdTestServer nbd =
        NbdTestServer.start(
            dir,
            b ->
                b.tls(
                    TlsMode.REQUIRE,
                    new TlsCredentials(
                        certs.serverCert(), certs.serverKey(), Optional.of(certs.caCert()))),
            MemoryExport.builder("disk", 1 << 20).build())) {
      String base = "nbds+unix:///disk?socket=" + nbd.socket() + "&tls-certificates=";
      ProcessRunner.run(TIMEOUT, "nbdinfo", base + certs.dir()).assertSuccess();
      assertThat(ProcessRunner.run(TIMEOUT, "nbdinfo", base + caOnly).exitCode()).isNotZero();
    }
  }
}
