package dev.thinly.nbd.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.thinly.nbd.export.MemoryExport;
import dev.thinly.nbd.protocol.Command;
import dev.thinly.nbd.protocol.OptionReplyType;
import dev.thinly.nbd.protocol.OptionType;
import dev.thinly.nbd.protocol.RequestHeader;
import dev.thinly.nbd.testkit.NbdTestClient;
import dev.thinly.nbd.testkit.NbdTestClient.Reply;
import dev.thinly.nbd.testkit.NbdTestServer;
import dev.thinly.nbd.testkit.TestCertificates;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Random;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** STARTTLS with the server's own SSLEngine transport, driven by a JDK client. */
class TlsTest {
  @TempDir static Path pki;
  static TestCertificates certs;
  static SSLContext clientContext;

  @TempDir Path dir;

  @BeforeAll
  static void makeCertificates() throws Exception {
    certs = TestCertificates.generate(pki);
    KeyStore trusted = KeyStore.getInstance("PKCS12");
    trusted.load(null, null);
    for (X509Certificate ca : PemFiles.readCertificates(certs.caCert())) {
      trusted.setCertificateEntry("ca", ca);
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trusted);
    clientContext = SSLContext.getInstance("TLS");
    clientContext.init(null, tmf.getTrustManagers(), null);
  }

  NbdTestServer server(TlsMode mode) {
    return NbdTestServer.start(
        dir,
        b -> b.tls(mode, TlsCredentials.of(certs.serverCert(), certs.serverKey())),
        MemoryExport.builder("disk", 8 << 20).build());
  }

  static OptionReplyType type(NbdTestClient.OptionReply r) {
    return OptionReplyType.of(r.header().replyType()).orElseThrow();
  }

  @Test
  void requiredTlsRefusesEveryOptionButStartTlsAndAbort() {
    try (NbdTestServer nbd = server(TlsMode.REQUIRE);
        NbdTestClient c = NbdTestClient.tcp(nbd.tcpPort())) {
      c.start();
      for (OptionType option :
          new OptionType[] {
            OptionType.LIST, OptionType.STRUCTURED_REPLY, OptionType.EXTENDED_HEADERS
          }) {
        assertThat(type(c.option(option, ByteBuffer.allocate(0)).getLast()))
            .isEqualTo(OptionReplyType.ERR_TLS_REQD);
      }
      assertThat(type(c.info(OptionType.GO, "disk").getLast()))
          .isEqualTo(OptionReplyType.ERR_TLS_REQD);
      c.sendOption(OptionType.EXPORT_NAME.code(), ByteBuffer.wrap("disk".getBytes()));
      assertThat(c.serverClosed()).isTrue();
    }
  }

  @Test
  void startTlsUpgradesResetsNegotiationAndCarriesData() {
    try (NbdTestServer nbd = server(TlsMode.REQUIRE);
        NbdTestClient c = NbdTestClient.tcp(nbd.tcpPort())) {
      c.start();
      assertThat(type(c.option(OptionType.STARTTLS, ByteBuffer.allocate(1)).getLast()))
          .isEqualTo(OptionReplyType.ERR_INVALID);
      assertThat(type(c.option(OptionType.STARTTLS, ByteBuffer.allocate(0)).getLast()))
          .isEqualTo(OptionReplyType.ACK);
      c.upgradeToTls(clientContext);
      assertThat(type(c.option(OptionType.STARTTLS, ByteBuffer.allocate(0)).getLast()))
          .isEqualTo(OptionReplyType.ERR_INVALID);
      assertThat(type(c.option(OptionType.LIST, ByteBuffer.allocate(0)).getLast()))
          .isEqualTo(OptionReplyType.ACK);
      c.option(OptionType.STRUCTURED_REPLY, ByteBuffer.allocate(0));
      c.metaContext(OptionType.SET_META_CONTEXT, "disk", "base:allocation");
      assertThat(type(c.info(OptionType.GO, "disk").getLast())).isEqualTo(OptionReplyType.ACK);

      // several TLS records each way
      byte[] data = new byte[4 << 20];
      new Random(7).nextBytes(data);
      c.send(RequestHeader.of(Command.WRITE, 0, 1, 0, data.length), ByteBuffer.wrap(data));
      assertThat(c.readReply().cookie()).isEqualTo(1);
      c.send(RequestHeader.of(Command.READ, 0, 2, 0, data.length));
      Reply.Chunk chunk = c.readStructuredReply().getFirst();
      ByteBuffer payload = chunk.payload();
      assertThat(payload.getLong()).isZero();
      byte[] back = new byte[payload.remaining()];
      payload.get(back);
      assertThat(back).isEqualTo(data);
      c.send(RequestHeader.of(Command.BLOCK_STATUS, 0, 3, 0, 4096));
      assertThat(c.readStructuredReply()).hasSize(1);
    }
  }

  @Test
  void optionalTlsLetsPlainClientsIn() {
    try (NbdTestServer nbd = server(TlsMode.ON);
        NbdTestClient plain = NbdTestClient.unix(nbd.socket());
        NbdTestClient secure = NbdTestClient.tcp(nbd.tcpPort())) {
      plain.negotiate("disk", true);
      secure.start();
      secure.option(OptionType.STRUCTURED_REPLY, ByteBuffer.allocate(0));
      secure.option(OptionType.STARTTLS, ByteBuffer.allocate(0));
      secure.upgradeToTls(clientContext);
      // structured replies were negotiated before TLS and do not survive it
      assertThat(
              type(
                  secure
                      .metaContext(OptionType.SET_META_CONTEXT, "disk", "base:allocation")
                      .getLast()))
          .isEqualTo(OptionReplyType.ERR_INVALID);
      assertThat(type(secure.info(OptionType.GO, "disk").getLast())).isEqualTo(OptionReplyType.ACK);
      secure.send(RequestHeader.of(Command.READ, 0, 9, 0, 512));
      assertThat(secure.readReply()).isInstanceOf(Reply.Simple.class);
      assertThat(nbd.server().connections()).filteredOn(ConnectionInfo::tls).hasSize(1);
    }
  }
}
