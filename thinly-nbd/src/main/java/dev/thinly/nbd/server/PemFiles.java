package dev.thinly.nbd.server;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads certificates and private keys from PEM files, the format nbdkit, qemu and openssl use, so
 * that no keystore has to be prepared by hand. (The JDK's own PEM API is still a preview in 25.)
 */
final class PemFiles {
  private static final Pattern BLOCK =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([^-]*)-----END \\1-----");

  /** Key algorithms tried in turn on a PKCS#8 key (the encoding names its algorithm by OID). */
  private static final List<String> KEY_ALGORITHMS =
      List.of("RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS", "DSA");

  /** DER of AlgorithmIdentifier { rsaEncryption, NULL }, for wrapping PKCS#1 keys. */
  private static final byte[] RSA_ALGORITHM_ID = {
    0x30,
    0x0d,
    0x06,
    0x09,
    0x2a,
    (byte) 0x86,
    0x48,
    (byte) 0x86,
    (byte) 0xf7,
    0x0d,
    0x01,
    0x01,
    0x01,
    0x05,
    0x00
  };

  private PemFiles() {}

  /** Every certificate in the file, in order (leaf first for a chain). */
  static List<X509Certificate> readCertificates(Path file)
      throws IOException, GeneralSecurityException {
    byte[] bytes = Files.readAllBytes(file);
    List<X509Certificate> certs =
        CertificateFactory.getInstance("X.509")
            .generateCertificates(new ByteArrayInputStream(bytes))
            .stream()
            .map(X509Certificate.class::cast)
            .toList();
    if (certs.isEmpty()) {
      throw new GeneralSecurityException("no certificate in " + file);
    }
    return certs;
  }

  /** The first private key in the file: PKCS#8 or PKCS#1 RSA, unencrypted. */
  static PrivateKey readPrivateKey(Path file) throws IOException, GeneralSecurityException {
    Matcher m = BLOCK.matcher(Files.readString(file, StandardCharsets.US_ASCII));
    while (m.find()) {
      String type = m.group(1);
      if (!type.endsWith("PRIVATE KEY")) {
        continue;
      }
      byte[] der = Base64.getMimeDecoder().decode(m.group(2));
      return switch (type) {
        case "PRIVATE KEY" -> pkcs8(der, file);
        case "RSA PRIVATE KEY" -> pkcs8(wrapPkcs1(der), file);
        default ->
            throw new GeneralSecurityException(
                file
                    + " holds a '"
                    + type
                    + "', which is not supported; convert it with"
                    + " 'openssl pkcs8 -topk8 -nocrypt'");
      };
    }
    throw new GeneralSecurityException("no private key in " + file);
  }

  private static PrivateKey pkcs8(byte[] der, Path file) throws GeneralSecurityException {
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
    for (String algorithm : KEY_ALGORITHMS) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(spec);
      } catch (InvalidKeySpecException e) {
        // not this algorithm: try the next one
      }
    }
    throw new GeneralSecurityException("unsupported key algorithm in " + file);
  }

  /** PrivateKeyInfo { version 0, rsaEncryption, OCTET STRING pkcs1 }. */
  static byte[] wrapPkcs1(byte[] pkcs1) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(new byte[] {0x02, 0x01, 0x00});
    body.writeBytes(RSA_ALGORITHM_ID);
    body.write(0x04);
    body.writeBytes(derLength(pkcs1.length));
    body.writeBytes(pkcs1);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0x30);
    out.writeBytes(derLength(body.size()));
    out.writeBytes(body.toByteArray());
    return out.toByteArray();
  }

  private static byte[] derLength(int length) {
    if (length < 0x80) {
      return new byte[] {(byte) length};
    }
    int bytes = (32 - Integer.numberOfLeadingZeros(length) + 7) / 8;
    byte[] out = new byte[1 + bytes];
    out[0] = (byte) (0x80 | bytes);
    for (int i = 0; i < bytes; i++) {
      out[bytes - i] = (byte) (length >>> (8 * i));
    }
    return out;
  }
}
