package io.retrace.agent;

import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import net.bytebuddy.dynamic.loading.ClassInjector;

/**
 * The agent's entry point ({@code -javaagent} or attach). Reads the options, puts the few classes
 * that advice calls into the bootstrap class loader, then starts the runtime. Whatever goes wrong
 * is logged in one line and the application starts unrecorded: the agent never stops its host.
 */
public final class RetraceAgent {
  private static final Logger log = Logger.getLogger(RetraceAgent.class.getName());
  static final String BOOTSTRAP_PACKAGE = "io/retrace/agent/bootstrap/";

  private RetraceAgent() {}

  public static void premain(String args, Instrumentation inst) {
    start(args, inst);
  }

  public static void agentmain(String args, Instrumentation inst) {
    start(args, inst);
  }

  private static void start(String args, Instrumentation inst) {
    try {
      AgentConfig config = AgentConfig.load(args, System.getenv());
      if (config.mode() == AgentConfig.Mode.OFF) {
        log.info("Retrace agent: mode=off, nothing instrumented");
        return;
      }
      injectBootstrapClasses(inst);
      // Loaded only now, after the bootstrap classes it links against are in place.
      Class.forName("io.retrace.agent.AgentRuntime")
          .getMethod("start", AgentConfig.class, Instrumentation.class)
          .invoke(null, config, inst);
    } catch (Throwable t) {
      Throwable cause = t instanceof java.lang.reflect.InvocationTargetException ? t.getCause() : t;
      log.log(
          Level.SEVERE,
          "Retrace agent disabled, the application runs unrecorded: " + cause.getMessage());
      log.log(Level.FINE, "Retrace agent start failure", cause);
    }
  }

  /** Defines {@code io.retrace.agent.bootstrap.*} in the bootstrap class loader. */
  static void injectBootstrapClasses(Instrumentation inst) throws IOException, URISyntaxException {
    Map<String, byte[]> classes = new HashMap<>();
    Path location =
        Path.of(RetraceAgent.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    if (Files.isDirectory(location)) {
      try (Stream<Path> files = Files.list(location.resolve(BOOTSTRAP_PACKAGE))) {
        for (Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
          classes.put(className(location.relativize(f).toString()), Files.readAllBytes(f));
        }
      }
    } else {
      try (JarFile jar = new JarFile(location.toFile())) {
        for (JarEntry entry : jar.stream().toList()) {
          if (entry.getName().startsWith(BOOTSTRAP_PACKAGE) && entry.getName().endsWith(".class")) {
            try (InputStream in = jar.getInputStream(entry)) {
              classes.put(className(entry.getName()), in.readAllBytes());
            }
          }
        }
      }
    }
    // Defined directly (Unsafe, opened through Instrumentation) rather than by appending a jar to
    // the boot class path, which would switch off class data sharing for the whole application.
    ClassInjector.UsingUnsafe.Factory unsafe = ClassInjector.UsingUnsafe.Factory.resolve(inst);
    ClassInjector injector =
        unsafe.isAvailable()
            ? unsafe.make(null)
            : ClassInjector.UsingInstrumentation.of(
                Files.createTempDirectory("retrace-bootstrap").toFile(),
                ClassInjector.UsingInstrumentation.Target.BOOTSTRAP,
                inst);
    injector.injectRaw(classes);
  }

  private static String className(String path) {
    return path.replace('\\', '/').replace(".class", "").replace('/', '.');
  }
}
