package io.retrace.agent;

import java.lang.instrument.Instrumentation;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The agent's entry point ({@code -javaagent} or attach), and with {@link AgentClassLoader} the
 * only class of the agent on the application's class path. The JVM appends the agent jar to that
 * class path; everything else in it is stored under {@value AgentClassLoader#PREFIX}, where the
 * application class loader does not look, and is loaded by an {@link AgentClassLoader}: the shaded
 * libraries, the recorders and the publisher stay out of the application's sight, and the JDK
 * internals the agent opens for itself are opened to that loader alone. Run from a directory of
 * classes instead (tests, an IDE), the agent starts in the loader that loaded this class.
 */
public final class RetraceAgent {
  private static final String MAIN = "io.retrace.agent.AgentMain";

  /** One agent per JVM: a second attach (or -javaagent given twice) would instrument twice. */
  private static final AtomicBoolean started = new AtomicBoolean();

  private RetraceAgent() {}

  public static void premain(String args, Instrumentation inst) {
    start(args, inst);
  }

  public static void agentmain(String args, Instrumentation inst) {
    start(args, inst);
  }

  private static void start(String args, Instrumentation inst) {
    if (!started.compareAndSet(false, true)) {
      Logger.getLogger(RetraceAgent.class.getName())
          .warning("Retrace agent is already running in this JVM; this one was not started");
      return;
    }
    try {
      Class.forName(MAIN, true, loader())
          .getMethod("start", String.class, Instrumentation.class)
          .invoke(null, args, inst);
    } catch (Throwable t) {
      // Whatever goes wrong is logged in one line and the application starts unrecorded: the
      // agent never stops its host. Reflection wraps what AgentMain and AgentRuntime throw.
      Throwable cause = t;
      while (cause instanceof InvocationTargetException && cause.getCause() != null) {
        cause = cause.getCause();
      }
      Logger log = Logger.getLogger(RetraceAgent.class.getName());
      log.log(
          Level.SEVERE,
          "Retrace agent disabled, the application runs unrecorded: " + cause.getMessage());
      log.log(Level.FINE, "Retrace agent start failure", cause);
    }
  }

  private static ClassLoader loader() throws Exception {
    CodeSource source = RetraceAgent.class.getProtectionDomain().getCodeSource();
    Path jar = source == null ? null : Path.of(source.getLocation().toURI());
    if (jar != null && Files.isRegularFile(jar)) {
      AgentClassLoader loader = new AgentClassLoader(jar);
      if (loader.holds(MAIN)) {
        return loader;
      }
      loader.close();
    }
    return RetraceAgent.class.getClassLoader();
  }
}
