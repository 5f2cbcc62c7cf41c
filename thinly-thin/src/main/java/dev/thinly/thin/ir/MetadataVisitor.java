package dev.thinly.thin.ir;

/**
 * Receives a pool as a stream of events (see the package comment for their order). Every method
 * returns whether the producer should go on; a producer stops at the first {@link Visit#STOP} and
 * then calls nothing else, not even {@link #eof}.
 *
 * <p>Implementations throw unchecked exceptions for input they refuse; producers let them through.
 */
public interface MetadataVisitor {
  Visit superblockBegin(SuperblockAttrs superblock);

  Visit superblockEnd();

  /** Starts a named set of mappings that devices include with {@link #ref}. */
  Visit defBegin(String name);

  Visit defEnd();

  Visit deviceBegin(DeviceAttrs device);

  Visit deviceEnd();

  /** A run of mappings of the current device or def. */
  Visit mapping(MappingRun run);

  /** Includes the mappings of the def {@code name} in the current device. */
  Visit ref(String name);

  /** The input is complete. */
  Visit eof();
}
