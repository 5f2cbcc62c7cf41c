package dev.thinly.nbd.protocol;

import java.util.OptionalLong;

/**
 * The payload of an error chunk.
 *
 * @param error the nonzero error value
 * @param message text for humans, possibly empty
 * @param offsetBytes where the error happened ({@code ERROR_OFFSET} chunks only)
 */
public record ErrorChunk(int error, String message, OptionalLong offsetBytes) {}
