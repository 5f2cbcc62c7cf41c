package dev.thinly.thin.tools;

import dev.thinly.pdata.error.InvalidRequestException;
import dev.thinly.thin.tools.MetadataSizeOptions.Numeric;
import dev.thinly.thin.tools.MetadataSizeOptions.SizeArg;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Estimates the metadata device size a pool needs, with the numbers and output of
 * thin_metadata_size 0.9.0 (spec 8.7):
 *
 * <pre>
 *   blocks = 1 + (2 * pool_sectors / block_sectors / 252 + max_thins)     (integer divisions)
 *   size   = blocks * 4096 bytes, expressed in the output unit
 * </pre>
 *
 * 252 mappings per leaf, doubled because leaves are about half full. The arithmetic is the
 * original's: unsigned 64-bit integers (wrapping), then doubles; numbers print as integers when
 * whole, otherwise with two decimals, or in exponent form when the fraction is below 0.01, rounded
 * half-even like glibc's printf.
 */
public final class MetadataSize {
  /** The program name 0.9.0 prints in front of the full output line. */
  public static final String PROGRAM = "thin_metadata_size";

  private static final String UNIT_CHARS = "bskKmMgGtTpPeEzZyY";
  private static final String[] UNIT_NAMES = {
    "bytes", "sectors", "kibibytes", "kilobytes", "mebibytes", "megabytes", "gibibytes",
    "gigabytes", "tebibytes", "terabytes", "pebibytes", "petabytes", "ebibytes", "exabytes",
    "zebibytes", "zetabytes", "yobibytes", "yottabytes"
  };
  private static final int SECTORS = 1;
  private static final long SECTOR_BYTES = 512;
  private static final long MAPPINGS_PER_LEAF = (4096 - 64) / 16;
  private static final long[] FACTORS = factors();

  private MetadataSize() {}

  /** Binary and decimal powers; zebi- and yobi- overflow 64 bits and wrap, as in the C original. */
  private static long[] factors() {
    long[] f = new long[UNIT_NAMES.length];
    f[0] = 1;
    f[1] = SECTOR_BYTES;
    f[2] = 1024;
    f[3] = 1000;
    for (int u = 4; u < f.length; u += 2) {
      f[u] = f[u - 2] * f[2];
      f[u + 1] = f[u - 1] * f[3];
    }
    return f;
  }

  /** The estimate: the number in the output unit, and the metadata blocks it stands for. */
  public record Estimate(double size, int unitIndex, long metadataBlocks) {
    public String unitName() {
      return UNIT_NAMES[unitIndex];
    }

    public char unitChar() {
      return UNIT_CHARS.charAt(unitIndex);
    }
  }

  /**
   * The line thin_metadata_size 0.9.0 prints (without the newline).
   *
   * @throws InvalidRequestException with 0.9.0's message for a missing or invalid argument
   */
  public static String run(MetadataSizeOptions o) {
    int unitIndex = o.unit() == null ? SECTORS : unitIndex(o.unit());
    if (unitIndex < 0) {
      throw new InvalidRequestException("output unit specifier invalid!");
    }
    Parsed block = parse(require(o.blockSize()), true);
    Parsed pool = parse(require(o.poolSize()), true);
    Parsed thins = parse(require(o.maxThins()), false);
    Estimate e = estimate(block.value, pool.value, thins.value, unitIndex);
    String number = formatNumber(e.size());
    return switch (o.numeric()) {
      case FULL ->
          PROGRAM
              + " - "
              + number
              + " "
              + e.unitName()
              + " estimated metadata area size for \"--block-size="
              + echo(o.blockSize(), block, true)
              + " --pool-size="
              + echo(o.poolSize(), pool, true)
              + " --max-thins="
              + echo(o.maxThins(), thins, false)
              + "\"";
      case NUMBER -> number;
      case NUMBER_SHORT_UNIT -> number + e.unitChar();
      case NUMBER_LONG_UNIT -> number + e.unitName();
    };
  }

  /**
   * The estimate for sizes already converted: block and pool size in sectors.
   *
   * @throws InvalidRequestException as 0.9.0 for zero or inconsistent inputs
   */
  public static Estimate estimate(
      long blockSectors, long poolSectors, long maxThins, int unitIndex) {
    if (blockSectors == 0) {
      throw new InvalidRequestException("block size required!");
    }
    if (poolSectors == 0) {
      throw new InvalidRequestException("pool size required!");
    }
    if (maxThins == 0) {
      throw new InvalidRequestException("max thins required!");
    }
    if ((blockSectors & (blockSectors - 1)) != 0) {
      throw new InvalidRequestException("block size must be 2^^N");
    }
    if (Long.compareUnsigned(poolSectors, blockSectors) <= 0) {
      throw new InvalidRequestException("pool size must be larger than block size");
    }
    long leaves =
        Long.divideUnsigned(Long.divideUnsigned(2 * poolSectors, blockSectors), MAPPINGS_PER_LEAF);
    long blocks = leaves + maxThins;
    double r = 1.0 + unsignedToDouble(blocks);
    r *= 8 * SECTOR_BYTES;
    r /= unsignedToDouble(FACTORS[unitIndex]);
    return new Estimate(r, unitIndex, blocks + 1);
  }

