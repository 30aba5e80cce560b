package io.retrace.bench.agent;

import io.retrace.agent.publish.FileSink;
import io.retrace.schemas.event.RecordedEvent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The file sink ({@code out=FILE}) writing {@link PublisherThroughput}'s events (sessions of an
 * inbound HTTP exchange with order bodies, an HTTP call with a quote body, two JDBC calls, a UUID
 * and a clock read; ~493 bytes each, ids and UUIDs unique) in batches of {@value #BATCH}, as the
 * publisher hands them over: encoding, block compression and the file write. Scores are events/s
 * for each {@code out.codec}; deflate is what the sink wrote before zstd. Each iteration writes a
 * new file, and its size per event is printed when the iteration ends.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xmx512m"})
public class FileSinkBenchmark {
  private static final int BATCH = 500;
  private static final int EVENTS = 60_000;

  @Param({"ZSTANDARD", "DEFLATE"})
  public FileSink.Compression codec;

  private List<RecordedEvent> events;
  private Path dir;
  private Path file;
  private FileSink sink;
  private int next;
  private long written;

  @Setup
  public void setUp() throws IOException {
    events = PublisherThroughput.events(EVENTS);
    dir = Files.createTempDirectory("retrace-file-sink-bench");
  }

  @Setup(Level.Iteration)
  public void open() throws IOException {
    file = dir.resolve("events-" + codec + ".avro");
    sink = new FileSink(file, codec);
    written = 0;
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void write() throws IOException {
    if (next + BATCH > EVENTS) {
      next = 0;
    }
    sink.write(events.subList(next, next + BATCH));
    next += BATCH;
    written += BATCH;
  }

  @TearDown(Level.Iteration)
  public void close() throws IOException {
    sink.close();
    long bytes = Files.size(file);
    System.out.printf(
        "  %s: %d events, %.1f bytes/event in the file%n",
        sink.codec(), written, bytes / (double) written);
    Files.delete(file);
  }

  @TearDown
  public void tearDown() throws IOException {
    Files.deleteIfExists(dir);
  }
}
