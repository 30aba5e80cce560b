package io.retrace.ingest.internal;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.CloseOptions.GroupMembershipOperation;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.apache.kafka.streams.errors.TopologyException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the app's Kafka Streams client, and starts a new client when a new recording topic appears.
 *
 * <p>Kafka Streams 4.4 fails the stream thread whose running task gains a newly matched topic's
 * partitions ({@code TopologyException: ... unknown to the topology}). Replacing only that thread
 * made a new recording wait ~10 s: the failed thread's consumer does not leave the group, so the
 * replacement's rebalance waited for its session to expire. So a watcher lists the topics every
 * {@code pollInterval}, and on a new recording topic closes the client cleanly (committing, keeping
 * its local state) and starts a new one, whose topology knows every topic that exists when it
 * starts; its consumers rejoin under the same static member ids ({@link
 * StreamsSettings#instanceId}), which the group coordinator hands the old members' partitions at
 * once. Should Kafka Streams still see the topic first, the failed client is replaced the same way
 * (its exactly-once tasks then restore their state from the changelogs). Other thread failures
 * replace the thread.
 */
public final class StreamsRunner implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(StreamsRunner.class);
  private static final long LIST_TIMEOUT_S = 30;

  private final Supplier<KafkaStreams> factory;
  private final Admin admin;
  private final Pattern source;
  private final Duration pollInterval;
  private final MeterRegistry meters;
  private final IngestMetrics metrics;
  private final Duration closeTimeout;
  private final ScheduledExecutorService watcher =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread thread = new Thread(r, "ingest-topic-watch");
            thread.setDaemon(true);
            return thread;
          });

  // Guarded by this.
  private KafkaStreams streams;
  private KafkaStreamsMetrics streamsMetrics;
  private boolean restarting;
  private boolean closed;

  // Only on the watcher thread.
  private Set<String> known = Set.of();

  /**
   * @param factory a new, unstarted client on the same settings and topology each call
   * @param admin lists the topics
   * @param source the recording topics' pattern
   * @param pollInterval how often the topics are listed
   * @param closeTimeout how long a client may take to stop before the new one starts
   */
  public StreamsRunner(
      Supplier<KafkaStreams> factory,
      Admin admin,
      Pattern source,
      Duration pollInterval,
      MeterRegistry meters,
      IngestMetrics metrics,
      Duration closeTimeout) {
    this.factory = factory;
    this.admin = admin;
    this.source = source;
    this.pollInterval = pollInterval;
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

  /** Starts the client and the topic watcher. */
  public void start() throws Exception {
    known = recordingTopics();
    synchronized (this) {
      streams = create();
      streams.start();
    }
    watcher.scheduleWithFixedDelay(
        this::watch, pollInterval.toMillis(), pollInterval.toMillis(), TimeUnit.MILLISECONDS);
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
    watcher.shutdown();
    try {
      // A restart under way finishes first, so that the client it starts is the one closed here.
      watcher.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
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
              // Once per client: several of its threads may fail on the same topic, and the
              // watcher may be replacing it already.
              if (!closed && !restarting && streams == created) {
                restarting = true;
                watcher.execute(() -> replace(created, GroupMembershipOperation.REMAIN_IN_GROUP));
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

  /** Lists the topics; on a new recording topic, replaces the client. Never throws. */
  private void watch() {
    try {
      Set<String> now = recordingTopics();
      Set<String> added = new TreeSet<>(now);
      added.removeAll(known);
      known = now;
      if (added.isEmpty()) {
        return;
      }
      KafkaStreams current;
      synchronized (this) {
        if (closed || restarting) {
          return;
        }
        restarting = true;
        current = streams;
      }
      log.info("New recording topics {}; starting a new Kafka Streams client", added);
      replace(current, GroupMembershipOperation.LEAVE_GROUP);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception | Error e) {
      // Kafka Streams still finds the topic itself; this only makes it faster.
      log.warn("Listing the recording topics failed: {}", e.toString());
    }
  }

  private Set<String> recordingTopics()
      throws InterruptedException, ExecutionException, TimeoutException {
    Set<String> matching = new HashSet<>();
    for (String name : admin.listTopics().names().get(LIST_TIMEOUT_S, TimeUnit.SECONDS)) {
      if (source.matcher(name).matches()) {
        matching.add(name);
      }
    }
    return matching;
  }

  /**
   * Closes {@code old} (cleanly unless it failed) and starts a new client in its place. A client
   * closed cleanly leaves the group: its static members' last assignment lacks the new topic, and a
   * static member that rejoins a stable group gets that assignment back without a rebalance. A
   * failed client's last assignment already has the new topic, so its members stay.
   */
  private void replace(KafkaStreams old, GroupMembershipOperation membership) {
    if (!old.close(CloseOptions.timeout(closeTimeout).withGroupMembershipOperation(membership))) {
      log.warn("The Kafka Streams client did not stop within {}", closeTimeout);
    }
    synchronized (this) {
      try {
        if (closed) {
          return;
        }
        streamsMetrics.close();
        streams = create();
        streams.start();
        metrics.clientRestarted();
      } finally {
        // A client that failed to start shows its own state (ERROR or NOT_RUNNING), so the service
        // reports it instead of REBALANCING for ever.
        restarting = false;
      }
    }
    log.info("Kafka Streams restarted with the new recording topics");
  }
}
