package io.jouletrace.core;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The core is a plain library: no I/O, no network, no database, no clock, so every surface runs the same code. */
@AnalyzeClasses(packages = "io.jouletrace.core", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

  @ArchTest
  static final ArchRule core_does_no_io = noClasses().should()
      .dependOnClassesThat().resideInAnyPackage("java.io..", "java.nio.file..", "java.net..", "java.sql..", "javax.sql..")
      .because("the core is pure: adapters read files, sockets and stores");

  @ArchTest
  static final ArchRule core_reads_no_clock = noClasses().should()
      .callMethod(java.time.Instant.class, "now")
      .orShould().callMethod(System.class, "currentTimeMillis")
      .orShould().callMethod(System.class, "nanoTime")
      .because("figures must be reproducible from their inputs alone");
}
