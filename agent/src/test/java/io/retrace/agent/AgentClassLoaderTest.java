package io.retrace.agent;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's class loader on a jar laid out as the packaged agent: classes and resources under
 * {@code retrace/}, the entry point outside it.
 */
class AgentClassLoaderTest {
  /** A class of the agent with no dependencies outside the JDK, to load from the test jar. */
  private static final String AGENT_CLASS = "io.retrace.agent.AgentContext";

  @TempDir Path dir;

  private Path jar() throws Exception {
    Path jar = dir.resolve("agent.jar");
    String path = AGENT_CLASS.replace('.', '/') + ".class";
    try (InputStream in = getClass().getClassLoader().getResourceAsStream(path);
        JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
      out.putNextEntry(new JarEntry(AgentClassLoader.PREFIX + path));
      in.transferTo(out);
      put(out, AgentClassLoader.PREFIX + "kafka/kafka-version.properties", "version=test\n");
      put(out, "outside.properties", "outside=true\n");
    }
    return jar;
  }

  private static void put(JarOutputStream out, String name, String text) throws Exception {
    out.putNextEntry(new JarEntry(name));
    out.write(text.getBytes(UTF_8));
  }

  @Test
  void definesTheAgentsClassesFromUnderThePrefixInALoaderOfTheirOwn() throws Exception {
    try (AgentClassLoader loader = new AgentClassLoader(jar())) {
      assertThat(loader.holds(AGENT_CLASS)).isTrue();
      assertThat(loader.holds("io.retrace.agent.AgentRuntime")).isFalse();
      Class<?> c = Class.forName(AGENT_CLASS, false, loader);
      assertThat(c.getClassLoader()).isSameAs(loader);
      assertThat(c).isNotSameAs(AgentContext.class);
      assertThat(c.getPackage().getName()).isEqualTo("io.retrace.agent");
      assertThat(c.getProtectionDomain().getCodeSource().getLocation())
          .isEqualTo(dir.resolve("agent.jar").toUri().toURL());
      // The JDK comes from the parent; what the jar does not hold is not found.
      assertThat(Class.forName("java.sql.Connection", false, loader).getClassLoader())
          .isSameAs(ClassLoader.getPlatformClassLoader());
      assertThatThrownBy(() -> Class.forName("io.retrace.agent.AgentRuntime", false, loader))
          .isInstanceOf(ClassNotFoundException.class);
      // The application's classes stay out of sight.
      assertThatThrownBy(() -> Class.forName(getClass().getName(), false, loader))
          .isInstanceOf(ClassNotFoundException.class);
    }
  }

  @Test
  void servesResourcesFromUnderThePrefixOnly() throws Exception {
    try (AgentClassLoader loader = new AgentClassLoader(jar())) {
      try (InputStream in = loader.getResourceAsStream("kafka/kafka-version.properties")) {
        assertThat(new String(in.readAllBytes(), UTF_8)).isEqualTo("version=test\n");
      }
      URL url = loader.getResource("kafka/kafka-version.properties");
      try (InputStream in = url.openStream()) {
        assertThat(new String(in.readAllBytes(), UTF_8)).isEqualTo("version=test\n");
      }
      assertThat(Collections.list(loader.getResources("kafka/kafka-version.properties")))
          .containsExactly(url);
      assertThat(loader.getResource("outside.properties")).isNull();
      assertThat(loader.getResourceAsStream("outside.properties")).isNull();
    }
  }

  @Test
  void threadsLoadingTheSameClassAtOnceGetOneClass() throws Exception {
    try (AgentClassLoader loader = new AgentClassLoader(jar())) {
      ExecutorService pool = Executors.newFixedThreadPool(4);
      try {
        Callable<Class<?>> load = () -> Class.forName(AGENT_CLASS, false, loader);
        List<Future<Class<?>>> loads = pool.invokeAll(Collections.nCopies(8, load));
        Class<?> first = loads.get(0).get();
        for (Future<Class<?>> f : loads) {
          assertThat(f.get()).isSameAs(first);
        }
      } finally {
        pool.shutdownNow();
      }
    }
  }
}
