package dev.thinly.nbd.protocol;

/**
 * A metadata context as announced by {@code NBD_REP_META_CONTEXT}.
 *
 * @param contextId the id used in block status replies (0 in LIST answers)
 * @param name e.g. {@code base:allocation}
 */
public record MetaContext(int contextId, String name) {}
