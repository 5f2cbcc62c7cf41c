package dev.thinly.pdata.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32C;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Test vectors of spec section 2. */
class BlockChecksumTest {
  static final Path FIXTURES = Path.of("/work/shared/fixtures/dm-thin");

  @Test
  void standardCrc32cCheckValues() {
    CRC32C crc = new CRC32C();
    crc.update("123456789".getBytes(StandardCharsets.US_ASCII));
    assertThat(crc.getValue()).isEqualTo(0xE3069283L);
    crc.reset();
    crc.update(new byte[4092]);
    assertThat(crc.getValue()).isEqualTo(0xA732586EL);
  }

  @ParameterizedTest
  @CsvSource({
    "160774, 0x58CFD397", // superblock
    "121107, 0x58CC7E82", // btree node
    "240779, 0x58CE0B1A", // bitmap
    "160478, 0x58CFD54F", // metadata index
  })
  void checksumOfAZeroBlockPerSalt(int salt, String expectedHex) {
    int expected = Integer.parseUnsignedInt(expectedHex.substring(2), 16);
    assertThat(BlockChecksum.compute(new byte[4096], salt)).isEqualTo(expected);
  }

  @Test
  void saltConstantsMatchTheFormat() {
    assertThat(BlockChecksum.SUPERBLOCK_SALT).isEqualTo(160774);
    assertThat(BlockChecksum.BTREE_NODE_SALT).isEqualTo(121107);
    assertThat(BlockChecksum.BITMAP_SALT).isEqualTo(240779);
    assertThat(BlockChecksum.INDEX_SALT).isEqualTo(160478);
  }

  @Test
  void fixtureSuperblockChecksum() throws Exception {
    byte[] image = Files.readAllBytes(FIXTURES.resolve("01-empty-pool.bin"));
    byte[] sb = Arrays.copyOf(image, 4096);
    assertThat(Arrays.copyOf(sb, 4)).containsExactly(0x31, 0x3c, 0x4f, 0xe1);
    assertThat(BlockChecksum.stored(sb)).isEqualTo(0xE14F3C31);
    assertThat(BlockChecksum.compute(sb, BlockChecksum.SUPERBLOCK_SALT)).isEqualTo(0xE14F3C31);
    assertThat(BlockChecksum.saltOf(sb)).isEqualTo(BlockChecksum.SUPERBLOCK_SALT);
  }

  @Test
  void everyFixtureBlockIsClassifiedBySalt() throws Exception {
    byte[] image = Files.readAllBytes(FIXTURES.resolve("03-10k-mappings.bin"));
    int[] salts = {
      BlockChecksum.SUPERBLOCK_SALT, BlockChecksum.BTREE_NODE_SALT, BlockChecksum.BITMAP_SALT, BlockChecksum.INDEX_SALT
    };
    int known = 0;
    for (int b = 0; b < image.length / 4096; b++) {
      byte[] block = Arrays.copyOfRange(image, b * 4096, (b + 1) * 4096);
      int salt = BlockChecksum.saltOf(block);
      if (Arrays.stream(salts).anyMatch(s -> s == salt)) {
        known++;
      }
    }
    assertThat(known).as("superblock, index, bitmaps and nodes of fixture 03").isGreaterThan(80);
  }

  @Property(tries = 100)
  void sealedBlocksVerifyAndRevealTheirSalt(@ForAll @Size(4096) byte[] block, @ForAll int salt) {
    BlockChecksum.seal(block, salt);
    assertThat(BlockChecksum.stored(block)).isEqualTo(BlockChecksum.compute(block, salt));
    assertThat(BlockChecksum.saltOf(block)).isEqualTo(salt);
    block[100] ^= 1;
    assertThat(BlockChecksum.stored(block)).isNotEqualTo(BlockChecksum.compute(block, salt));
  }

  @Test
  void theChecksumFieldIsNotCovered() {
    byte[] a = new byte[4096];
    byte[] b = new byte[4096];
    b[0] = 5;
    b[3] = 9;
    assertThat(BlockChecksum.compute(a, 7)).isEqualTo(BlockChecksum.compute(b, 7));
  }
}
