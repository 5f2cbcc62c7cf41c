package dev.thinly.cli;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The layering of the whole product, across modules (the pdata module checks its own inner layers):
 * block I/O and persistent data at the bottom, then the dm-thin structures, the metadata, the tools
 * and the pool engine, and the CLI on top; the NBD server beside them, knowing nothing about thin
 * pools. A dependency in the wrong direction fails the build.
 */
@AnalyzeClasses(
    packages = "dev.thinly",
    importOptions = {ImportOption.DoNotIncludeTests.class, ArchitectureTest.NoTestJars.class})
class ArchitectureTest {
  /** Other modules' test fixtures arrive as {@code *-tests.jar}; only production code is judged. */
  static final class NoTestJars implements ImportOption {
    @Override
    public boolean includes(com.tngtech.archunit.core.importer.Location location) {
      return !location.contains("-tests.jar") && !location.contains("/test-classes/");
    }
  }

  @ArchTest
  static final ArchRule layers =
      layeredArchitecture()
          .consideringOnlyDependenciesInLayers()
          .layer("pdata").definedBy("dev.thinly.pdata..")
          .layer("format").definedBy("dev.thinly.thin.format..")
          .layer("metadata").definedBy("dev.thinly.thin.metadata..")
          .layer("ir").definedBy("dev.thinly.thin.ir..")
          .layer("tools").definedBy("dev.thinly.thin.tools..")
          .layer("pool").definedBy("dev.thinly.thin.pool..")
          .layer("nbd").definedBy("dev.thinly.nbd..")
          .layer("cli").definedBy("dev.thinly.cli..")
          .whereLayer("cli").mayNotBeAccessedByAnyLayer()
          .whereLayer("pool").mayOnlyBeAccessedByLayers("cli")
          .whereLayer("tools").mayOnlyBeAccessedByLayers("pool", "cli")
          .whereLayer("ir").mayOnlyBeAccessedByLayers("tools", "pool", "cli")
          .whereLayer("metadata").mayOnlyBeAccessedByLayers("tools", "pool", "cli")
          .whereLayer("format").mayOnlyBeAccessedByLayers("metadata", "ir", "tools", "pool", "cli")
          .whereLayer("nbd").mayOnlyBeAccessedByLayers("cli");

  @ArchTest
  static final ArchRule nbdKnowsNothingOfThinPools =
      noClasses()
          .that().resideInAPackage("dev.thinly.nbd..")
          .should().dependOnClassesThat().resideInAnyPackage("dev.thinly.thin..", "dev.thinly.cli..");

  @ArchTest
  static final ArchRule nbdUsesOnlyTheSharedErrorsOfPdata =
      noClasses()
          .that().resideInAPackage("dev.thinly.nbd..")
          .should().dependOnClassesThat()
          .resideInAnyPackage(
              "dev.thinly.pdata.io..", "dev.thinly.pdata.block..", "dev.thinly.pdata.tx..",
              "dev.thinly.pdata.btree..", "dev.thinly.pdata.spacemap..", "dev.thinly.pdata.codec..")
          .allowEmptyShould(true);

  @ArchTest
  static final ArchRule onlyTheCliExits =
      noClasses()
          .that().resideOutsideOfPackage("dev.thinly.cli")
          .should().callMethod(System.class, "exit", int.class);

  @ArchTest
  static final ArchRule noPackageCycles =
      slices().matching("dev.thinly.(**)").should().beFreeOfCycles();
}
