package dev.thinly.nbd.protocol;

/**
 * One extent of a block status chunk.
 *
 * @param lengthBytes unsigned 32-bit, nonzero
 * @param flags context-defined status (for {@code base:allocation}: {@link BaseAllocation})
 */
public record BlockDescriptor(long lengthBytes, int flags) {}
