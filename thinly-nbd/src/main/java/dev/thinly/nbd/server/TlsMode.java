package dev.thinly.nbd.server;

/** The TLS modes of the spec. */
public enum TlsMode {
  /** NOTLS: {@code NBD_OPT_STARTTLS} is refused with {@code NBD_REP_ERR_POLICY}. */
  OFF,
  /**
   * TLS is offered; clients may negotiate without it (the spec's SELECTIVETLS with no TLS-only
   * exports).
   */
  ON,
  /**
   * FORCEDTLS: every option but {@code STARTTLS} and {@code ABORT} is answered with {@code
   * NBD_REP_ERR_TLS_REQD} until TLS is up; {@code NBD_OPT_EXPORT_NAME} before that drops the
   * connection.
   */
  REQUIRE
}
