package dev.thinly.thin.tools;

/**
 * The outcome of {@link Check}.
 *
 * @param superblockValid false if the superblock could not be read as thin metadata at all
 * @param transactionId the checked superblock's transaction id (-1 if not valid)
 * @param metadataFreeBlocks {@code nr_blocks - nr_allocated} of the metadata space map root, as
 *     thin_check 1.x prints it (-1 if not valid)
 * @param fatal problems that make the metadata unusable or unsafe
 * @param nonFatal leaks, under-filled nodes and the like
 * @param warnings remarks that never fail the check
 * @param needsCheck the superblock has NEEDS_CHECK set (after any clearing)
 * @param clearedNeedsCheck NEEDS_CHECK was cleared by this check
 * @param passed the verdict under the options used
 * @param blocksRead metadata blocks read from the device
 */
public record CheckResult(
    boolean superblockValid,
    long transactionId,
    long metadataFreeBlocks,
    int fatal,
    int nonFatal,
    int warnings,
    boolean needsCheck,
    boolean clearedNeedsCheck,
    boolean passed,
    long blocksRead) {

  /** True if nothing at all was found (warnings aside). */
  public boolean clean() {
    return fatal == 0 && nonFatal == 0;
  }
}
