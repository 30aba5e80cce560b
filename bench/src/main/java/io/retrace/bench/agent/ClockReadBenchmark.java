package io.retrace.bench.agent;

import java.net.URL;
import java.net.URLClassLoader;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What an instrumented call costs when nothing is being captured: {@code Instant.now()} (advised
 * through {@code Clock.currentInstant}) in a JVM without the agent, with the agent attached but no
 * recording, and with a recording running but outside any session; and {@code
 * System.currentTimeMillis()}, whose call in this class the agent rewrites to its own hook, without
 * the agent and recording outside any session. Each variant is its own fork; the difference to the
 * baseline is the agent's idle cost. Run from the repository root (the forks find the agent at
 * {@code agent/target/retrace-agent.jar}): {@code bench/run -f 1 ClockReadBenchmark}
 *
 * <p>The forks share this module's class path, so the agent's classes load from there rather than
 * from the shaded jar named by {@code -javaagent}; the advice and dispatch measured are the same
 * code either way.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class ClockReadBenchmark {
  private static final String AGENT = "-javaagent:agent/target/retrace-agent.jar=service=bench,";

  @Benchmark
  @Fork(1)
  public Instant baselineNoAgent() {
    return Instant.now();
  }

  @Benchmark
  @Fork(value = 1, jvmArgsAppend = AGENT + "redaction=false,out=target/bench-idle.avro")
  public Instant agentNotRecording() {
    return Instant.now();
  }

  @Benchmark
  @Fork(
      value = 1,
      jvmArgsAppend = AGENT + "redaction=false,recording=bench,out=target/bench-recording.avro")
  public Instant agentRecordingOutsideSession() {
    return Instant.now();
  }

  /**
   * Reads the clock in a class of its own class loader, as an application's classes are: the forks
   * share this module's class path with the agent's classes, whose loader the agent leaves alone.
   */
  public static final class MillisReader implements LongSupplier {
    @Override
    public long getAsLong() {
      return System.currentTimeMillis();
    }
  }

  private LongSupplier millis;

  @Setup
  public void loadMillisReader() throws Exception {
    URL classes = MillisReader.class.getProtectionDomain().getCodeSource().getLocation();
    ClassLoader application =
        new URLClassLoader(new URL[] {classes}, ClassLoader.getPlatformClassLoader());
    millis =
        (LongSupplier)
            Class.forName(MillisReader.class.getName(), true, application)
                .getDeclaredConstructor()
                .newInstance();
  }

  @Benchmark
  @Fork(1)
  public long millisBaselineNoAgent() {
    return millis.getAsLong();
  }

  @Benchmark
  @Fork(
      value = 1,
      jvmArgsAppend = AGENT + "redaction=false,recording=bench,out=target/bench-recording.avro")
  public long millisAgentRecordingOutsideSession() {
    return millis.getAsLong();
  }
}
