package dev.thinly.pdata;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.fields;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;

/**
 * The layering of the persistent-data library (style anchors section 2): each package may use
 * only the packages below it, {@code spacemap} (the interface) is distinct from {@code
 * spacemap.disk} (the implementations), nothing in pdata knows about thin, NBD or the CLI, only
 * {@code io} touches files, and there is no mutable static state.
 */
@AnalyzeClasses(packages = "dev.thinly.pdata", importOptions = ImportOption.DoNotIncludeTests.class)
class PdataArchitectureTest {
  private static final String P = "dev.thinly.pdata.";

  /** Classes of {@code pkg} may use, of all of dev.thinly, only {@code pkg} and {@code allowed}. */
  private static ArchRule layer(String pkg, String... allowed) {
    String[] packages = new String[allowed.length + 1];
    packages[0] = P + pkg;
    for (int i = 0; i < allowed.length; i++) {
      packages[i + 1] = P + allowed[i];
    }
    return classes()
        .that()
        .resideInAPackage(P + pkg)
        .should()
        .onlyDependOnClassesThat(resideOutsideOfPackage("dev.thinly..").or(resideInAnyPackage(packages)))
        .as(pkg + " may only use " + String.join(", ", allowed));
  }

  @ArchTest static final ArchRule error = layer("error");
  @ArchTest static final ArchRule codec = layer("codec");
  @ArchTest static final ArchRule io = layer("io", "error");
  @ArchTest static final ArchRule block = layer("block", "io", "codec", "error");
  @ArchTest static final ArchRule spacemap = layer("spacemap");
  @ArchTest static final ArchRule tx = layer("tx", "block", "spacemap", "error", "codec");
  @ArchTest static final ArchRule btree = layer("btree", "tx", "block", "codec", "error");

  @ArchTest
  static final ArchRule spacemapDisk =
      layer("spacemap.disk", "btree", "tx", "block", "spacemap", "codec", "error");

  @ArchTest
  static final ArchRule everyClassIsInALayer =
      classes()
          .that()
          .resideInAPackage("dev.thinly.pdata..")
          .should()
          .resideInAnyPackage(
              P + "error", P + "codec", P + "io", P + "block", P + "spacemap", P + "tx", P + "btree", P + "spacemap.disk");

  @ArchTest
  static final ArchRule pdataKnowsNothingAboveIt =
      noClasses()
          .that()
          .resideInAPackage("dev.thinly.pdata..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("dev.thinly.thin..", "dev.thinly.nbd..", "dev.thinly.cli..");

  @ArchTest
  static final ArchRule onlyIoTouchesFiles =
      noClasses()
          .that(not(resideInAnyPackage(P + "io")))
          .should()
          .dependOnClassesThat()
          .belongToAnyOf(FileChannel.class, RandomAccessFile.class);

  @ArchTest
  static final ArchRule noCycles = slices().matching("dev.thinly.pdata.(**)").should().beFreeOfCycles();

  @ArchTest static final ArchRule staticFieldsAreFinal = fields().that().areStatic().should().beFinal();
}
