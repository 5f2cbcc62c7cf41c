package dev.thinly.nbd.protocol;

/** The payload of an {@code OFFSET_HOLE} chunk: a range of the read that reads as zeroes. */
public record HoleChunk(long offsetBytes, long lengthBytes) {}
