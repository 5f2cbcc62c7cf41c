package dev.thinly.pdata.btree;

import static org.assertj.core.api.Assertions.assertThat;

import dev.thinly.pdata.codec.LittleEndian;
import dev.thinly.pdata.block.ArrayBlock;
import dev.thinly.pdata.testkit.DmThinFixtures;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class NodeTest {
  /** Spec 4.2. */
  @ParameterizedTest
  @CsvSource({"8, 252", "24, 126", "16, 168", "4, 336", "1000, 3", "2000, 0", "0, 507"})
  void maxEntries(int valueSize, int max) {
    assertThat(Node.maxEntries(valueSize)).isEqualTo(max);
    assertThat(max % 3).isZero();
    assertThat(Node.KEYS + (8 + valueSize) * max).isLessThanOrEqualTo(4096);
  }

  @Test
  void internalNodesHold252() {
    assertThat(Node.INTERNAL_MAX_ENTRIES).isEqualTo(252);
  }

  /** Spec 4.1: fixture 02, block 12 is the leaf of device 2. */
  @Test
  void decodesTheSpecsExampleLeaf() {
    byte[] image = DmThinFixtures.bytes(DmThinFixtures.THINS_AND_SNAPSHOTS);
    ArrayBlock n = new ArrayBlock(12, Arrays.copyOfRange(image, 12 * 4096, 13 * 4096));
    NodeValidator.INSTANCE.check(12, n.bytes());
    assertThat(Node.isLeaf(n)).isTrue();
    assertThat(Node.nrEntries(n)).isEqualTo(5);
    assertThat(Node.maxEntries(n)).isEqualTo(252);
    assertThat(Node.valueSize(n)).isEqualTo(8);
    long[] keys = new long[5];
    for (int i = 0; i < 5; i++) {
      keys[i] = Node.key(n, i);
    }
    assertThat(keys).containsExactly(0, 1000, 1001, 1002, 5_000_000);
    assertThat(Node.valueOffset(n, 0)).isEqualTo(0x800);
    assertThat(n.getLong(Node.valueOffset(n, 0))).isEqualTo(300L << 24 | 1);
    assertThat(Node.lowerBound(n, 999)).isZero();
    assertThat(Node.lowerBound(n, 1001)).isEqualTo(2);
    assertThat(Node.lowerBound(n, -1L)).isEqualTo(4);
    assertThat(Node.indexOf(n, 1002)).isEqualTo(3);
    assertThat(Node.indexOf(n, 1003)).isEqualTo(-1);
  }

  @Test
  void lowerBoundIsUnsigned() {
    ArrayBlock n = leaf(8);
    long[] keys = {0, 5, Long.MAX_VALUE, Long.MIN_VALUE, -2L};
    for (int i = 0; i < keys.length; i++) {
      Node.insertAt(n, i, keys[i], new byte[8]);
    }
    assertThat(Node.lowerBound(n, -1L)).isEqualTo(4);
    assertThat(Node.lowerBound(n, Long.MIN_VALUE + 1)).isEqualTo(3);
    assertThat(Node.lowerBound(n, Long.MAX_VALUE)).isEqualTo(2);
    assertThat(Node.lowerBound(n, 4)).isEqualTo(0);
    ArrayBlock empty = leaf(8);
    assertThat(Node.lowerBound(empty, 0)).isEqualTo(-1);
  }

  /** insertAt / deleteRange / shiftRight / copyEntries against a list model. */
  @Property(tries = 200)
  void entryEditsMatchAListModel(
      @ForAll @IntRange(min = 1, max = 40) int n, @ForAll @IntRange(min = 0, max = 39) int a, @ForAll @IntRange(min = 0, max = 39) int b, @ForAll boolean wide) {
    int vs = wide ? 24 : 8;
    ArrayBlock node = leaf(vs);
    List<Long> model = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int at = (int) ((long) i * 7919 % (model.size() + 1));
      long key = 1000L * i + 1;
      Node.insertAt(node, at, key, value(key, vs));
      model.add(at, key);
    }
    check(node, model, vs);
    int from = Math.min(a, b) % n;
    int to = Math.min(n, Math.max(a, b) + 1);
    Node.deleteRange(node, from, to);
    model.subList(from, to).clear();
    check(node, model, vs);
    Node.shiftRight(node, 3);
    Node.setNrEntries(node, model.size() + 3);
    for (int i = 0; i < 3; i++) {
      Node.setKey(node, i, -i - 1);
      Node.setValue(node, i, value(-i - 1, vs));
      model.add(i, (long) -i - 1);
    }
    check(node, model, vs);
    ArrayBlock copy = leaf(vs);
    Node.copyEntries(copy, 0, node, 1, model.size() - 1);
    Node.setNrEntries(copy, model.size() - 1);
    check(copy, model.subList(1, model.size()), vs);
  }

  @Test
  void childrenOfInternalNodes() {
    ArrayBlock n = new ArrayBlock();
    Node.init(n, Node.INTERNAL, 8, Node.INTERNAL_MAX_ENTRIES);
    Node.insertChildAt(n, 0, 10, 77);
    Node.insertChildAt(n, 0, 5, 66);
    assertThat(Node.isInternal(n)).isTrue();
    assertThat(Node.child(n, 0)).isEqualTo(66);
    assertThat(Node.child(n, 1)).isEqualTo(77);
    Node.setChild(n, 1, 88);
    assertThat(Node.child(n, 1)).isEqualTo(88);
    assertThat(n.getLong(Node.KEYS + 8 * 252 + 8)).isEqualTo(88);
    ArrayBlock shape = new ArrayBlock();
    Node.copyShape(shape, n);
    assertThat(Node.isInternal(shape)).isTrue();
    assertThat(Node.maxEntries(shape)).isEqualTo(252);
    assertThat(Node.nrEntries(shape)).isZero();
  }

  static ArrayBlock leaf(int valueSize) {
    ArrayBlock n = new ArrayBlock();
    Node.init(n, Node.LEAF, valueSize, Node.maxEntries(valueSize));
    return n;
  }

  static byte[] value(long key, int size) {
    byte[] v = new byte[size];
    LittleEndian.putLong(v, 0, key * 3);
    for (int i = 8; i < size; i++) {
      v[i] = (byte) (key + i);
    }
    return v;
  }

  static void check(ArrayBlock node, List<Long> model, int vs) {
    assertThat(Node.nrEntries(node)).isEqualTo(model.size());
    for (int i = 0; i < model.size(); i++) {
      assertThat(Node.key(node, i)).isEqualTo(model.get(i));
      byte[] v = new byte[vs];
      node.copyTo(Node.valueOffset(node, i), v, 0, vs);
      assertThat(v).isEqualTo(value(model.get(i), vs));
    }
  }
}
