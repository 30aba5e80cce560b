package io.retrace.agent.weave;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Weaves every method of every class of real libraries on the test class path (javac output of many
 * versions and styles: Tomcat, Kafka's clients, H2, Jetty, Jackson, Avro) with advice that uses
 * every binding, and has the JVM verify each woven class: the frames the weaver writes must hold
 * for code it has never seen, as they must for the JDK's and a host application's classes.
 */
class WeaverCorpusTest {
  /** Every binding, the replay skip and the result replacement. */
  public static final class EverythingAdvice {
    private EverythingAdvice() {}

    @Advice.OnEnter(skipOnNonNull = true)
    public static Object enter(
        @Advice.This Object self,
        @Advice.Site("#t.#m") String site,
        @Advice.AllArguments Object[] args) {
      return null;
    }

    @Advice.OnExit(onThrowable = true)
    public static Object exit(
        @Advice.Enter Object entered,
        @Advice.This Object self,
        @Advice.Return Object value,
        @Advice.Thrown Throwable thrown) {
      return value;
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "org.apache.catalina.connector.Request",
        "org.apache.kafka.clients.producer.KafkaProducer",
        "org.h2.jdbc.JdbcConnection",
        "org.eclipse.jetty.server.Server",
        "com.fasterxml.jackson.databind.ObjectMapper",
        "org.apache.avro.Schema"
      })
  void everyWovenClassOfALibraryPassesTheJvmsVerifier(String classOfTheJar) throws Exception {
    ClassLoader parent = getClass().getClassLoader();
    Path jar = jarOf(Class.forName(classOfTheJar, false, parent));
    AdviceMethods advice = AdviceMethods.of(EverythingAdvice.class);
    Map<String, byte[]> woven = new TreeMap<>();
    int methods = 0;
    try (JarFile file = new JarFile(jar.toFile())) {
      for (Enumeration<JarEntry> e = file.entries(); e.hasMoreElements(); ) {
        JarEntry entry = e.nextElement();
        String name = entry.getName();
        if (!name.endsWith(".class") || name.contains("-") || name.startsWith("META-INF")) {
          continue;
        }
        byte[] classFile;
        try (InputStream in = file.getInputStream(entry)) {
          classFile = in.readAllBytes();
        }
        TypeInfo type = TypeInfo.parse(classFile, parent);
        byte[] rewritten =
            Weaver.weave(classFile, type, List.of(new Weaver.Applied(m -> true, advice)));
        // A class with nothing to weave (only constructors, say) joins the library as it is.
        woven.put(type.name(), rewritten == null ? classFile : rewritten);
        methods += (int) type.methods().stream().filter(MethodInfo::isWeavable).count();
      }
    }
    // The whole library woven in one class loader, so that its classes see each other's woven
    // versions (a subclass and its woven super class in different loaders would not match).
    ClassLoader library = new WovenLibrary(woven, parent);
    List<String> failures = new ArrayList<>();
    for (String name : woven.keySet()) {
      try {
        // Asking for the declared methods links the class, and linking verifies it; its static
        // initialiser does not run.
        Class.forName(name, false, library).getDeclaredMethods();
      } catch (VerifyError | ClassFormatError error) {
        failures.add(name + ": " + error);
      } catch (LinkageError | SecurityException other) {
        // A dependency the library leaves optional, absent here: not the weaver's doing.
      }
    }
    assertThat(failures).as("%d classes, %d methods woven", woven.size(), methods).isEmpty();
    assertThat(methods).as("methods woven").isGreaterThan(2_000);
  }

  /** Defines the woven classes itself, first; everything else comes from its parent. */
  private static final class WovenLibrary extends ClassLoader {
    private final Map<String, byte[]> classes;

    WovenLibrary(Map<String, byte[]> classes, ClassLoader parent) {
      super(parent);
      this.classes = classes;
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
      byte[] bytes = classes.get(name);
      if (bytes == null) {
        return super.loadClass(name, resolve);
      }
      synchronized (getClassLoadingLock(name)) {
        Class<?> c = findLoadedClass(name);
        return c != null ? c : defineClass(name, bytes, 0, bytes.length);
      }
    }
  }

  private static Path jarOf(Class<?> type) throws URISyntaxException, IOException {
    return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
  }
}
