package io.retrace.agent;

import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.ProtectionDomain;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The agent's start, in its own class loader ({@link RetraceAgent} makes it). Reads the options,
 * puts the few classes that advice calls into the bootstrap class loader, then starts the runtime.
 */
public final class AgentMain {
  private static final Logger log = Logger.getLogger(AgentMain.class.getName());
  static final String BOOTSTRAP_PACKAGE = "io/retrace/agent/bootstrap/";

  private AgentMain() {}

  /**
   * Starts the agent; what fails is thrown to {@link RetraceAgent}, which logs the one line that
   * says the application runs unrecorded.
   */
  public static void start(String args, Instrumentation inst) throws Exception {
    long start = System.nanoTime();
    AgentConfig config = AgentConfig.load(args, System.getenv());
    long configured = System.nanoTime();
    if (config.mode() == AgentConfig.Mode.OFF) {
      log.info("Retrace agent: mode=off, nothing instrumented");
      return;
    }
    injectBootstrapClasses(inst);
    if (log.isLoggable(Level.FINE)) {
      log.fine(
          "Retrace agent: options "
              + (configured - start) / 1_000_000
              + " ms, bootstrap classes "
              + (System.nanoTime() - configured) / 1_000_000
              + " ms");
    }
    // Loaded only now, after the bootstrap classes it links against are in place.
    Class.forName("io.retrace.agent.AgentRuntime")
        .getMethod("start", AgentConfig.class, Instrumentation.class)
        .invoke(null, config, inst);
  }

  /**
   * The classes advice links against, which must live in the bootstrap class loader. Listed rather
   * than found by scanning the agent jar, which costs a noticeable part of start-up; {@code
   * AgentMainTest} checks the list against the package. Defined in this order, so an interface
   * comes before the classes implementing it.
   */
  static final List<String> BOOTSTRAP_CLASSES =
      List.of(
          "Dispatch",
          "Hooks",
          "Hooks$1",
          "Sources",
          "ValueAdvice",
          "ValueAdvice$Uuid",
          "ValueAdvice$Clock",
          "ValueAdvice$Random",
          "ValueAdvice$Millis",
          "ExecutorAdvice",
          "ExecutorAdvice$Execute",
          "ExecutorAdvice$NewVirtualThread",
          "HttpServerAdvice",
          "HttpServerAdvice$Handle",
          "HttpServerAdvice$Container",
          "HttpClientAdvice",
          "HttpClientAdvice$Send",
          "HttpClientAdvice$Response",
          "HttpClientAdvice$UrlConnectionStream",
          "JdbcAdvice",
          "JdbcAdvice$Prepare",
          "JdbcAdvice$Parameter",
          "JdbcAdvice$Execute",
          "ServletAdvice",
          "MethodAdvice");

  /** Defines {@code io.retrace.agent.bootstrap.*} in the bootstrap class loader. */
  static void injectBootstrapClasses(Instrumentation inst) throws IOException {
    Map<String, byte[]> classes = new LinkedHashMap<>();
    for (String name : BOOTSTRAP_CLASSES) {
      try (InputStream in =
          AgentMain.class.getResourceAsStream("/" + BOOTSTRAP_PACKAGE + name + ".class")) {
        if (in == null) {
          throw new IOException("agent jar lacks " + BOOTSTRAP_PACKAGE + name + ".class");
        }
        classes.put(className(BOOTSTRAP_PACKAGE + name), in.readAllBytes());
      }
    }
    try {
      defineInBootstrapLoader(inst, classes);
    } catch (ReflectiveOperationException | RuntimeException e) {
      // A JDK without jdk.internal.misc.Unsafe#defineClass: append a jar to the boot class path
      // instead, at the price of class data sharing for application classes.
      log.log(Level.FINE, "Retrace: defining bootstrap classes directly failed", e);
      appendToBootstrapSearch(inst, classes);
    }
  }

  /**
   * Defines the classes with the JDK's internal {@code Unsafe#defineClass}, exported to the agent
   * through {@link Instrumentation#redefineModule}. Appending a jar to the boot class path would
   * switch off class data sharing for the whole application.
   */
  private static void defineInBootstrapLoader(Instrumentation inst, Map<String, byte[]> classes)
      throws ReflectiveOperationException {
    inst.redefineModule(
        Object.class.getModule(),
        Set.of(),
        Map.of("jdk.internal.misc", Set.of(AgentMain.class.getModule())),
        Map.of(),
        Set.of(),
        Map.of());
    Class<?> unsafeType = Class.forName("jdk.internal.misc.Unsafe");
    Object unsafe = unsafeType.getMethod("getUnsafe").invoke(null);
    Method define =
        unsafeType.getMethod(
            "defineClass",
            String.class,
            byte[].class,
            int.class,
            int.class,
            ClassLoader.class,
            ProtectionDomain.class);
    for (Map.Entry<String, byte[]> c : classes.entrySet()) {
      define.invoke(unsafe, c.getKey(), c.getValue(), 0, c.getValue().length, null, null);
    }
  }

  /** Writes the classes into a jar of their own, deleted on exit, on the boot class path. */
  private static void appendToBootstrapSearch(Instrumentation inst, Map<String, byte[]> classes)
      throws IOException {
    Path jar = Files.createTempFile("retrace-bootstrap", ".jar");
    jar.toFile().deleteOnExit();
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
      for (Map.Entry<String, byte[]> c : classes.entrySet()) {
        out.putNextEntry(new JarEntry(c.getKey().replace('.', '/') + ".class"));
        out.write(c.getValue());
        out.closeEntry();
      }
    }
    inst.appendToBootstrapClassLoaderSearch(new JarFile(jar.toFile()));
  }

  private static String className(String path) {
    return path.replace('/', '.');
  }
}
