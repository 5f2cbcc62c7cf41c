package dev.thinly.cli.format;

import java.math.BigDecimal;
import java.util.Locale;
import picocli.CommandLine;

/**
 * Parses sizes the way users write them: {@code 4096}, {@code 64K}, {@code 10G}, {@code 1.5T},
 * {@code 512MiB}, {@code 2gb}. Suffixes are binary (K = 1024); {@code s} means 512-byte sectors.
 */
public final class SizeConverter implements CommandLine.ITypeConverter<Long> {
  @Override
  public Long convert(String value) {
    return parse(value);
  }

  /** The size in bytes. */
  public static long parse(String value) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    if (v.isEmpty()) {
      throw new CommandLine.TypeConversionException("empty size");
    }
    int i = 0;
    while (i < v.length() && (Character.isDigit(v.charAt(i)) || v.charAt(i) == '.')) {
      i++;
    }
    String number = v.substring(0, i);
    String unit = v.substring(i).trim();
    long multiplier =
        switch (unit) {
          case "", "b" -> 1L;
          case "s" -> 512L;
          case "k", "kb", "kib" -> 1L << 10;
          case "m", "mb", "mib" -> 1L << 20;
          case "g", "gb", "gib" -> 1L << 30;
          case "t", "tb", "tib" -> 1L << 40;
          case "p", "pb", "pib" -> 1L << 50;
          default ->
              throw new CommandLine.TypeConversionException(
                  "'" + value + "' is not a size (examples: 4096, 64K, 10G, 1.5T)");
        };
    try {
      BigDecimal bytes = new BigDecimal(number).multiply(BigDecimal.valueOf(multiplier));
      if (bytes.signum() < 0 || bytes.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
        throw new CommandLine.TypeConversionException("size '" + value + "' is out of range");
      }
      if (bytes.stripTrailingZeros().scale() > 0) {
        throw new CommandLine.TypeConversionException("size '" + value + "' is not a whole number of bytes");
      }
      return bytes.longValueExact();
    } catch (NumberFormatException | ArithmeticException e) {
      throw new CommandLine.TypeConversionException(
          "'" + value + "' is not a size (examples: 4096, 64K, 10G, 1.5T)");
    }
  }

  /** A byte count for people: {@code 10GiB}, {@code 1.5MiB}, {@code 512B}. */
  public static String format(long bytes) {
    String[] units = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    double v = bytes;
    int u = 0;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    if (u == 0 || v == Math.rint(v)) {
      return String.format(Locale.ROOT, "%d%s", (long) v, units[u]);
    }
    return String.format(Locale.ROOT, "%.1f%s", v, units[u]);
  }
}
