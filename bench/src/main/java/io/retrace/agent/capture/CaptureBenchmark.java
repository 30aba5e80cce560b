package io.retrace.agent.capture;

import io.retrace.agent.bootstrap.Sources;
import io.retrace.agent.publish.EventBuffer;
import io.retrace.schemas.event.Origin;
import io.retrace.schemas.event.RecordedEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The application thread's cost of one captured call while recording: build the event, offer it to
 * the buffer. A background thread drains the buffer as the publisher would. In the agent's package
 * (on the same class path, so the same runtime package) to set a session directly.
 *
 * <p>Run: {@code bench/run -f 1 CaptureBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CaptureBenchmark {
  private EventBuffer buffer;
  private AgentHooks hooks;
  private Thread drainer;
  private volatile boolean running;
  private final UUID uuid = UUID.randomUUID();

  @Setup(Level.Trial)
  public void setUp() {
    buffer = new EventBuffer(1 << 16);
    SessionIds sessions = new SessionIds("X-Request-Id", 1.0, "bench-agent");
    CallRecorder recorder =
        new CallRecorder(
            "bench-agent",
            buffer,
            sessions,
            () ->
                new Origin("bench", "1", null, "host", "pod", null, null, null, "bench-agent", 1L));
    recorder.start("bench");
    recorder.flushPending();
    hooks =
        new AgentHooks(
            recorder,
            new HttpServerAdapter(recorder, sessions, 1024),
            new ServletAdapter(recorder, sessions, 1024, CaptureBenchmark.class.getClassLoader()),
            new HttpClientAdapter(recorder, 1024),
            new UrlConnectionAdapter(recorder, 1024),
            new JdbcAdapter(recorder, 100),
            new MethodAdapter(recorder, 1024));
    running = true;
    drainer =
        new Thread(
            () -> {
              List<RecordedEvent> sink = new ArrayList<>(4096);
              while (running) {
                try {
                  buffer.drain(sink, 4096, 10);
                } catch (InterruptedException e) {
                  return;
                }
                sink.clear();
              }
            });
    drainer.setDaemon(true);
    drainer.start();
    SessionContext.set(new SessionContext("session-1", null, null, "session-1", 1));
  }

  @TearDown(Level.Trial)
  public void tearDown() throws InterruptedException {
    running = false;
    drainer.join();
  }

  /** A UUID read inside a session: one VALUE_READ event built and handed over. */
  @Benchmark
  public void capturedValue() {
    hooks.value(Sources.UUID, "java.util.UUID#randomUUID", uuid);
  }

  /** What was dropped while measuring (a full buffer is cheaper than a captured event). */
  @TearDown(Level.Iteration)
  public void report() {
    if (buffer.dropped() > 0) {
      System.err.println("dropped so far: " + buffer.dropped() + " of " + buffer.offered());
    }
  }
}