  private static SizeArg require(SizeArg a) {
    return a == null ? new SizeArg("", null) : a;
  }

  private record Parsed(long value, int unitIndex, String digits) {}

  /** 0.9.0's to_bytes: leading digits (atoll), then an optional unit; unitless means sectors. */
  private static Parsed parse(SizeArg arg, boolean inSectors) {
    String text = arg.text();
    int i = 0;
    while (i < text.length() && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
      i++;
    }
    String digits = text.substring(0, i);
    String unit = text.substring(i);
    int idx = SECTORS;
    if (!unit.isEmpty()) {
      idx = unitIndex(unit);
      if (idx < 0) {
        throw new InvalidRequestException("Invalid unit specifier!");
      }
    }
    long r = atoll(digits) * FACTORS[idx];
    long value = unit.isEmpty() || inSectors ? Long.divideUnsigned(r, SECTOR_BYTES) : r;
    return new Parsed(value, unit.isEmpty() ? -1 : idx, digits);
  }

  /** What 0.9.0 echoes for an argument: its digits and the unit name (see {@link SizeArg}). */
  private static String echo(SizeArg arg, Parsed p, boolean size) {
    if (p.unitIndex >= 0) {
      return p.digits + UNIT_NAMES[p.unitIndex];
    }
    if (!size) {
      return p.digits;
    }
    int inEffect = arg.unitInEffect() == null ? SECTORS : unitIndex(arg.unitInEffect());
    return p.digits + UNIT_NAMES[inEffect < 0 ? SECTORS : inEffect];
  }

  /** glibc atoll on a string of digits: saturates at Long.MAX_VALUE. */
  private static long atoll(String digits) {
    if (digits.isEmpty()) {
      return 0;
    }
    try {
      return Long.parseLong(digits);
    } catch (NumberFormatException e) {
      return Long.MAX_VALUE;
    }
  }

  /** A unit letter, or a prefix of a unit name; -1 if neither. */
  static int unitIndex(String unit) {
    if (unit.length() == 1) {
      return UNIT_CHARS.indexOf(unit.charAt(0));
    }
    for (int i = 0; i < UNIT_NAMES.length; i++) {
      if (UNIT_NAMES[i].startsWith(unit)) {
        return i;
      }
    }
    return -1;
  }

  private static double unsignedToDouble(long v) {
    double d = (double) (v >>> 1) * 2.0;
    return v >= 0 ? (double) v : d + (v & 1);
  }

  /** printf("%llu") for whole numbers, else "%0.2f", or "%0.2e" below a hundredth. */
  static String formatNumber(double r) {
    if (Double.isNaN(r)) {
      return "-nan";
    }
    if (Double.isInfinite(r)) {
      // a zebi- or yobi- unit (a wrapped factor of 0): what the 0.9.0 binary prints
      return "0";
    }
    double whole = Math.floor(r);
    if (r == whole) {
      return new BigDecimal(r).toBigInteger().toString();
    }
    if (r - whole < 1e-2) {
      return formatExponent(r);
    }
    return new BigDecimal(r).setScale(2, RoundingMode.HALF_EVEN).toPlainString();
  }

  /** "%.2e" exactly as glibc: three significant digits, exponent with sign and two digits. */
  private static String formatExponent(double r) {
    BigDecimal d = new BigDecimal(r).round(new MathContext(3, RoundingMode.HALF_EVEN));
    String digits = d.unscaledValue().abs().toString();
    int exponent = digits.length() - 1 - d.scale();
    StringBuilder mantissa = new StringBuilder(digits);
    while (mantissa.length() < 3) {
      mantissa.append('0');
    }
    mantissa.setLength(3);
    mantissa.insert(1, '.');
    String e = String.valueOf(Math.abs(exponent));
    return (r < 0 ? "-" : "")
        + mantissa
        + "e"
        + (exponent < 0 ? "-" : "+")
        + (e.length() < 2 ? "0" + e : e);
  }

  /** The numeric mode for {@code -n} with an optional argument, as 0.9.0 parses it. */
  public static Numeric numeric(String arg) {
    if (arg == null) {
      return Numeric.NUMBER;
    }
    boolean isLong = "long".startsWith(arg);
    if (arg.isEmpty() || (!"short".startsWith(arg) && !isLong)) {
      throw new InvalidRequestException("-n invalid option argument");
    }
    return isLong ? Numeric.NUMBER_LONG_UNIT : Numeric.NUMBER_SHORT_UNIT;
  }
}
