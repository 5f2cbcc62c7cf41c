package dev.thinly.thin.tools;

import dev.thinly.pdata.error.InvalidRequestException;

/**
 * What {@link Check} examines and what it may change (the options of thin_check). There is no cache
 * size to choose: the check reads each block once and remembers what it needs about it, so a cache
 * would not save a single read.
 *
 * @param scope how far the check goes
 * @param metadataSnap check the held metadata snapshot's trees instead of the live ones (no space
 *     map comparison: the snapshot has no space maps of its own)
 * @param ignoreNonFatal non-fatal problems do not fail the check
 * @param clearNeedsCheck if the metadata is clean, clear NEEDS_CHECK (rewrites the superblock only)
 */
public record CheckOptions(
    Scope scope, boolean metadataSnap, boolean ignoreNonFatal, boolean clearNeedsCheck) {

  /** How far the check goes. */
  public enum Scope {
    /** The superblock only ({@code --super-block-only}). */
    SUPERBLOCK,
    /** The superblock, the details tree and the top level of the mapping tree. */
    DEVICES,
    /** Everything: every tree, every reference count, both space maps. */
    FULL
  }

  /** A full check, nothing ignored, nothing changed. */
  public static CheckOptions full() {
    return new CheckOptions(Scope.FULL, false, false, false);
  }

  /**
   * Refuses combinations thin_check refuses: clearing the flag needs a full examination of the live
   * metadata that counts every error.
   */
  public CheckOptions {
    if (clearNeedsCheck) {
      if (ignoreNonFatal) {
        throw new InvalidRequestException("cannot perform fix by ignoring non-fatal errors");
      }
      if (metadataSnap) {
        throw new InvalidRequestException("cannot perform fix within metadata snap");
      }
      if (scope != Scope.FULL) {
        throw new InvalidRequestException("cannot perform fix without a full examination");
      }
    }
  }
}
