package io.retrace.bench.archiver;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Where the JVM's CPU time went during a phase: the archiver's consumer thread, its encoding
 * threads, every other Java thread (broker, registry, harness), and the rest (GC, JIT compiler).
 * Unlike a rate, this holds up on a machine that other jobs share. Threads that end during the
 * phase count up to their last {@link #sample}.
 */
final class CpuUsage {
  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
  private final com.sun.management.OperatingSystemMXBean os =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  private final Map<Long, Long> startCpu = new HashMap<>();
  private final Map<Long, Long> lastCpu = new HashMap<>();
  private final Map<Long, String> names = new HashMap<>();
  private final long startProcess;
  private final long startGcMillis;
  private final long startJitMillis;

  CpuUsage() {
    startProcess = os.getProcessCpuTime();
    startGcMillis = gcMillis();
    startJitMillis = ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
    for (long id : threads.getAllThreadIds()) {
      long cpu = threads.getThreadCpuTime(id);
      if (cpu >= 0) {
        startCpu.put(id, cpu);
      }
    }
  }

  /** Records every live thread's CPU time so far; call it often while threads come and go. */
  void sample() {
    for (long id : threads.getAllThreadIds()) {
      long cpu = threads.getThreadCpuTime(id);
      if (cpu < 0) {
        continue;
      }
      if (!names.containsKey(id)) {
        var info = threads.getThreadInfo(id);
        names.put(id, info == null ? "?" : info.getThreadName());
      }
      lastCpu.put(id, cpu);
    }
  }

  /** One line: microseconds of CPU per event, by who spent them, and GC pause time. */
  String report(long events) {
    sample();
    double consumer = 0;
    double encoders = 0;
    double others = 0;
    for (Map.Entry<Long, Long> e : lastCpu.entrySet()) {
      double micros = (e.getValue() - startCpu.getOrDefault(e.getKey(), 0L)) / 1e3;
      String name = names.get(e.getKey());
      if (name.equals("retrace-archiver")) {
        consumer += micros;
      } else if (name.startsWith("retrace-archiver-encoder")) {
        encoders += micros;
      } else {
        others += micros;
      }
    }
    double process = (os.getProcessCpuTime() - startProcess) / 1e3;
    double rest = process - consumer - encoders - others;
    return String.format(
        Locale.ROOT,
        "%.1f us CPU per event: consumer thread %.1f, encoding threads %.1f, broker and other Java"
            + " threads %.1f, GC/JIT/VM %.1f; GC pauses %d ms, JIT compilation %d ms",
        process / events,
        consumer / events,
        encoders / events,
        others / events,
        rest / events,
        gcMillis() - startGcMillis,
        ManagementFactory.getCompilationMXBean().getTotalCompilationTime() - startJitMillis);
  }

  private static long gcMillis() {
    long sum = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      sum += Math.max(0, gc.getCollectionTime());
    }
    return sum;
  }
}
