package io.retrace.agent.trigger;

import io.retrace.agent.bootstrap.Dispatch;
import io.retrace.agent.capture.CallRecorder;
import io.retrace.agent.capture.SessionIds;
import io.retrace.schemas.topic.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Starts and stops recordings for every trigger (static option, admin endpoint, break-glass
 * command) in one place: one recording at a time, a window capped by {@code max.window} that ends
 * the recording by itself, and the capture's scope applied to session selection.
 */
public final class RecordingControl implements AutoCloseable {
  private static final Logger log = Logger.getLogger(RecordingControl.class.getName());

  private final CallRecorder recorder;
  private final SessionIds sessions;
  private final Duration maxWindow;
  private final ScheduledExecutorService timer;
  private ScheduledFuture<?> windowEnd;
  private Instant endsAt;

  public RecordingControl(CallRecorder recorder, SessionIds sessions, Duration maxWindow) {
    this.recorder = recorder;
    this.sessions = sessions;
    this.maxWindow = maxWindow;
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t =
                  new Thread(
                      () -> {
                        Dispatch.suppressCurrentThread();
                        r.run();
                      },
                      "retrace-window");
              t.setDaemon(true);
              return t;
            });
  }

  /** What is being recorded now. */
  public record Status(String recordingId, Instant endsAt) {}

  /**
   * Starts recording {@code recordingId} (stopping another one first) for {@code window}, capped by
   * {@code max.window}; a null window records until stopped.
   *
   * @return when the window ends, or null for no window
   */
  public synchronized Instant start(String recordingId, Duration window, SessionIds.Scope scope) {
    Topics.requireValidRecordingId(recordingId);
    String active = recorder.recordingId();
    if (active != null) {
      stop(active.equals(recordingId) ? "restarted" : "superseded by " + recordingId);
    }
    sessions.scope(scope);
    recorder.start(recordingId);
    if (window != null) {
      Duration effective = window.compareTo(maxWindow) > 0 ? maxWindow : window;
      endsAt = Instant.ofEpochMilli(System.currentTimeMillis() + effective.toMillis());
      windowEnd =
          timer.schedule(
              () -> stopIfCurrent(recordingId, "window of " + effective.toSeconds() + "s ended"),
              effective.toMillis(),
              TimeUnit.MILLISECONDS);
    }
    log.info(
        "Retrace recording "
            + recordingId
            + " started"
            + (endsAt == null ? "" : ", ends " + endsAt));
    return endsAt;
  }

  /** Stops the current recording; returns its id, or null when none was active. */
  public synchronized String stop(String reason) {
    if (windowEnd != null) {
      windowEnd.cancel(false);
      windowEnd = null;
    }
    endsAt = null;
    String stopped = recorder.stop(reason);
    sessions.scope(null);
    if (stopped != null) {
      log.info("Retrace recording " + stopped + " stopped: " + reason);
    }
    return stopped;
  }

  private synchronized void stopIfCurrent(String recordingId, String reason) {
    if (recordingId.equals(recorder.recordingId())) {
      stop(reason);
    }
  }

  public synchronized Status status() {
    return new Status(recorder.recordingId(), endsAt);
  }

  public Duration maxWindow() {
    return maxWindow;
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
