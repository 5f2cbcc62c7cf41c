package dev.thinly.thin.format;

import dev.thinly.pdata.codec.LittleEndian;

/**
 * One thin device's entry in the details tree (24 bytes, keyed by thin id).
 *
 * <pre>
 * offset size field
 *      0    8 mapped_blocks     number of mappings of the device
 *      8    8 transaction_id    pool trans_id when the device was created
 *     16    4 creation_time     pool time when created
 *     20    4 snapshotted_time  pool time of the last snapshot it took part in
 * </pre>
 */
public record DeviceDetails(
    long mappedBlocks, long transactionId, long creationTime, long snapshottedTime) {
  public static final int SIZE = 24;

  public static DeviceDetails decode(byte[] b, int offset) {
    return new DeviceDetails(
        LittleEndian.getLong(b, offset),
        LittleEndian.getLong(b, offset + 8),
        LittleEndian.getU32(b, offset + 16),
        LittleEndian.getU32(b, offset + 20));
  }

  public byte[] encode() {
    byte[] b = new byte[SIZE];
    LittleEndian.putLong(b, 0, mappedBlocks);
    LittleEndian.putLong(b, 8, transactionId);
    LittleEndian.putInt(b, 16, (int) creationTime);
    LittleEndian.putInt(b, 20, (int) snapshottedTime);
    return b;
  }

  public DeviceDetails withMappedBlocks(long n) {
    return new DeviceDetails(n, transactionId, creationTime, snapshottedTime);
  }

  public DeviceDetails withSnapshottedTime(long t) {
    return new DeviceDetails(mappedBlocks, transactionId, creationTime, t);
  }
}
