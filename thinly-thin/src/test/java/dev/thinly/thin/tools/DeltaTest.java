package dev.thinly.thin.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.thinly.pdata.error.InvalidRequestException;
import dev.thinly.thin.metadata.MetadataStateException;
import dev.thinly.thin.metadata.ThinDeviceException;
import dev.thinly.thin.testkit.SharedTools;
import dev.thinly.thin.testkit.TestPools;
import dev.thinly.thin.testkit.ThinTools;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link Delta} prints exactly what thin_delta 0.9.0 prints. */
class DeltaTest {
  @TempDir Path dir;

  private static String ours(Path file, long a, long b, boolean verbose, boolean snap) {
    StringWriter out = new StringWriter();
    Delta.run(file, new DeltaOptions(a, b, verbose, snap, null, 1 << 20), out);
    return out.toString();
  }

  private static String tool(Path file, long a, long b, boolean verbose, boolean snap) {
    List<String> cmd = new ArrayList<>(List.of("thin_delta"));
    if (verbose) {
      cmd.add("--verbose");
    }
    if (snap) {
      cmd.add("-m");
    }
    cmd.addAll(
        List.of("--thin1", String.valueOf(a), "--thin2", String.valueOf(b), file.toString()));
    ThinTools.Result r = ThinTools.run(cmd.toArray(String[]::new));
    assertThat(r.exitCode()).as(r.all()).isZero();
    return r.stdout();
  }

  @Test
  void fixtureOutputs() throws Exception {
    Path f = SharedTools.fixture("02-thins-and-snapshots.bin");
    assertThat(ours(f, 0, 1, false, false))
        .isEqualTo(
            Files.readString(SharedTools.fixture("02-thins-and-snapshots.thin_delta-0-1.xml")));
    assertThat(ours(f, 0, 2, true, false))
        .isEqualTo(
            Files.readString(
                SharedTools.fixture("02-thins-and-snapshots.thin_delta-0-2-verbose.xml")));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "02-thins-and-snapshots.bin",
        "04-shared-root-with-metadata-snap.bin",
        "05-root-shared-by-three.bin",
        "06-after-breaking-sharing.bin"
      })
  void everyPairOfEveryFixture(String name) {
    Path f = SharedTools.fixture(name);
    long[] ids = {0, 1, 2, 3};
    for (long a : ids) {
      for (long b : ids) {
        ThinTools.Result probe =
            ThinTools.run("thin_delta", "--thin1", "" + a, "--thin2", "" + b, f.toString());
        if (probe.exitCode() != 0) {
          continue;
        }
        for (boolean verbose : new boolean[] {false, true}) {
          assertThat(ours(f, a, b, verbose, false))
              .as(a + " " + b + " " + verbose)
              .isEqualTo(tool(f, a, b, verbose, false));
        }
      }
    }
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
  void randomPools(long seed) {
    Path f = dir.resolve("pool-" + seed);
    boolean dense = seed % 2 == 0;
    List<Long> ids = TestPools.random(f, seed, seed % 3 == 0, dense);
    int shortcuts = 0;
    for (long a : ids) {
      for (long b : ids) {
        for (boolean verbose : new boolean[] {false, true}) {
          StringWriter out = new StringWriter();
          Delta.Result r = Delta.run(f, new DeltaOptions(a, b, verbose, false, null, 1 << 20), out);
          if (r.sharedWidth() > 0 && !r.readSharedLeaves()) {
            shortcuts++;
          }
          assertThat(out.toString())
              .as("seed %d: %d vs %d, verbose %s", seed, a, b, verbose)
              .isEqualTo(tool(f, a, b, verbose, false));
        }
      }
    }
    if (dense) {
      assertThat(shortcuts).as("shared subtrees of dense devices are printed unread").isPositive();
    }
  }

  @Test
  void metadataSnapshot() {
    Path f = dir.resolve("pool");
    List<Long> ids = TestPools.random(f, 12, true);
    ThinTools.Result held = ThinTools.run("thin_dump", "-m", f.toString());
    assertThat(held.exitCode()).as(held.all()).isZero();
    for (long a : ids) {
      for (long b : ids) {
        if (!held.stdout().contains("dev_id=\"" + a + "\"")
            || !held.stdout().contains("dev_id=\"" + b + "\"")) {
          continue;
        }
        for (boolean verbose : new boolean[] {false, true}) {
          assertThat(ours(f, a, b, verbose, true)).isEqualTo(tool(f, a, b, verbose, true));
        }
      }
    }
    assertThat(ours(f, ids.get(0), ids.get(0), false, false)).contains("metadata_snap=\"");
  }

  @Test
  void errors() {
    Path f = SharedTools.fixture("02-thins-and-snapshots.bin");
    assertThatThrownBy(() -> ours(f, 0, 9, false, false))
        .isInstanceOfSatisfying(
            ThinDeviceException.class,
            e -> assertThat(e.problem()).isEqualTo(ThinDeviceException.Problem.UNKNOWN));
    assertThatThrownBy(() -> ours(f, 0, 1, false, true))
        .isInstanceOf(MetadataStateException.class)
        .hasMessage("no current metadata snap");
    Path held = SharedTools.fixture("04-shared-root-with-metadata-snap.bin");
    assertThatThrownBy(
            () ->
                Delta.run(
                    held, new DeltaOptions(0, 1, false, true, 7L, 1 << 20), new StringWriter()))
        .isInstanceOf(InvalidRequestException.class);
    StringWriter out = new StringWriter();
    Delta.run(held, new DeltaOptions(0, 1, false, true, 8L, 1 << 20), out);
    assertThat(out.toString()).isEqualTo(tool(held, 0, 1, false, true));
  }
}
