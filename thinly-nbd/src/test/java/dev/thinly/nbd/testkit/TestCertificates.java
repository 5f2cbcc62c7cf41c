package dev.thinly.nbd.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A throw-away PKI made with openssl: a CA, a server certificate for {@code localhost} and
 * 127.0.0.1, and a client certificate, in one directory with the file names libnbd and nbdkit
 * expect ({@code ca-cert.pem}, {@code server-cert.pem}, {@code server-key.pem}, {@code
 * client-cert.pem}, {@code client-key.pem}). EC P-256 keys, PKCS#8 PEM, valid for two days.
 */
public record TestCertificates(Path dir) {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  public Path caCert() {
    return dir.resolve("ca-cert.pem");
  }

  public Path serverCert() {
    return dir.resolve("server-cert.pem");
  }

  public Path serverKey() {
    return dir.resolve("server-key.pem");
  }

  public Path clientCert() {
    return dir.resolve("client-cert.pem");
  }

  public Path clientKey() {
    return dir.resolve("client-key.pem");
  }

  /** Generates everything into {@code dir} (created if needed). */
  public static TestCertificates generate(Path dir) {
    try {
      Files.createDirectories(dir);
      Files.writeString(
          dir.resolve("server.ext"),
          "basicConstraints=critical,CA:FALSE\n"
              + "keyUsage=critical,digitalSignature,keyEncipherment\n"
              + "extendedKeyUsage=serverAuth\n"
              + "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
      Files.writeString(
          dir.resolve("client.ext"),
          "basicConstraints=critical,CA:FALSE\n"
              + "keyUsage=critical,digitalSignature,keyEncipherment\n"
              + "extendedKeyUsage=clientAuth\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    key(dir, "ca-key.pem");
    openssl(
        dir,
        "req",
        "-x509",
        "-new",
        "-key",
        "ca-key.pem",
        "-subj",
        "/CN=thinly test CA",
        "-days",
        "2",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign",
        "-out",
        "ca-cert.pem");
    issue(dir, "server", "/CN=localhost");
    issue(dir, "client", "/CN=thinly test client");
    return new TestCertificates(dir);
  }

  private static void key(Path dir, String file) {
    openssl(
        dir, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", file);
  }

  private static void issue(Path dir, String who, String subject) {
    key(dir, who + "-key.pem");
    openssl(dir, "req", "-new", "-key", who + "-key.pem", "-subj", subject, "-out", who + ".csr");
    openssl(
        dir,
        "x509",
        "-req",
        "-in",
        who + ".csr",
        "-CA",
        "ca-cert.pem",
        "-CAkey",
        "ca-key.pem",
        "-CAcreateserial",
        "-days",
        "2",
        "-extfile",
        who + ".ext",
        "-out",
        who + "-cert.pem");
  }

  private static void openssl(Path dir, String... args) {
    List<String> command = new java.util.ArrayList<>();
    command.add("openssl");
    command.addAll(List.of(args));
    ProcessRunner.run(TIMEOUT, dir, Map.of(), command).assertSuccess();
  }
}
