package dev.thinly.pdata.btree;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.thinly.pdata.codec.LittleEndian;
import dev.thinly.pdata.error.CorruptMetadataException;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Each header fault of spec 4.3 / 8.3 is refused, after a valid checksum and location. */
class NodeValidatorTest {
  static byte[] validLeaf() {
    byte[] b = new byte[4096];
    LittleEndian.putInt(b, Node.FLAGS, Node.LEAF);
    LittleEndian.putInt(b, Node.NR_ENTRIES, 3);
    LittleEndian.putInt(b, Node.MAX_ENTRIES, 252);
    LittleEndian.putInt(b, Node.VALUE_SIZE, 8);
    return b;
  }

  static void refused(Consumer<byte[]> damage, String message) {
    byte[] b = validLeaf();
    damage.accept(b);
    NodeValidator.INSTANCE.prepareForWrite(5, b);
    assertThatThrownBy(() -> NodeValidator.INSTANCE.check(5, b))
        .isInstanceOf(CorruptMetadataException.class)
        .hasMessageContaining(message)
        .satisfies(e -> org.assertj.core.api.Assertions.assertThat(((CorruptMetadataException) e).blocknr()).isEqualTo(5));
  }

  @Test
  void aValidNodePasses() {
    byte[] b = validLeaf();
    NodeValidator.INSTANCE.prepareForWrite(5, b);
    assertThatCode(() -> NodeValidator.INSTANCE.check(5, b)).doesNotThrowAnyException();
    byte[] full = validLeaf();
    LittleEndian.putInt(full, Node.NR_ENTRIES, 252);
    NodeValidator.INSTANCE.prepareForWrite(6, full);
    assertThatCode(() -> NodeValidator.INSTANCE.check(6, full)).doesNotThrowAnyException();
  }

  @Test
  void badChecksum() {
    byte[] b = validLeaf();
    NodeValidator.INSTANCE.prepareForWrite(5, b);
    b[100] = 1;
    assertThatThrownBy(() -> NodeValidator.INSTANCE.check(5, b)).hasMessageContaining("checksum");
  }

  @Test
  void wrongLocation() {
    byte[] b = validLeaf();
    NodeValidator.INSTANCE.prepareForWrite(5, b);
    assertThatThrownBy(() -> NodeValidator.INSTANCE.check(6, b)).hasMessageContaining("block nr");
  }

  @Test
  void wrongSalt() {
    byte[] b = validLeaf();
    new dev.thinly.pdata.block.SaltedValidator("bitmap", dev.thinly.pdata.codec.BlockChecksum.BITMAP_SALT)
        .prepareForWrite(5, b);
    assertThatThrownBy(() -> NodeValidator.INSTANCE.check(5, b)).hasMessageContaining("checksum");
  }

  @Test
  void unknownNodeType() {
    refused(b -> LittleEndian.putInt(b, Node.FLAGS, 0), "unknown node type");
    refused(b -> LittleEndian.putInt(b, Node.FLAGS, 4), "unknown node type");
  }

  @Test
  void bothInternalAndLeaf() {
    refused(b -> LittleEndian.putInt(b, Node.FLAGS, 3), "both internal and leaf");
  }

  @Test
  void maxEntriesNotDivisibleByThree() {
    refused(b -> LittleEndian.putInt(b, Node.MAX_ENTRIES, 251), "divisible by 3");
    refused(b -> LittleEndian.putInt(b, Node.MAX_ENTRIES, 0), "divisible by 3");
    refused(b -> LittleEndian.putInt(b, Node.MAX_ENTRIES, -3), "divisible by 3");
  }

  @Test
  void entriesThatDoNotFit() {
    refused(b -> LittleEndian.putInt(b, Node.MAX_ENTRIES, 255), "does not fit");
    refused(b -> LittleEndian.putInt(b, Node.VALUE_SIZE, 16), "does not fit");
    refused(b -> LittleEndian.putInt(b, Node.VALUE_SIZE, 0), "value size");
    refused(b -> LittleEndian.putInt(b, Node.VALUE_SIZE, -8), "value size");
  }

  @Test
  void moreEntriesThanSlots() {
    refused(b -> LittleEndian.putInt(b, Node.NR_ENTRIES, 253), "exceeds");
    refused(b -> LittleEndian.putInt(b, Node.NR_ENTRIES, -1), "exceeds");
  }

  @Test
  void internalNodesHoldEightByteValues() {
    refused(
        b -> {
          LittleEndian.putInt(b, Node.FLAGS, Node.INTERNAL);
          LittleEndian.putInt(b, Node.VALUE_SIZE, 4);
          LittleEndian.putInt(b, Node.MAX_ENTRIES, 336);
        },
        "internal node with value size 4");
  }
}
