package dev.thinly.thin.tools;

import dev.thinly.thin.tools.CheckReport.Kind;
import dev.thinly.thin.tools.CheckReport.Problem;
import dev.thinly.thin.tools.CheckReport.Severity;

/**
 * State shared by the parts of one check: the recomputed metadata reference counts (one int per
 * metadata block), what each block was first referenced as, the problem counters, and the reader. A
 * block is "referenced" once per referencing place (spec 5.7); it is read and walked once.
 */
final class CheckContext {
  /** What a metadata block is used as; trees carry the value size of their leaves. */
  enum Role {
    SUPERBLOCK("superblock", 0),
    HELD_SUPERBLOCK("metadata snapshot superblock", 0),
    METADATA_INDEX("metadata space map index block", 0),
    METADATA_BITMAP("metadata space map bitmap", 0),
    DATA_BITMAP("data space map bitmap", 0),
    TOP_LEVEL("top-level mapping tree", 8),
    DETAILS("device details tree", 24),
    MAPPING("mapping tree", 8),
    DATA_INDEX("data space map index tree", 16),
    DATA_REF_COUNTS("data space map ref-count tree", 4),
    METADATA_REF_COUNTS("metadata space map ref-count tree", 4);

    final String description;
    final int valueSize;

    Role(String description, int valueSize) {
      this.description = description;
      this.valueSize = valueSize;
    }

    /** What a block in this role is, for messages: "a mapping tree node", "a superblock". */
    String noun() {
      String what = valueSize > 0 ? description + " node" : description;
      return (what.matches("^[aeiou].*") ? "an " : "a ") + what;
    }
  }

  private static final Role[] ROLES = Role.values();

  final CheckBlockReader reader;

  /** References are valid below this (the metadata space map's size, capped by the device). */
  final long nrMetadataBlocks;

  final int[] metadataCounts;
  private final byte[] roles;
  private final CheckReport report;
  private int fatal;
  private int nonFatal;
  private int warnings;
  private boolean countsIncomplete;

  CheckContext(CheckBlockReader reader, long nrMetadataBlocks, CheckReport report) {
    this.reader = reader;
    this.nrMetadataBlocks = nrMetadataBlocks;
    this.metadataCounts = new int[(int) nrMetadataBlocks];
    this.roles = new byte[(int) nrMetadataBlocks];
    this.report = report;
  }

  void problem(Severity severity, Kind kind, long block, String message) {
    switch (severity) {
      case FATAL -> fatal++;
      case NON_FATAL -> nonFatal++;
      case WARNING -> warnings++;
    }
    report.problem(new Problem(severity, kind, block, message));
  }

  void fatal(Kind kind, long block, String message) {
    problem(Severity.FATAL, kind, block, message);
  }

  int fatalCount() {
    return fatal;
  }

  int nonFatalCount() {
    return nonFatal;
  }

  int warningCount() {
    return warnings;
  }

  /**
   * Notes that some structure could not be walked, so the recomputed reference counts miss what is
   * below it and comparing them with the space maps would only report noise.
   */
  void markIncomplete() {
    countsIncomplete = true;
  }

  boolean countsIncomplete() {
    return countsIncomplete;
  }

  /**
   * Records one reference to {@code block} as a {@code role}, made by {@code from}. Returns false
   * (after reporting) if the block cannot be what it is referenced as: outside the metadata device
   * or already in use as something else; the caller then does not read it.
   */
  boolean reference(long block, Role role, String from) {
    if (block < 0 || block >= nrMetadataBlocks) {
      markIncomplete();
      fatal(
          Kind.BLOCK_RANGE,
          block,
          from
              + " references block "
              + Long.toUnsignedString(block)
              + " as "
              + role.noun()
              + ", beyond the "
              + nrMetadataBlocks
              + " metadata blocks");
      return false;
    }
    int b = (int) block;
    metadataCounts[b]++;
    int seen = roles[b];
    if (seen == 0) {
      roles[b] = (byte) (role.ordinal() + 1);
      return true;
    }
    if (seen != role.ordinal() + 1) {
      markIncomplete();
      fatal(
          Kind.BLOCK_ROLE,
          block,
          from
              + " references block "
              + block
              + " as "
              + role.noun()
              + ", but it is in use as "
              + ROLES[seen - 1].noun());
      return false;
    }
    return true;
  }

  /** True if the block was referenced before (so it is walked already, or being walked). */
  boolean seen(long block) {
    return roles[(int) block] != 0;
  }
}
