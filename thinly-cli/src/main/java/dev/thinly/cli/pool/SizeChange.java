package dev.thinly.cli.pool;

import dev.thinly.cli.format.SizeConverter;
import dev.thinly.pdata.error.InvalidRequestException;
import picocli.CommandLine;

/**
 * A new size as users write it: {@code 20G} (absolute), {@code +5G} (grow by), {@code -5G} (shrink
 * by).
 */
record SizeChange(int sign, long bytes) {

  /** The size after the change, from {@code currentBytes}. */
  long applyTo(long currentBytes) {
    if (sign == 0) {
      return bytes;
    }
    long result = sign > 0 ? currentBytes + bytes : currentBytes - bytes;
    if (result <= 0 || (sign > 0 && result < currentBytes)) {
      throw new InvalidRequestException(
          "cannot " + (sign > 0 ? "grow" : "shrink") + " " + SizeConverter.format(currentBytes) + " by "
              + SizeConverter.format(bytes));
    }
    return result;
  }

  boolean relative() {
    return sign != 0;
  }

  /** picocli converter. */
  static final class Converter implements CommandLine.ITypeConverter<SizeChange> {
    @Override
    public SizeChange convert(String value) {
      String v = value.trim();
      int sign = v.startsWith("+") ? 1 : v.startsWith("-") ? -1 : 0;
      return new SizeChange(sign, SizeConverter.parse(sign == 0 ? v : v.substring(1)));
    }
  }
}
