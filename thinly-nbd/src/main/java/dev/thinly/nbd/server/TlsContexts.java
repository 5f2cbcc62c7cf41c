package dev.thinly.nbd.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;

/** Builds the server's {@link SSLContext} from PEM credentials, and engines from it. */
final class TlsContexts {
  /** The key store lives only in memory; its password protects nothing. */
  private static final char[] IN_MEMORY_PASSWORD = "thinly".toCharArray();

  private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

  private TlsContexts() {}

  /**
   * Loads the credentials.
   *
   * @throws IllegalArgumentException if the files are missing or invalid (a configuration error)
   */
  static SSLContext create(TlsCredentials credentials) {
    try {
      List<X509Certificate> chain = PemFiles.readCertificates(credentials.certificateChainPem());
      PrivateKey key = PemFiles.readPrivateKey(credentials.privateKeyPem());
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(null, null);
      keys.setKeyEntry("server", key, IN_MEMORY_PASSWORD, chain.toArray(X509Certificate[]::new));
      KeyManagerFactory kmf =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(keys, IN_MEMORY_PASSWORD);

      TrustManagerFactory tmf = null;
      if (credentials.clientCaPem().isPresent()) {
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        int i = 0;
        for (X509Certificate ca : PemFiles.readCertificates(credentials.clientCaPem().get())) {
          trusted.setCertificateEntry("ca" + i++, ca);
        }
        tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trusted);
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), null);
      return context;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read TLS credentials: " + e.getMessage(), e);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("invalid TLS credentials: " + e.getMessage(), e);
    }
  }

  /** A server-side engine; with a client CA, clients must authenticate. */
  static SSLEngine serverEngine(SSLContext context, boolean verifyClients) {
    SSLEngine engine = context.createSSLEngine();
    engine.setUseClientMode(false);
    engine.setEnabledProtocols(PROTOCOLS);
    engine.setNeedClientAuth(verifyClients);
    return engine;
  }
}
