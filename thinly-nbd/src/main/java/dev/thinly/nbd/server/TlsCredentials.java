package dev.thinly.nbd.server;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The server's TLS identity, as PEM files (the layout nbdkit and qemu use).
 *
 * @param certificateChainPem the server certificate, optionally followed by intermediates
 * @param privateKeyPem its private key: unencrypted PKCS#8 ({@code BEGIN PRIVATE KEY}) or PKCS#1
 *     RSA ({@code BEGIN RSA PRIVATE KEY})
 * @param clientCaPem if present, clients must present a certificate signed by one of these CAs
 */
public record TlsCredentials(
    Path certificateChainPem, Path privateKeyPem, Optional<Path> clientCaPem) {

  /** Credentials without client certificate checks. */
  public static TlsCredentials of(Path certificateChainPem, Path privateKeyPem) {
    return new TlsCredentials(certificateChainPem, privateKeyPem, Optional.empty());
  }
}
