package dev.thinly.nbd.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.thinly.nbd.testkit.ProcessRunner;
import dev.thinly.nbd.testkit.TestCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PemFilesTest {
  @TempDir Path dir;

  void openssl(String... args) {
    List<String> command = new java.util.ArrayList<>(List.of("openssl"));
    command.addAll(List.of(args));
    ProcessRunner.run(Duration.ofSeconds(60), dir, Map.of(), command).assertSuccess();
  }

  @Test
  void readsPkcs8AndPkcs1Keys() throws Exception {
    TestCertificates certs = TestCertificates.generate(dir.resolve("pki"));
    assertThat(PemFiles.readPrivateKey(certs.serverKey()).getAlgorithm()).isEqualTo("EC");
    assertThat(PemFiles.readCertificates(certs.serverCert()))
        .singleElement()
        .satisfies(
            c -> assertThat(c.getSubjectX500Principal().getName()).isEqualTo("CN=localhost"));

    openssl("genrsa", "-traditional", "-out", "rsa1.pem", "2048");
    assertThat(Files.readString(dir.resolve("rsa1.pem"))).contains("BEGIN RSA PRIVATE KEY");
    assertThat(PemFiles.readPrivateKey(dir.resolve("rsa1.pem")).getAlgorithm()).isEqualTo("RSA");

    openssl("genpkey", "-algorithm", "ed25519", "-out", "ed.pem");
    assertThat(PemFiles.readPrivateKey(dir.resolve("ed.pem")).getAlgorithm())
        .isIn("EdDSA", "Ed25519");
  }

  @Test
  void unsupportedOrMissingKeysAreClearErrors() throws Exception {
    openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "sec1.pem");
    assertThatThrownBy(() -> PemFiles.readPrivateKey(dir.resolve("sec1.pem")))
        .isInstanceOf(GeneralSecurityException.class)
        .hasMessageContaining("EC PRIVATE KEY")
        .hasMessageContaining("openssl pkcs8");
    Files.writeString(dir.resolve("empty.pem"), "nothing here");
    assertThatThrownBy(() -> PemFiles.readPrivateKey(dir.resolve("empty.pem")))
        .hasMessageContaining("no private key");
    assertThatThrownBy(() -> PemFiles.readCertificates(dir.resolve("empty.pem")))
        .isInstanceOf(GeneralSecurityException.class);
  }

  @Test
  void badCredentialsFailTheServerStart() {
    Path missing = dir.resolve("missing.pem");
    assertThatThrownBy(
            () -> TlsContexts.create(new TlsCredentials(missing, missing, Optional.empty())))
        .hasMessageContaining("missing.pem");
  }
}
