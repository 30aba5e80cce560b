package io.retrace.bench.redaction;

import io.retrace.schemas.event.RecordedEvent;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * CPU time per event of {@link RedactorBenchmark}'s events under two or more builds of the
 * redaction module, loaded side by side in one JVM and alternated round by round, with the copy
 * baseline: a steadier before/after comparison than JMH throughput on a machine shared with other
 * work, because the thread's CPU clock does not count the time other processes take.
 *
 * <p>Arguments: {@code classesDirOrJar[,classesDirOrJar...] [eventsPerRound] [rounds]}; each build
 * is a redaction {@code target/classes} directory or jar (for a previous commit: {@code git archive
 * REV redaction/src/main | tar -x -C /tmp/old}, then compile it with {@code javac} against this
 * module's {@code target/lib}, and copy its resources).
 */
public final class RedactorCpuComparison {
  private RedactorCpuComparison() {}

  public static void main(String[] args) throws Throwable {
    String[] builds = args[0].split(",");
    int perRound = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 9;
    RecordedEvent withSecrets = RedactorBenchmark.withSecrets();
    RecordedEvent clean = RedactorBenchmark.clean();
    MethodHandle[] redact = new MethodHandle[builds.length];
    for (int b = 0; b < builds.length; b++) {
      redact[b] = redactor(Path.of(builds[b]).toUri().toURL());
      if ((RecordedEvent) redact[b].invokeExact(withSecrets) == withSecrets) {
        throw new IllegalStateException(builds[b] + " leaves the event with secrets unchanged");
      }
    }
    // Per round: each build on each event, then the copy.
    int runs = builds.length * 2 + 1;
    double[][] nanos = new double[runs][rounds];
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    Object sink = null;
    for (int round = -2; round < rounds; round++) { // two rounds of warm-up
      for (int r = 0; r < runs; r++) {
        long start = threads.getCurrentThreadCpuTime();
        if (r == runs - 1) {
          for (int i = 0; i < perRound; i++) {
            sink = RecordedEvent.newBuilder(withSecrets).build();
          }
        } else {
          MethodHandle m = redact[r / 2];
          RecordedEvent event = r % 2 == 0 ? withSecrets : clean;
          for (int i = 0; i < perRound; i++) {
            sink = (RecordedEvent) m.invokeExact(event);
          }
        }
        if (round >= 0) {
          nanos[r][round] = (threads.getCurrentThreadCpuTime() - start) / (double) perRound;
        }
      }
    }
    for (int r = 0; r < runs; r++) {
      double[] x = nanos[r].clone();
      Arrays.sort(x);
      String name =
          r == runs - 1 ? "copy" : builds[r / 2] + (r % 2 == 0 ? " withSecrets" : " clean");
      System.out.printf(
          "%-70s median %5.0f ns CPU/event (min %5.0f, max %5.0f)%n",
          name, x[rounds / 2], x[0], x[rounds - 1]);
    }
    if (sink == null) {
      throw new IllegalStateException("nothing was redacted");
    }
  }

  /**
   * {@code Redactor.redact} of a redactor with the built-in policy, from the build at {@code url}.
   */
  private static MethodHandle redactor(URL url) throws Throwable {
    ClassLoader loader = new BuildLoader(url, RedactorCpuComparison.class.getClassLoader());
    Class<?> policyClass = loader.loadClass("io.retrace.redaction.RedactionPolicy");
    Class<?> redactorClass = loader.loadClass("io.retrace.redaction.Redactor");
    Object redactor =
        redactorClass
            .getMethod("create", policyClass, byte[].class, String.class)
            .invoke(
                null,
                policyClass.getMethod("defaults").invoke(null),
                "bench-key-0123456789abcdef012345".getBytes(StandardCharsets.UTF_8),
                "ingest");
    return MethodHandles.publicLookup()
        .findVirtual(
            redactorClass,
            "redact",
            MethodType.methodType(RecordedEvent.class, RecordedEvent.class))
        .bindTo(redactor);
  }

  /** Loads the redaction module's classes from one build, everything else from the bench. */
  private static final class BuildLoader extends URLClassLoader {
    BuildLoader(URL build, ClassLoader parent) {
      super(new URL[] {build}, parent);
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
      if (!name.startsWith("io.retrace.redaction.")) {
        return super.loadClass(name, resolve);
      }
      synchronized (getClassLoadingLock(name)) {
        Class<?> c = findLoadedClass(name);
        if (c == null) {
          c = findClass(name);
        }
        if (resolve) {
          resolveClass(c);
        }
        return c;
      }
    }

    @Override
    public URL getResource(String name) {
      // The built-in policy file comes from the build too.
      URL own = findResource(name);
      return own != null ? own : super.getResource(name);
    }
  }
}
