package dev.thinly.nbd.protocol;

/**
 * The 20-byte header of a structured reply chunk (after the magic).
 *
 * @param flags 16-bit reply flags ({@link StructuredReplyCodec#FLAG_DONE})
 * @param type 16-bit chunk type (see {@link ReplyChunkType#of})
 * @param cookie the request's cookie
 * @param lengthBytes unsigned 32-bit payload length
 */
public record ChunkHeader(int flags, int type, long cookie, long lengthBytes) {
  public boolean done() {
    return (flags & StructuredReplyCodec.FLAG_DONE) != 0;
  }
}
