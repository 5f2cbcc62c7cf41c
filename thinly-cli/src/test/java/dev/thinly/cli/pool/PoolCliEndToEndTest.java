package dev.thinly.cli.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.thinly.cli.format.JsonOutput;
import dev.thinly.pdata.io.FileBlockDevice;
import dev.thinly.thin.testkit.ThinTools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The user's path through the CLI: create a pool, import, snapshot, overwrite, export, list, delete;
 * checked against the images, thin_ls, thin_check and the data file's allocation.
 */
class PoolCliEndToEndTest {
  private static final int BLOCKS = 1024; // 64 MiB

  @TempDir Path tmp;

  private Path pool() {
    return tmp.resolve("pool");
  }

  private Cli.Run ok(String... args) {
    Cli.Run r = Cli.run(args);
    assertThat(r.exitCode()).as(r.all()).isZero();
    return r;
  }

  private Cli.Run thinly(String... args) {
    String[] all = new String[args.length + 2];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = "--pool";
    all[args.length + 1] = pool().toString();
    return ok(all);
  }

  @Test
  void importSnapshotOverwriteExportListAndDelete() throws Exception {
    byte[] first = Images.image(BLOCKS, 1, i -> i % 5 == 0 || (i >= 100 && i < 140));
    byte[] second = Images.image(BLOCKS, 2, i -> i % 7 == 3 || i >= 1000);
    Path firstFile = Images.write(tmp.resolve("first.raw"), first);
    Path secondFile = Images.write(tmp.resolve("second.raw"), second);

    Cli.Run created = thinly("pool", "create", "--data-size", "1G");
    assertThat(created.out()).contains(pool().toString()).contains("1GiB");
    assertThat(thinly("import", "base", firstFile.toString()).out())
        .contains("created volume 'base'")
        .contains("64MiB image");
    thinly("snapshot", "base", "snap", "--read-only");
    assertThat(thinly("import", "base", secondFile.toString()).out()).contains("overwrote volume 'base'");

    thinly("export", "base", tmp.resolve("base.out").toString());
    thinly("export", "snap", tmp.resolve("snap.out").toString(), "--sparse");
    assertThat(Files.mismatch(tmp.resolve("base.out"), secondFile)).isEqualTo(-1);
    assertThat(Files.mismatch(tmp.resolve("snap.out"), firstFile)).isEqualTo(-1);
    // --sparse leaves the zero blocks as holes; without it every byte is written
    assertThat(allocatedBytes(tmp.resolve("snap.out"))).isEqualTo(Images.nonZeroBlocks(first) * Images.BLOCK);
    assertThat(allocatedBytes(tmp.resolve("base.out"))).isEqualTo(second.length);

    Map<String, JsonNode> volumes = new HashMap<>();
    for (JsonNode v : JsonOutput.mapper().readTree(thinly("list", "--json").out())) {
      volumes.put(v.get("name").asString(), v);
    }
    assertThat(volumes).containsOnlyKeys("base", "snap");
    JsonNode base = volumes.get("base");
    JsonNode snap = volumes.get("snap");
    // the zero blocks were left unmapped
    assertThat(base.get("mapped_bytes").asLong()).isEqualTo(Images.nonZeroBlocks(second) * Images.BLOCK);
    assertThat(snap.get("mapped_bytes").asLong()).isEqualTo(Images.nonZeroBlocks(first) * Images.BLOCK);
    assertThat(base.get("size_bytes").asLong()).isEqualTo(second.length);
    assertThat(snap.get("origin").asString()).isEqualTo("base");
    assertThat(snap.get("read_only").asBoolean()).isTrue();
    assertThat(base.get("created").asString()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
    // overwriting the origin shared nothing of the second image's blocks with the snapshot
    assertThat(base.get("exclusive_bytes").asLong()).isEqualTo(base.get("mapped_bytes").asLong());

    // the same numbers as thin_ls on the closed pool's metadata
    ThinTools.Result ls =
        ThinTools.run("thin_ls", "--no-headers", "-o", "DEV,EXCLUSIVE_BYTES,SHARED_BYTES", pool().resolve("metadata").toString());
    assertThat(ls.exitCode()).as(ls.all()).isZero();
    Map<Long, long[]> thinLs = new HashMap<>();
    for (String line : ls.stdout().strip().split("\n")) {
      String[] f = line.trim().split("\\s+");
      thinLs.put(Long.parseLong(f[0]), new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])});
    }
    assertThat(thinLs).hasSize(2);
    for (JsonNode v : volumes.values()) {
      long[] expected = thinLs.get(v.get("thin_id").asLong());
      assertThat(expected).as("thin_ls row for " + v).isNotNull();
      assertThat(v.get("exclusive_bytes").asLong()).as("exclusive " + v.get("name")).isEqualTo(expected[0]);
      assertThat(v.get("shared_bytes").asLong()).as("shared " + v.get("name")).isEqualTo(expected[1]);
    }

    long allocatedBefore = allocatedBytes(pool().resolve("data"));
    thinly("delete", "base");
    long allocatedAfter = allocatedBytes(pool().resolve("data"));
    assertThat(allocatedBefore - allocatedAfter).isEqualTo(base.get("exclusive_bytes").asLong());

    thinly("export", "snap", tmp.resolve("snap.again").toString());
    assertThat(Files.mismatch(tmp.resolve("snap.again"), firstFile)).isEqualTo(-1);
    ThinTools.Result check = ThinTools.thinCheck(pool().resolve("metadata"));
    assertThat(check.exitCode()).as(check.all()).isZero();
  }

  @Test
  void compressedImagesAndStdinAreRecognisedByContent() throws Exception {
    byte[] img = Images.image(256, 3, i -> i % 4 == 1);
    Path raw = Images.write(tmp.resolve("disk.raw"), img);
    thinly("pool", "create", "--data-size", "256M");
    Map<String, Path> inputs = new HashMap<>();
    inputs.put("gz", Images.compress(raw, "gzip", ".gz"));
    inputs.put("zst", Images.compress(raw, "zstd", ".zst"));
    inputs.put("xz", Images.compress(raw, "xz", ".xz"));
    // a misleading name: the content decides
    Path disguised = Files.move(inputs.get("zst"), tmp.resolve("disguised.img"));
    inputs.put("zst", disguised);
    for (var e : inputs.entrySet()) {
      Cli.Run r = thinly("import", "v-" + e.getKey(), e.getValue().toString());
      assertThat(r.out()).contains(Map.of("gz", "(gzip)", "zst", "(zstd)", "xz", "(xz)").get(e.getKey()));
    }
    Cli.Run fromStdin =
        Cli.runWithStdin(Files.readAllBytes(inputs.get("xz")), "import", "v-stdin-xz", "-", "--pool", pool().toString());
    assertThat(fromStdin.exitCode()).as(fromStdin.all()).isZero();
    Cli.Run rawStdin = Cli.runWithStdin(img, "import", "v-stdin-raw", "-", "--pool", pool().toString());
    assertThat(rawStdin.exitCode()).as(rawStdin.all()).isZero();

    Map<String, JsonNode> volumes = new HashMap<>();
    for (JsonNode v : JsonOutput.mapper().readTree(thinly("list", "--json").out())) {
      volumes.put(v.get("name").asString(), v);
    }
    assertThat(volumes).hasSize(5);
    for (String name : volumes.keySet()) {
      Path out = tmp.resolve(name + ".out");
      thinly("export", name, out.toString());
      assertThat(Files.mismatch(out, raw)).as(name).isEqualTo(-1);
      // a stream's size is found at its end: exact, not rounded to the growth step
      assertThat(volumes.get(name).get("size_bytes").asLong()).as(name).isEqualTo(img.length);
      assertThat(volumes.get(name).get("mapped_bytes").asLong()).isEqualTo(Images.nonZeroBlocks(img) * Images.BLOCK);
    }
  }

  @Test
  void anImageOfOddSizeOverALargerVolumeReadsAsTheImageThenZeros() throws Exception {
    byte[] big = Images.image(64, 4, i -> false);
    byte[] small = java.util.Arrays.copyOf(Images.image(8, 5, i -> i == 2), 8 * Images.BLOCK - 1000);
    thinly("pool", "create", "--data-size", "64M");
    thinly("import", "v", Images.write(tmp.resolve("big"), big).toString());
    thinly("import", "v", Images.write(tmp.resolve("small"), small).toString(), "--size", "1M");
    thinly("export", "v", tmp.resolve("out").toString());
    byte[] expected = java.util.Arrays.copyOf(small, 1 << 20);
    assertThat(Files.readAllBytes(tmp.resolve("out"))).isEqualTo(expected);
    JsonNode v = JsonOutput.mapper().readTree(thinly("list", "--json").out()).get(0);
    assertThat(v.get("size_bytes").asLong()).isEqualTo(1 << 20);
    assertThat(v.get("mapped_bytes").asLong()).isEqualTo(7L * Images.BLOCK);

    // streams of unknown size over the existing volume: it grows, then shrinks, to each image
    String[] fromStdin = {"import", "v", "-", "--pool", pool().toString()};
    assertThat(Cli.runWithStdin(big, fromStdin).exitCode()).isZero();
    thinly("export", "v", tmp.resolve("out").toString());
    assertThat(Files.readAllBytes(tmp.resolve("out"))).isEqualTo(big);
    assertThat(Cli.runWithStdin(small, fromStdin).exitCode()).isZero();
    thinly("export", "v", tmp.resolve("out").toString());
    // the size is rounded up to whole 512-byte sectors, which read as zeros
    assertThat(Files.readAllBytes(tmp.resolve("out"))).isEqualTo(java.util.Arrays.copyOf(small, 8 * Images.BLOCK - 512));
  }

  static long allocatedBytes(Path file) {
    try (FileBlockDevice d = FileBlockDevice.open(file, true)) {
      return d.allocatedBytes();
    }
  }
}
