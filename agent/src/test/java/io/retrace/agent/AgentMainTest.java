package io.retrace.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class AgentMainTest {

  /**
   * A class added to the bootstrap package but missing from the list would not link in JDK code.
   */
  @Test
  void theBootstrapClassListNamesEveryClassOfThePackage() throws Exception {
    Path dir = Path.of("target/classes").resolve(AgentMain.BOOTSTRAP_PACKAGE);
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(
              files
                  .map(f -> f.getFileName().toString())
                  .filter(n -> n.endsWith(".class"))
                  .map(n -> n.substring(0, n.length() - ".class".length())))
          .containsExactlyInAnyOrderElementsOf(AgentMain.BOOTSTRAP_CLASSES);
    }
  }
}
