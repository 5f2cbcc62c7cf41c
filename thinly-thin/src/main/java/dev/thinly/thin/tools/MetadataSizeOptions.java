package dev.thinly.thin.tools;

/**
 * Inputs of {@link MetadataSize}, as the user typed them (thin_metadata_size 0.9.0 syntax): a
 * number followed by an optional unit letter ({@code bskKmMgGtTpPeEzZyY}) or a unit name prefix
 * ({@code sectors}, {@code kibibytes}, ...).
 *
 * @param blockSize data block size; without a unit it is in sectors
 * @param poolSize data device size; without a unit it is in sectors
 * @param maxThins number of thin devices and snapshots; a unit multiplies it
 * @param unit the output unit (letter or name prefix), or null for sectors
 * @param numeric what to print
 */
public record MetadataSizeOptions(
    SizeArg blockSize, SizeArg poolSize, SizeArg maxThins, String unit, Numeric numeric) {

  /**
   * One size argument and the output unit that was in effect when it was given: 0.9.0 echoes a
   * unitless block or pool size with the name of that unit (a quirk kept for identical output).
   */
  public record SizeArg(String text, String unitInEffect) {
    public static SizeArg of(String text) {
      return new SizeArg(text, null);
    }
  }

  /** {@code -n}: the number alone, with the unit's letter, or with the unit's name. */
  public enum Numeric {
    FULL,
    NUMBER,
    NUMBER_SHORT_UNIT,
    NUMBER_LONG_UNIT
  }
}
