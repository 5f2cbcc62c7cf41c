package dev.thinly.thin.pool;

import java.time.Instant;
import java.util.Map;

/**
 * One line of {@code thinly list}: a volume and the space its blocks take. {@code exclusiveBytes}
 * are blocks no other volume maps (what deleting it would free); {@code sharedBytes} the rest
 * (thin_ls EXCLUSIVE_BYTES / SHARED_BYTES).
 */
public record VolumeUsage(
    String name,
    long thinId,
    long sizeBytes,
    long mappedBytes,
    long exclusiveBytes,
    long sharedBytes,
    String origin,
    boolean readOnly,
    Instant created,
    Map<String, String> labels) {}
