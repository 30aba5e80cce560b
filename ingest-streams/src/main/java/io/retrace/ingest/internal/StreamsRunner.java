package io.retrace.ingest.internal;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.apache.kafka.streams.errors.TopologyException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the app's Kafka Streams client, and starts a fresh client when a new recording topic makes
 * Kafka Streams 4.4 fail a stream thread ({@code TopologyException: ... unknown to the topology},
 * thrown when a topic that newly matches the source pattern is added to a running task).
 *
 * <p>Replacing only the thread made the new recording wait ~10 s: the failed thread's consumer does
 * not leave the group, so the replacement's rebalance waited for its session to expire. A new
 * client instead rejoins under the same static member ids ({@link StreamsSettings#instanceId}),
 * which the group coordinator hands the old members' partitions at once, and its topology knows
 * every topic that exists when it starts. Other thread failures replace the thread as before.
 */
public final class StreamsRunner implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(StreamsRunner.class);

  private final Supplier<KafkaStreams> factory;
  private final MeterRegistry meters;
  private final IngestMetrics metrics;
  private final Duration closeTimeout;
  private final ExecutorService restarter =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread thread = new Thread(r, "ingest-restart");
            thread.setDaemon(true);
            return thread;
          });

  // Guarded by this.
  private KafkaStreams streams;
  private KafkaStreamsMetrics streamsMetrics;
  private boolean restarting;
  private boolean closed;

  /**
   * @param factory a new, unstarted client on the same settings and topology each call
   * @param closeTimeout how long a failed client may take to stop before the new one starts
   */
  public StreamsRunner(
      Supplier<KafkaStreams> factory,
      MeterRegistry meters,
      IngestMetrics metrics,
      Duration closeTimeout) {
    this.factory = factory;
    this.meters = meters;
    this.metrics = metrics;
    this.closeTimeout = closeTimeout;
  }

  /** Whether Kafka Streams failed a thread because a new topic matched the source pattern. */
  static boolean isNewRecordingTopic(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof TopologyException
          && String.valueOf(t.getMessage()).contains("is unknown to the topology")) {
        return true;
      }
    }
    return false;
  }

  public synchronized void start() {
    streams = create();
    streams.start();
  }

  /** The client's state; REBALANCING while a new client replaces a failed one. */
  public synchronized KafkaStreams.State state() {
    return restarting ? KafkaStreams.State.REBALANCING : streams.state();
  }

  /** Stops the client, committing what was processed; false when it did not stop in time. */
  public boolean close(Duration timeout) {
    synchronized (this) {
      closed = true;
    }
    restarter.shutdown();
    try {
      // A restart under way finishes first, so that the client it starts is the one closed here.
      restarter.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    KafkaStreams current;
    synchronized (this) {
      current = streams;
    }
    boolean stopped = current.close(timeout);
    synchronized (this) {
      streamsMetrics.close();
    }
    return stopped;
  }

  @Override
  public void close() {
    close(closeTimeout);
  }

  private KafkaStreams create() {
    KafkaStreams created = factory.get();
    created.setUncaughtExceptionHandler(
        e -> {
          if (isNewRecordingTopic(e)) {
            // Expected with every new recording topic, so no stack trace.
            log.info(
                "New recording topic; starting a new Kafka Streams client: {}", e.getMessage());
            synchronized (this) {
              if (!closed) {
                restarting = true;
                restarter.execute(() -> replace(created));
              }
            }
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
          }
          log.error("A stream thread failed; replacing it (work resumes from the last commit)", e);
          return StreamThreadExceptionResponse.REPLACE_THREAD;
        });
    streamsMetrics = new KafkaStreamsMetrics(created);
    streamsMetrics.bindTo(meters);
    return created;
  }

  private void replace(KafkaStreams failed) {
    if (!failed.close(closeTimeout)) {
      log.warn("The failed Kafka Streams client did not stop within {}", closeTimeout);
    }
    synchronized (this) {
      if (closed) {
        restarting = false;
        return;
      }
      streamsMetrics.close();
      streams = create();
      streams.start();
      restarting = false;
      metrics.clientRestarted();
    }
    log.info("Kafka Streams restarted with the new recording topics");
  }
}
