package dev.thinly.pdata.testkit;

import dev.thinly.pdata.block.BlockManager;
import dev.thinly.pdata.io.MemoryBlockDevice;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;

/**
 * The dm-thin metadata images under {@code src/test/resources/dev/thinly/pdata/fixtures} (copies
 * of {@code shared/fixtures/dm-thin}, see the README there), and the superblock offsets of spec
 * section 3.1 that tests read directly.
 */
public final class DmThinFixtures {
  public static final String EMPTY_POOL = "01-empty-pool.bin";
  public static final String THINS_AND_SNAPSHOTS = "02-thins-and-snapshots.bin";
  public static final String TEN_K_MAPPINGS = "03-10k-mappings.bin";
  public static final String ROOT_SHARED_BY_THREE = "05-root-shared-by-three.bin";

  /** Superblock offsets (spec 3.1). */
  public static final int SB_DATA_SM_ROOT = 64;

  public static final int SB_METADATA_SM_ROOT = 192;
  public static final int SB_DATA_MAPPING_ROOT = 320;
  public static final int SB_DEVICE_DETAILS_ROOT = 328;
  public static final int SB_METADATA_NR_BLOCKS = 344;

  private DmThinFixtures() {}

  /** The image's bytes. */
  public static byte[] bytes(String name) {
    try (InputStream in = DmThinFixtures.class.getResourceAsStream("/dev/thinly/pdata/fixtures/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no fixture " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A fixed-size memory device holding a copy of the image. */
  public static MemoryBlockDevice device(String name) {
    byte[] image = bytes(name);
    MemoryBlockDevice d = new MemoryBlockDevice(name, image.length, false);
    d.write(0, ByteBuffer.wrap(image));
    return d;
  }

  /** Number of 4 KiB blocks in the image. */
  public static int nrBlocks(String name) {
    return bytes(name).length / BlockManager.BLOCK_SIZE;
  }
}
