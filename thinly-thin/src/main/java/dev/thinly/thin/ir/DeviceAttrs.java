package dev.thinly.thin.ir;

/**
 * The {@code <device>} element: one thin device's details.
 *
 * @param thinId the device id (at most 2^24-1 on input)
 * @param mappedBlocks number of mappings as recorded in the details (restore recomputes it)
 * @param transaction pool transaction id when the device was created
 * @param creationTime pool time when created
 * @param snapTime pool time of the last snapshot the device took part in
 */
public record DeviceAttrs(
    long thinId, long mappedBlocks, long transaction, long creationTime, long snapTime) {}
