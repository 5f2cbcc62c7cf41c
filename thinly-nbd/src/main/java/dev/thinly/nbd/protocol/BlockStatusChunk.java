package dev.thinly.nbd.protocol;

import java.util.List;

/** The payload of a {@code BLOCK_STATUS} chunk: consecutive extents of one context. */
public record BlockStatusChunk(int contextId, List<BlockDescriptor> descriptors) {
  public BlockStatusChunk {
    descriptors = List.copyOf(descriptors);
  }
}
