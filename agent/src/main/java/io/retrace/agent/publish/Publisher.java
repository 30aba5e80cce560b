package io.retrace.agent.publish;

import io.retrace.agent.bootstrap.Dispatch;
import io.retrace.schemas.event.RecordedEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The agent's one publishing thread: drains the {@link EventBuffer}, adds a gap marker for every
 * session that lost events to a full buffer, and writes to the sink. Serialization and I/O happen
 * here, never on application threads.
 */
public final class Publisher implements AutoCloseable {
  private static final Logger log = Logger.getLogger(Publisher.class.getName());
  private static final int BATCH = 1024;
  private static final long FLUSH_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final EventBuffer buffer;
  private final Callable<EventSink> sinkFactory;
  private final Runnable onReady;
  private EventSink sink;
  private final BiFunction<String, Long, RecordedEvent> gapMarker;
  private final Callable<UnaryOperator<RecordedEvent>> transformFactory;
  private UnaryOperator<RecordedEvent> transform;
  private final AgentMetrics metrics;
  private final Thread thread;
  private final CountDownLatch started = new CountDownLatch(1);
  private volatile boolean running = true;

  /**
   * @param sinkFactory opens the sink on the publisher thread, so that its cost (Avro and Kafka
   *     client start-up) is not paid on the application's main thread at start-up
   * @param onReady runs on the publisher thread once the sink is open (e.g. a static recording
   *     starts then)
   * @param transformFactory makes, on the publisher thread, what is applied to every event before
   *     it is written (redaction at the source); if it fails, nothing is written
   * @param gapMarker builds the marker for {@code (session, droppedCount)}; the session is {@link
   *     EventBuffer#OVERFLOW} for drops that cannot be attributed to one session
   */
  public Publisher(
      EventBuffer buffer,
      Callable<EventSink> sinkFactory,
      Runnable onReady,
      BiFunction<String, Long, RecordedEvent> gapMarker,
      Callable<UnaryOperator<RecordedEvent>> transformFactory,
      AgentMetrics metrics) {
    this.transformFactory = transformFactory;
    this.buffer = buffer;
    this.sinkFactory = sinkFactory;
    this.onReady = onReady;
    this.gapMarker = gapMarker;
    this.metrics = metrics;
    this.thread = new Thread(this::run, "retrace-publisher");
    thread.setDaemon(true);
  }

  public void start() {
    thread.start();
  }

  private void run() {
    Dispatch.suppressCurrentThread();
    try {
      transform = transformFactory.call();
      sink = sinkFactory.call();
    } catch (Throwable t) {
      Dispatch.mode = Dispatch.OFF;
      log.log(
          Level.SEVERE,
          "Retrace agent cannot start publishing; recording is off: " + t.getMessage(),
          t);
      return;
    } finally {
      started.countDown();
    }
    onReady.run();
    List<RecordedEvent> batch = new ArrayList<>(BATCH);
    long nextFlush = System.nanoTime() + FLUSH_INTERVAL_NANOS;
    while (running || buffer.size() > 0) {
      try {
        buffer.drain(batch, BATCH, 100);
        for (Map.Entry<String, Long> drop : buffer.takeDrops().entrySet()) {
          batch.add(gapMarker.apply(drop.getKey(), drop.getValue()));
        }
        batch.replaceAll(transform);
        // Written even when empty: a sink retries, spools and probes the broker on its calls.
        sink.write(batch);
        if (sink instanceof FileSink) {
          metrics.sent.add(batch.size());
        }
        batch.clear();
        if (System.nanoTime() > nextFlush) {
          sink.flush();
          nextFlush = System.nanoTime() + FLUSH_INTERVAL_NANOS;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      } catch (Throwable t) {
        // Never let the publisher die: count, log, and keep draining.
        metrics.dropped.add(batch.size());
        batch.clear();
        log.log(Level.WARNING, "Retrace publisher failed to write a batch", t);
      }
    }
  }

  /** Stops after everything already captured is written, waiting at most {@code timeoutMillis}. */
  public void close(long timeoutMillis) throws Exception {
    started.await(timeoutMillis, TimeUnit.MILLISECONDS);
    running = false;
    thread.join(timeoutMillis);
    if (sink != null) {
      sink.flush();
      sink.close();
    }
  }

  @Override
  public void close() throws Exception {
    close(10_000);
  }
}
