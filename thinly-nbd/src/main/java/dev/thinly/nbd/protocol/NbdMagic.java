package dev.thinly.nbd.protocol;

/** The magic numbers that frame every NBD message. */
public final class NbdMagic {
  /** First 8 bytes the server sends: ASCII "NBDMAGIC". */
  public static final long NBDMAGIC = 0x4e42444d41474943L;

  /** Second server word of the newstyle greeting, and the prefix of every option: "IHAVEOPT". */
  public static final long IHAVEOPT = 0x49484156454f5054L;

  /** Prefix of every option reply in fixed newstyle negotiation. */
  public static final long OPTION_REPLY = 0x3e889045565a9L;

  /** Prefix of every transmission request. */
  public static final int REQUEST = 0x25609513;

  /** Prefix of a simple reply. */
  public static final int SIMPLE_REPLY = 0x67446698;

  /** Prefix of every structured reply chunk. */
  public static final int STRUCTURED_REPLY = 0x668e33ef;

  private NbdMagic() {}
}
