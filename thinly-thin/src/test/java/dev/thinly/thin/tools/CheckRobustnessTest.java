package dev.thinly.thin.tools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.thinly.pdata.codec.BlockChecksum;
import dev.thinly.pdata.codec.LittleEndian;
import dev.thinly.thin.testkit.MetadataFiles;
import dev.thinly.thin.testkit.SharedTools;
import dev.thinly.thin.testkit.TestPools;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Damage anywhere never makes the check throw: random fields of random blocks of a pool get random
 * (often extreme) values, mostly with the checksum resealed so the damage reaches the structural
 * checks. The check reports and returns; a passing verdict never comes with a fatal problem.
 */
class CheckRobustnessTest {
  private static Path dir;
  private static Path pool;
  private static long usedBlocks;

  @BeforeContainer
  static void pool() throws IOException {
    dir = Files.createTempDirectory("check-robustness");
    pool = dir.resolve("pool");
    TestPools.random(pool, 7, true);
    usedBlocks = 0;
    for (long b = 0; b < Files.size(pool) / 4096; b++) {
      if (BlockChecksum.saltOf(MetadataFiles.read(pool, b))
          != BlockChecksum.compute(new byte[4096], 0)) {
        usedBlocks = b + 1;
      }
    }
  }

  @AfterContainer
  static void clean() throws IOException {
    try (var files = Files.list(dir)) {
      for (Path p : files.toList()) {
        Files.delete(p);
      }
    }
    Files.delete(dir);
  }

  /** One damage: a block, an offset, a value of a width, and whether to reseal. */
  record Damage(long block, int offset, int width, long value, boolean reseal) {}

  @Provide
  Arbitrary<List<Damage>> damages() {
    Arbitrary<Long> values =
        Arbitraries.oneOf(
            Arbitraries.of(0L, 1L, 2L, 3L, 252L, 253L, -1L, 1L << 40, 1L << 24, Long.MAX_VALUE),
            Arbitraries.longs().between(0, 5000),
            Arbitraries.longs());
    Arbitrary<Integer> offsets =
        Arbitraries.oneOf(
            Arbitraries.of(
                4, 8, 16, 20, 24, 32, 40, 48, 56, 64, 72, 80, 88, 192, 200, 208, 216, 320, 328),
            Arbitraries.integers().between(0, 4088).map(o -> o & ~7),
            Arbitraries.integers().between(2016, 2100).map(o -> o & ~7));
    Arbitrary<Damage> one =
        net.jqwik.api.Combinators.combine(
                Arbitraries.longs().between(0, Math.max(1, usedBlocks - 1)),
                offsets,
                Arbitraries.of(1, 4, 8),
                values,
                Arbitraries.of(true, true, true, false))
            .as(Damage::new);
    return one.list().ofMinSize(1).ofMaxSize(4);
  }

  @Property(tries = 300)
  void damageIsReportedNeverThrown(@ForAll("damages") List<Damage> damages) throws IOException {
    Path image = dir.resolve("damaged");
    Files.copy(pool, image, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    for (Damage d : damages) {
      byte[] b = MetadataFiles.read(image, d.block());
      int salt = BlockChecksum.saltOf(b);
      switch (d.width()) {
        case 1 -> b[d.offset()] = (byte) d.value();
        case 4 -> LittleEndian.putInt(b, d.offset(), (int) d.value());
        default -> LittleEndian.putLong(b, d.offset(), d.value());
      }
      if (d.reseal()) {
        BlockChecksum.seal(b, salt);
      }
      MetadataFiles.write(image, d.block(), b);
    }
    for (CheckOptions options :
        new CheckOptions[] {
          CheckOptions.full(), new CheckOptions(CheckOptions.Scope.FULL, true, false, false)
        }) {
      List<CheckReport.Problem> problems = new ArrayList<>();
      CheckResult r = Check.run(image, options, CheckReport.collecting(problems));
      net.jqwik.api.statistics.Statistics.label(options.metadataSnap() ? "-m" : "full")
          .collect(r.passed() ? "passed" : r.fatal() > 0 ? "fatal" : "non-fatal");
      if (r.passed()) {
        assertThat(problems).noneMatch(p -> p.severity() == CheckReport.Severity.FATAL);
      }
      assertThat(r.fatal() > 0 || r.nonFatal() > 0).isEqualTo(!r.clean());
    }
  }

  @Property(tries = 50)
  void fixturesSurviveTheSameDamage(@ForAll("damages") List<Damage> damages) {
    Path image = dir.resolve("fixture");
    try {
      Files.copy(
          SharedTools.fixture("06-after-breaking-sharing.bin"),
          image,
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (Damage d : damages) {
      long block = d.block() % 16;
      byte[] b = MetadataFiles.read(image, block);
      int salt = BlockChecksum.saltOf(b);
      LittleEndian.putLong(b, d.offset(), d.value());
      if (d.reseal()) {
        BlockChecksum.seal(b, salt);
      }
      MetadataFiles.write(image, block, b);
    }
    Check.run(image, CheckOptions.full(), p -> {});
  }
}
