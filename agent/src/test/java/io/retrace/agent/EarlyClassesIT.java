package io.retrace.agent;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.retrace.testkit.AgentProcess;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged agent defines ByteBuddy's classes ahead from its list while the example service
 * starts recording, and the list is current: every name in it is a class of the agent jar, and the
 * classes the agent still loads from the jar on its own (the few the application's thread needs
 * before the list reaches them aside) are in it. When this fails after a ByteBuddy upgrade or a
 * recorder change, {@code agent/early-classes} writes the list anew.
 */
class EarlyClassesIT {
  private static final Pattern LOADED =
      Pattern.compile("(io\\.retrace\\.agent\\.shaded\\.bytebuddy\\.\\S+) source: (\\S+)");

  @TempDir Path dir;

  @Test
  void theListOfClassesLoadedAheadIsCurrent() throws Exception {
    Path jarPath = Path.of(System.getProperty("retrace.agent.jar"));
    List<String> listed = new ArrayList<>();
    Set<String> missing = new LinkedHashSet<>();
    try (JarFile jar = new JarFile(jarPath.toFile())) {
      try (BufferedReader lines =
          new BufferedReader(
              new InputStreamReader(
                  jar.getInputStream(
                      jar.getEntry(
                          AgentClassLoader.PREFIX + "io/retrace/agent/recorder/early-classes.txt")),
                  UTF_8))) {
        lines.lines().filter(l -> !l.isBlank() && !l.startsWith("#")).forEach(listed::add);
      }
      for (String name : listed) {
        if (jar.getEntry(AgentClassLoader.PREFIX + name.replace('.', '/') + ".class") == null) {
          missing.add(name);
        }
      }
    }
    assertThat(listed).hasSizeGreaterThan(300);
    assertThat(missing).as("listed, but not classes of the agent jar").isEmpty();

    Path classLog = dir.resolve("classes.log");
    try (AgentProcess app =
        AgentProcess.start(
            dir,
            "service=orders,recording=rec-early,out=" + dir.resolve("events.avro"),
            "-Xlog:class+load:file=" + classLog)) {
      assertThat(app.post("/orders", "req-early", "{\"product\":1,\"qty\":2}").statusCode())
          .isEqualTo(201);
      assertThat(app.stop()).as(app.output()).isIn(0, 143);
    }

    Set<String> loaded = new LinkedHashSet<>();
    for (String line : Files.readAllLines(classLog, UTF_8)) {
      Matcher m = LOADED.matcher(line);
      if (m.find() && m.group(2).startsWith("file:")) {
        loaded.add(m.group(1));
      }
    }
    assertThat(loaded).as("ByteBuddy classes loaded").hasSizeGreaterThan(listed.size() / 2);
    Set<String> unlisted = new LinkedHashSet<>(loaded);
    unlisted.removeAll(listed);
    assertThat(unlisted)
        .as("loaded, not listed (agent/early-classes writes the list anew)")
        .hasSizeLessThan(5);
  }
}
