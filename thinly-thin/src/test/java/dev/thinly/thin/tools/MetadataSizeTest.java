package dev.thinly.thin.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.thinly.pdata.error.InvalidRequestException;
import dev.thinly.thin.testkit.ThinTools;
import dev.thinly.thin.tools.MetadataSizeOptions.Numeric;
import dev.thinly.thin.tools.MetadataSizeOptions.SizeArg;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link MetadataSize} prints what the installed thin_metadata_size 0.9.0 prints. */
class MetadataSizeTest {

  /** One invocation: the arguments for both tools. */
  record Case(String block, String pool, String thins, String unit, String numeric) {
    List<String> toolArgs() {
      List<String> a = new ArrayList<>(List.of("thin_metadata_size"));
      if (unit != null) {
        a.add("-u");
        a.add(unit);
      }
      a.addAll(List.of("-b", block, "-s", pool, "-m", thins));
      if (numeric != null) {
        a.add(numeric.isEmpty() ? "-n" : "--numeric-only=" + numeric);
      }
      return a;
    }

    MetadataSizeOptions options() {
      return new MetadataSizeOptions(
          new SizeArg(block, unit),
          new SizeArg(pool, unit),
          new SizeArg(thins, unit),
          unit,
          numeric == null
              ? Numeric.FULL
              : MetadataSize.numeric(numeric.isEmpty() ? null : numeric));
    }
  }

  private static void assertSameAsTool(Case c) {
    ThinTools.Result r = ThinTools.run(c.toolArgs().toArray(String[]::new));
    if (r.exitCode() == 0) {
      assertThat(MetadataSize.run(c.options()) + "\n").as(c.toString()).isEqualTo(r.stdout());
    } else {
      assertThatThrownBy(() -> MetadataSize.run(c.options()))
          .as(c.toString())
          .isInstanceOf(InvalidRequestException.class)
          .hasMessage(r.stderr().replace("thin_metadata_size - ", "").strip());
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "64k 1t 1000 - -",
        "64k 1t 1000 m -",
        "64k 1t 1000 - =",
        "64k 1t 1000 g short",
        "64k 1t 1000 k long",
        "128 2097152 10 m -",
        "64k 10g 1k G -",
        "64k 200g 3 mega -",
        "1 3 1 t -",
        "1m 16t 100000 gib -",
        "512k 1p 5 T short",
        "64k 1t 1 z -",
        "64kib 100gibibytes 7 b -",
        "100 1t 1 - -",
        "64k 64k 1 - -",
        "64x 1t 1 - -",
        "64k 1t 0 - -",
        "0 1t 1 - -",
        "64k 1t 1 q -",
      })
  void tableOfInputs(String spec) {
    String[] f = spec.split(" ");
    assertSameAsTool(
        new Case(
            f[0],
            f[1],
            f[2],
            f[3].equals("-") ? null : f[3],
            f[4].equals("-") ? null : f[4].equals("=") ? "" : f[4]));
  }

  @Property(tries = 60)
  void randomInputs(@ForAll("cases") Case c) {
    assertSameAsTool(c);
  }

  @Provide
  Arbitrary<Case> cases() {
    Arbitrary<String> unitLetter =
        Arbitraries.of("", "b", "s", "k", "K", "m", "M", "g", "G", "t", "T");
    Arbitrary<String> block =
        Combinators.combine(
                Arbitraries.integers().between(0, 22), Arbitraries.of("", "s", "b", "k"))
            .as((shift, u) -> (1L << shift) + u);
    Arbitrary<String> pool =
        Combinators.combine(Arbitraries.longs().between(1, 5_000_000), unitLetter)
            .as((n, u) -> n + u);
    Arbitrary<String> thins = Arbitraries.longs().between(1, 100_000).map(String::valueOf);
    Arbitrary<String> out =
        Arbitraries.of("b", "s", "k", "K", "m", "M", "g", "G", "t", "sectors", "mebi")
            .injectNull(0.3);
    Arbitrary<String> numeric = Arbitraries.of("", "short", "long", "s", "l").injectNull(0.5);
    return Combinators.combine(block, pool, thins, out, numeric).as(Case::new);
  }
}
