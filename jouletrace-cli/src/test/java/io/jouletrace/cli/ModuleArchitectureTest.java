package io.jouletrace.cli;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.Source;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The module layout of docs/architecture.md, over every module's main classes (the CLI depends on them all). Package
 * names do not say the module (jouletrace-input, -ledger and -query all hold {@code io.jouletrace.ledger..} packages),
 * so a class's module is read from where it was loaded: {@code jouletrace-<module>/target/classes} or the module's jar.
 */
@AnalyzeClasses(packages = "io.jouletrace", importOptions = {ImportOption.DoNotIncludeTests.class, ModuleArchitectureTest.NoTestJars.class})
class ModuleArchitectureTest {

  /**
   * Other modules' test jars ({@code jouletrace-ledger-…-tests.jar}), on this module's test classpath when the build
   * runs {@code verify}: their classes are tests too, which {@link ImportOption.DoNotIncludeTests} knows only as
   * {@code target/test-classes}.
   */
  public static final class NoTestJars implements ImportOption {
    @Override
    public boolean includes(com.tngtech.archunit.core.importer.Location location) {
      return !location.contains("-tests.jar");
    }
  }

  private static final Pattern MODULE = Pattern.compile("/jouletrace-([a-z]+)(?:/target/classes/|-\\d[^/]*\\.jar)");

  /** The module a class was loaded from; null for a class from outside the project. */
  static String moduleOf(JavaClass c) {
    Matcher m = MODULE.matcher(c.getSource().map(Source::getUri).map(Object::toString).orElse(""));
    return m.find() ? m.group(1) : null;
  }

  private static DescribedPredicate<JavaClass> in(String module) {
    return DescribedPredicate.describe("in jouletrace-" + module, c -> module.equals(moduleOf(c)));
  }

  @ArchTest
  static final ArchRule arrows_point_inward = layeredArchitecture().consideringOnlyDependenciesInLayers()
      .layer("core").definedBy(in("core"))
      .layer("catalog").definedBy(in("catalog"))
      .layer("input").definedBy(in("input"))
      .layer("ledger").definedBy(in("ledger"))
      .layer("query").definedBy(in("query"))
      .layer("server").definedBy(in("server"))
      .layer("stream").definedBy(in("stream"))
      .layer("cli").definedBy(in("cli"))
      .whereLayer("core").mayNotAccessAnyLayer()
      .whereLayer("catalog").mayOnlyAccessLayers("core")
      .whereLayer("input").mayOnlyAccessLayers("core", "catalog")
      .whereLayer("ledger").mayOnlyAccessLayers("core", "catalog", "input")
      .whereLayer("query").mayOnlyAccessLayers("core", "catalog", "input", "ledger")
      .whereLayer("server").mayOnlyAccessLayers("core", "catalog", "input", "ledger", "query")
      .whereLayer("stream").mayOnlyAccessLayers("core", "catalog", "input", "ledger", "query")
      .because("data flows from the readers through the ledger to the queries and out of the surfaces (docs/architecture.md)");

  /**
   * Each (module, package) pair is one slice, so a package split over two modules is two slices, and no slice may
   * reach itself again: inside jouletrace-ledger too, where the entries that the chain hashes and the store keeps live
   * in a leaf package of their own ({@code ledger.entry}; docs/architecture.md draws the graph).
   */
  private static final SliceAssignment PACKAGES_BY_MODULE = new SliceAssignment() {
    @Override
    public SliceIdentifier getIdentifierOf(JavaClass c) {
      String module = moduleOf(c);
      if (module == null) return SliceIdentifier.ignore();
      return SliceIdentifier.of(module + ":" + c.getPackageName());
    }

    @Override
    public String getDescription() {
      return "packages of each jouletrace module";
    }
  };

  @ArchTest
  static final ArchRule packages_are_free_of_cycles = slices().assignedFrom(PACKAGES_BY_MODULE).should().beFreeOfCycles();
}
