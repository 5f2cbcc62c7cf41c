package dev.thinly.thin.metadata;

import com.carrotsearch.hppc.LongArrayList;
import dev.thinly.pdata.error.InvalidRequestException;
import dev.thinly.thin.format.DeviceDetails;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The devices a {@link PoolBuilder} has built: id, subtree root, details; sorted by id at the end. */
final class DeviceList {
  private final LongArrayList thinIds = new LongArrayList();
  private final LongArrayList roots = new LongArrayList();
  private final List<DeviceDetails> details = new ArrayList<>();
  private int[] order;

  void add(long thinId, long root, DeviceDetails d) {
    thinIds.add(thinId);
    roots.add(root);
    details.add(d);
    order = null;
  }

  int size() {
    return thinIds.size();
  }

  /** Orders the devices by id (unsigned); rejects duplicates. */
  void sort() {
    Integer[] idx = new Integer[size()];
    for (int i = 0; i < idx.length; i++) {
      idx[i] = i;
    }
    Arrays.sort(idx, (a, b) -> Long.compareUnsigned(thinIds.get(a), thinIds.get(b)));
    order = new int[idx.length];
    for (int i = 0; i < idx.length; i++) {
      order[i] = idx[i];
      if (i > 0 && thinIds.get(idx[i]) == thinIds.get(idx[i - 1])) {
        throw new InvalidRequestException("device " + thinIds.get(idx[i]) + " is defined twice");
      }
    }
  }

  long thinId(int i) {
    return thinIds.get(order[i]);
  }

  long root(int i) {
    return roots.get(order[i]);
  }

  DeviceDetails details(int i) {
    return details.get(order[i]);
  }
}
