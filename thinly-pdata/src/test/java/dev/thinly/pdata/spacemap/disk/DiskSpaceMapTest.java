package dev.thinly.pdata.spacemap.disk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.thinly.pdata.error.CorruptMetadataException;
import dev.thinly.pdata.testkit.PdataFixture;
import dev.thinly.pdata.testkit.RefCounts;
import java.util.HashSet;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DiskSpaceMapTest {
  static final long CACHE = 1 << 20;

  static PdataFixture fixture(long dataBlocks) {
    PdataFixture f = PdataFixture.create(2048, CACHE);
    f.createDataSpaceMap(dataBlocks);
    f.commit();
    return f;
  }

  @Test
  void anEmptyMapHasNothingToAllocate() {
    PdataFixture f = fixture(0);
    assertThat(f.dataSm().nrBlocks()).isZero();
    assertThat(f.dataSm().allocate()).isEmpty();
    assertThat(f.dataSm().indexEntries()).isZero();
    f.dataSm().extend(10);
    assertThat(f.dataSm().allocate()).hasValue(0);
  }

  @Test
  void runningOutOfSpaceIsEmptyNotAnException() {
    PdataFixture f = fixture(100);
    Set<Long> got = new HashSet<>();
    for (int i = 0; i < 100; i++) {
      got.add(f.dataSm().allocate().orElseThrow());
    }
    assertThat(got).hasSize(100).allMatch(b -> b < 100);
    assertThat(f.dataSm().allocate()).isEmpty();
    assertThat(f.dataSm().allocate(0, 100)).isEmpty();
    assertThat(f.dataSm().nrFree()).isZero();
    // the last bitmap's slots past nr_blocks count as free (kernel convention) but are never used
    assertThat(SpaceMapInspector.indexEntry(f.dataSm(), 0).nrFree()).isEqualTo(16_320 - 100);
  }

  @Test
  void freedBlocksWaitForTheCommit() {
    PdataFixture f = fixture(50);
    for (int i = 0; i < 50; i++) {
      f.dataSm().allocate().orElseThrow();
    }
    f.commit();
    f.dataSm().dec(7);
    assertThat(f.dataSm().count(7)).isZero();
    assertThat(f.dataSm().inUseInCommitted(7)).isTrue();
    assertThat(f.dataSm().allocate()).isEmpty();
    f.commit();
    assertThat(f.dataSm().inUseInCommitted(7)).isFalse();
    assertThat(f.dataSm().allocate()).hasValue(7);
  }

  @Test
  void allocationInARangeStaysInIt() {
    PdataFixture f = fixture(40_000);
    assertThat(f.dataSm().allocate(16_319, 16_322)).hasValue(16_319);
    assertThat(f.dataSm().allocate(16_319, 16_322)).hasValue(16_320);
    assertThat(f.dataSm().allocate(16_319, 16_322)).hasValue(16_321);
    assertThat(f.dataSm().allocate(16_319, 16_322)).isEmpty();
    assertThat(f.dataSm().allocate(5, 5)).isEmpty();
    assertThat(f.dataSm().allocate(39_999, 40_000)).hasValue(39_999);
    // a range reaching past the end is clipped to the map
    assertThat(f.dataSm().allocate(39_990, 50_000)).hasValue(39_990);
    assertThat(SpaceMapInspector.problems(f.dataSm())).isEmpty();
  }

  @Test
  void theCursorWrapsAround() {
    PdataFixture f = fixture(10);
    for (int i = 0; i < 10; i++) {
      assertThat(f.dataSm().allocate()).hasValue(i);
    }
    f.commit();
    f.dataSm().dec(3);
    f.commit();
    assertThat(f.dataSm().allocate()).hasValue(3);
  }

  @Test
  void countsOfThreeAndMoreUseTheRefCountTreeAndComeBack() {
    PdataFixture f = fixture(20_000);
    for (long b = 0; b < 1000; b++) {
      f.dataSm().inc(b, 3 + b % 5);
    }
    f.dataSm().inc(17_000, 70_000);
    f.commit();
    assertThat(SpaceMapInspector.problems(f.dataSm())).isEmpty();
    PdataFixture g = f.reopen();
    assertThat(g.dataSm().count(17_000)).isEqualTo(70_000);
    for (long b = 0; b < 1000; b++) {
      assertThat(g.dataSm().count(b)).isEqualTo(3 + b % 5);
      for (long k = 0; k < 3 + b % 5 - 1; k++) {
        g.dataSm().dec(b);
      }
      assertThat(g.dataSm().count(b)).isEqualTo(1);
    }
    g.commit();
    assertThat(SpaceMapInspector.problems(g.dataSm())).isEmpty();
    assertThat(g.dataSm().nrAllocated()).isEqualTo(1001);
    assertThat(RefCounts.check(g)).isEmpty();
  }

  @Test
  void extendAddsBitmapsThatSurviveACommit() {
    PdataFixture f = fixture(100);
    f.dataSm().extend(16_320);
    assertThat(f.dataSm().indexEntries()).isEqualTo(1);
    f.dataSm().extend(16_321);
    f.dataSm().inc(16_320);
    f.dataSm().extend(50_000);
    f.commit();
    assertThat(f.dataSm().indexEntries()).isEqualTo(4);
    assertThat(SpaceMapInspector.problems(f.dataSm())).isEmpty();
    assertThat(RefCounts.check(f)).isEmpty();
    PdataFixture g = f.reopen();
    assertThat(g.dataSm().nrBlocks()).isEqualTo(50_000);
    assertThat(g.dataSm().count(16_320)).isEqualTo(1);
    assertThat(g.dataSm().allocate(49_000, 60_000)).hasValue(49_000);
    assertThatThrownBy(() -> g.dataSm().extend(10)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void anExtensionThatIsAbortedIsGone() {
    PdataFixture f = fixture(100);
    f.dataSm().extend(40_000);
    f.dataSm().allocate(30_000, 40_000).orElseThrow();
    f.abort();
    assertThat(f.dataSm().nrBlocks()).isEqualTo(100);
    assertThat(RefCounts.check(f)).isEmpty();
  }

  @Test
  void misuseIsCorruptionOrRefused() {
    PdataFixture f = fixture(100);
    assertThatThrownBy(() -> f.dataSm().dec(5)).isInstanceOf(CorruptMetadataException.class);
    assertThatThrownBy(() -> f.dataSm().count(100)).isInstanceOf(CorruptMetadataException.class);
    assertThatThrownBy(() -> f.dataSm().inc(-1)).isInstanceOf(CorruptMetadataException.class);
    OptionalLong none = f.dataSm().allocate(200, 300);
    assertThat(none).isEmpty();
  }
}
