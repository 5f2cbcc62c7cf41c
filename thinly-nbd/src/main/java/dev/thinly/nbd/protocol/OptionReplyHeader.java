package dev.thinly.nbd.protocol;

/**
 * The 20-byte header of an option reply: magic, the option answered, the reply type, the payload
 * length.
 *
 * @param option the option number being answered
 * @param replyType the raw reply type (see {@link OptionReplyType#of})
 * @param lengthBytes the unsigned payload length
 */
public record OptionReplyHeader(int option, int replyType, long lengthBytes) {}
