package dev.thinly.nbd;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.fields;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The module's layering: protocol at the bottom, exports above it, the server on top. */
@AnalyzeClasses(packages = "dev.thinly.nbd", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

  @ArchTest
  static final ArchRule nbdKnowsNothingOfThinPoolsOrTheCli =
      noClasses()
          .that()
          .resideInAPackage("dev.thinly.nbd..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("dev.thinly.thin..", "dev.thinly.cli..");

  /** Of pdata only the shared exceptions; no other library at all. */
  @ArchTest
  static final ArchRule onlyTheExceptionsOfPdata =
      classes()
          .that()
          .resideInAPackage("dev.thinly.nbd..")
          .should()
          .onlyDependOnClassesThat()
          .resideInAnyPackage("dev.thinly.nbd..", "dev.thinly.pdata.error..", "java..", "javax..");

  @ArchTest
  static final ArchRule protocolStandsAlone =
      noClasses()
          .that()
          .resideInAPackage("dev.thinly.nbd.protocol..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("dev.thinly.nbd.export..", "dev.thinly.nbd.server..");

  @ArchTest
  static final ArchRule exportsNeverSeeTheServer =
      noClasses()
          .that()
          .resideInAPackage("dev.thinly.nbd.export..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("dev.thinly.nbd.server..");

  @ArchTest
  static final ArchRule onlyTheServerTouchesTheNetwork =
      noClasses()
          .that()
          .resideOutsideOfPackage("dev.thinly.nbd.server..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("java.net..", "javax.net..")
          .orShould()
          .dependOnClassesThat()
          .haveFullyQualifiedName("java.nio.channels.SocketChannel")
          .orShould()
          .dependOnClassesThat()
          .haveFullyQualifiedName("java.nio.channels.ServerSocketChannel");

  @ArchTest
  static final ArchRule staticFieldsAreFinal = fields().that().areStatic().should().beFinal();
}
