package dev.thinly.nbd.protocol;

/**
 * One export as listed by {@code NBD_REP_SERVER}: its name and a human-readable description (empty
 * when there is none).
 */
public record ExportListing(String name, String description) {}
