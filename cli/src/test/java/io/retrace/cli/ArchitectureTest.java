package io.retrace.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The module rules of DESIGN.md, checked twice: on the Maven dependencies every module declares,
 * and on the compiled classes (so a stray import through a transitive dependency is caught too).
 * Pipeline modules talk only through topics and files, never through each other's code.
 */
class ArchitectureTest {
  /** Module to the Retrace modules it may depend on (outside test scope), from DESIGN.md. */
  private static final Set<String> ALL_BUT_CLI =
      Set.of(
          "schemas",
          "redaction",
          "agent",
          "ingest-streams",
          "archiver",
          "replay-runner",
          "examples",
          "stack",
          "testkit");

  /** Module to the Retrace modules it may depend on (outside test scope), from DESIGN.md. */
  private static final Map<String, Set<String>> ALLOWED =
      Map.ofEntries(
          Map.entry("schemas", Set.of()),
          Map.entry("redaction", Set.of("schemas")),
          Map.entry("agent", Set.of("schemas", "redaction")),
          Map.entry("ingest-streams", Set.of("schemas", "redaction")),
          Map.entry("archiver", Set.of("schemas")),
          Map.entry("replay-runner", Set.of("schemas")),
          Map.entry("examples", Set.of()),
          Map.entry(
              "stack",
              Set.of(
                  "schemas", "redaction", "agent", "ingest-streams", "archiver", "replay-runner")),
          Map.entry("testkit", Set.of("stack", "schemas")),
          Map.entry(
              "cli",
              Set.of(
                  "schemas",
                  "redaction",
                  "agent",
                  "ingest-streams",
                  "archiver",
                  "replay-runner",
                  "examples",
                  "stack")),
          // Benchmarks measure every part against its baseline.
          Map.entry("bench", ALL_BUT_CLI));

  private static final List<String> PIPELINE_PACKAGES =
      List.of("agent", "ingest", "archiver", "replay");

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.retrace");
  }

  @Test
  void everyModuleDependsOnlyOnWhatTheDesignAllows() throws Exception {
    List<String> violations = new ArrayList<>();
    List<String> modules = modulesOf(ROOT.resolve("pom.xml"));
    assertThat(modules).contains("schemas", "stack", "cli", "testkit");
    for (String module : modules) {
      assertThat(ALLOWED).as("module %s is not in DESIGN.md's table", module).containsKey(module);
      for (String dependency : retraceDependencies(ROOT.resolve(module).resolve("pom.xml"))) {
        if (!ALLOWED.get(module).contains(dependency)) {
          violations.add(module + " -> " + dependency);
        }
      }
    }
    assertThat(violations).as("dependencies DESIGN.md does not allow").isEmpty();
  }

  @Test
  void pipelineModulesDoNotUseEachOthersCode() {
    for (String from : PIPELINE_PACKAGES) {
      for (String to : PIPELINE_PACKAGES) {
        if (!from.equals(to)) {
          noClasses()
              .that()
              .resideInAPackage("io.retrace." + from + "..")
              .should()
              .dependOnClassesThat()
              .resideInAPackage("io.retrace." + to + "..")
              .allowEmptyShould(true)
              .check(classes);
        }
      }
    }
  }

  @Test
  void schemasDependOnNoOtherRetraceCode() {
    noClasses()
        .that()
        .resideInAPackage("io.retrace.schemas..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.retrace.stack..",
            "io.retrace.cli..",
            "io.retrace.testkit..",
            "io.retrace.redaction..",
            "io.retrace.agent..",
            "io.retrace.ingest..",
            "io.retrace.archiver..",
            "io.retrace.replay..")
        .check(classes);
  }

  @Test
  void onlyTheCommandLineUsesTheCommandLine() {
    noClasses()
        .that()
        .resideOutsideOfPackage("io.retrace.cli..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.retrace.cli..")
        .check(classes);
  }

  private static List<String> modulesOf(Path pom) throws Exception {
    NodeList nodes = parse(pom).getElementsByTagName("module");
    List<String> modules = new ArrayList<>();
    for (int i = 0; i < nodes.getLength(); i++) {
      modules.add(nodes.item(i).getTextContent().trim());
    }
    return modules;
  }

  private static List<String> retraceDependencies(Path pom) throws Exception {
    Pattern artifact = Pattern.compile("retrace-(.+)");
    NodeList deps = parse(pom).getElementsByTagName("dependency");
    List<String> result = new ArrayList<>();
    for (int i = 0; i < deps.getLength(); i++) {
      Element dep = (Element) deps.item(i);
      String group = text(dep, "groupId");
      String scope = text(dep, "scope");
      Matcher m = artifact.matcher(text(dep, "artifactId"));
      if ("io.retrace".equals(group) && m.matches() && !"test".equals(scope)) {
        result.add(m.group(1));
      }
    }
    return result;
  }

  private static Element parse(Path pom) throws Exception {
    assertThat(pom).exists();
    try (var in = Files.newInputStream(pom)) {
      return DocumentBuilderFactory.newInstance()
          .newDocumentBuilder()
          .parse(in)
          .getDocumentElement();
    }
  }

  private static String text(Element parent, String tag) {
    NodeList nodes = parent.getElementsByTagName(tag);
    return nodes.getLength() == 0 ? null : nodes.item(0).getTextContent().trim();
  }
}
