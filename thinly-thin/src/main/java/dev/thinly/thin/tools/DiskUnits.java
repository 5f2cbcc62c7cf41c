package dev.thinly.thin.tools;

/**
 * Sizes the way thin_ls 0.9.0 prints them: whole bytes up to 8 KiB, then whole KiB up to 8 MiB,
 * and so on (the number is divided by 1024 while above 1 MiB, then once more, rounded half up,
 * if still above 8 KiB). Examples: 0 = {@code 0}, 5 x 64 KiB = {@code 320KiB}, 600 x 64 KiB =
 * {@code 38MiB}.
 */
public final class DiskUnits {
  private static final String[] UNITS = {"", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};

  private DiskUnits() {}

  public static String formatSectors(long sectors) {
    return formatBytes(sectors * 512);
  }

  public static String formatBytes(long bytes) {
    long n = bytes;
    int unit = 0;
    while (Long.compareUnsigned(n, 1L << 20) > 0) {
      n = Long.divideUnsigned(n, 1024);
      unit++;
    }
    if (n > 8 * 1024) {
      n = Math.round(n / 1024.0);
      unit++;
    }
    return n + UNITS[unit];
  }
}
