package dev.thinly.thin.tools;

import java.util.List;

/**
 * Where {@link Check} sends the problems it finds, one at a time, as it finds them. Implementations
 * decide how to show them (the CLI prints one line each on stderr).
 */
@FunctionalInterface
public interface CheckReport {
  /** How bad a problem is, with thin_check's meaning for the exit status. */
  enum Severity {
    /** The metadata is unusable or unsafe to write: the check fails. */
    FATAL,
    /**
     * Harmless to data but not as the kernel leaves it (a leak, an under-filled node): the check
     * fails unless non-fatal errors are ignored.
     */
    NON_FATAL,
    /** Worth knowing, never fails the check (e.g. what thin_restore 0.9.0 writes). */
    WARNING
  }

  /** What kind of rule was broken, for tests and tools that want more than the text. */
  enum Kind {
    IO,
    SUPERBLOCK,
    CHECKSUM,
    BLOCKNR,
    BLOCK_RANGE,
    BLOCK_ROLE,
    CYCLE,
    NODE_HEADER,
    VALUE_SIZE,
    KEY_ORDER,
    PARENT_KEY,
    SIBLING_RANGE,
    UNBALANCED,
    UNDERFULL,
    DEVICE_TREES_DIFFER,
    MAPPED_BLOCKS,
    DATA_BLOCK_RANGE,
    METADATA_COUNT,
    DATA_COUNT,
    REF_COUNT_TREE,
    SPACE_MAP_INDEX,
    NR_ALLOCATED,
    BITMAP_TAIL,
    NOT_COMPARED
  }

  /**
   * One problem.
   *
   * @param block the metadata block it concerns, or -1
   * @param message one readable line, without a trailing newline
   */
  record Problem(Severity severity, Kind kind, long block, String message) {
    @Override
    public String toString() {
      return switch (severity) {
        case FATAL -> message;
        case NON_FATAL -> message + " (non-fatal)";
        case WARNING -> "warning: " + message;
      };
    }
  }

  void problem(Problem p);

  /** A report that appends to {@code problems}. */
  static CheckReport collecting(List<Problem> problems) {
    return problems::add;
  }
}
