package dev.thinly.thin.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.thinly.pdata.error.NoSpaceException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Usage thresholds and their hook, and the two out-of-data-space policies. */
class SpaceBehaviourTest {
  private static final int BLOCK = 64 * 1024;

  @TempDir Path dir;

  private ThinPool pool(PoolConfig.NoSpacePolicy policy, int timeoutSeconds, String hook, List<String> warnings) {
    PoolCreateOptions o =
        new PoolCreateOptions(
            100L * BLOCK, 0, BLOCK, true, null, null, policy, timeoutSeconds, List.of(80, 90, 95), hook);
    PoolEvents events =
        new PoolEvents() {
          @Override
          public void warning(String message) {
            warnings.add(message);
          }
        };
    return ThinPool.create(dir.resolve("pool"), o, PoolOptions.defaults("test").withEvents(events));
  }

  private static void writeBlocks(Volume v, int from, int to) {
    for (int b = from; b < to; b++) {
      v.write((long) b * BLOCK, ByteBuffer.wrap(new byte[] {1}), false);
    }
  }

  @Test
  void eachThresholdWarnsOnceWhenCrossedAndRunsTheHook() throws Exception {
    Path hookLog = dir.resolve("hook.log");
    Path hook = dir.resolve("hook.sh");
    Files.writeString(hook, "#!/bin/sh\necho \"$@\" >> " + hookLog + "\n");
    hook.toFile().setExecutable(true);
    List<String> warnings = new CopyOnWriteArrayList<>();
    try (ThinPool pool = pool(PoolConfig.NoSpacePolicy.ERROR, 0, hook.toString(), warnings)) {
      pool.create("v", 200L * BLOCK, Map.of());
      try (Volume v = pool.open("v")) {
        writeBlocks(v, 0, 79);
        assertThat(warnings).noneMatch(w -> w.startsWith("data"));
        writeBlocks(v, 79, 85);
        assertThat(warnings).filteredOn(w -> w.startsWith("data")).singleElement().asString().contains("80% threshold");
        writeBlocks(v, 85, 96);
        assertThat(warnings).filteredOn(w -> w.startsWith("data")).hasSize(3);
        writeBlocks(v, 96, 98);
        assertThat(warnings).filteredOn(w -> w.startsWith("data")).hasSize(3);
      }
    }
    String pool = dir.resolve("pool").toString();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline && (!Files.exists(hookLog) || Files.readAllLines(hookLog).size() < 3)) {
      Thread.sleep(20); // the hook runs asynchronously
    }
    assertThat(Files.readAllLines(hookLog))
        .containsExactlyInAnyOrder(pool + " data 80", pool + " data 90", pool + " data 95");
  }

  @Test
  void errorPolicyFailsAtOnceAndQueuePolicyWaitsForGrowth() throws Exception {
    try (ThinPool pool = pool(PoolConfig.NoSpacePolicy.QUEUE, 60, null, new CopyOnWriteArrayList<>())) {
      pool.create("v", 200L * BLOCK, Map.of());
      try (Volume v = pool.open("v")) {
        writeBlocks(v, 0, 100);
        CompletableFuture<Void> queued =
            CompletableFuture.runAsync(() -> v.write(150L * BLOCK, ByteBuffer.wrap(new byte[] {2}), true));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!pool.status().mode().equals("out-of-data-space") && System.nanoTime() < deadline) {
          Thread.sleep(10);
        }
        assertThat(pool.status().mode()).isEqualTo("out-of-data-space");
        assertThat(queued).isNotDone();
        pool.grow(200L * BLOCK, 0);
        queued.get(20, TimeUnit.SECONDS);
        ByteBuffer back = ByteBuffer.allocate(1);
        v.read(150L * BLOCK, back);
        assertThat(back.array()).containsExactly(2);
        assertThat(pool.status().mode()).isEqualTo("rw");
      }
    }
  }

  @Test
  void queuedWritesFailAfterTheTimeout() {
    try (ThinPool pool = pool(PoolConfig.NoSpacePolicy.QUEUE, 1, null, new CopyOnWriteArrayList<>())) {
      pool.create("v", 200L * BLOCK, Map.of());
      try (Volume v = pool.open("v")) {
        writeBlocks(v, 0, 100);
        assertThatThrownBy(() -> v.write(150L * BLOCK, ByteBuffer.wrap(new byte[] {2}), false))
            .isInstanceOf(NoSpaceException.class)
            .hasMessageContaining("out of data space");
      }
    }
  }
}
