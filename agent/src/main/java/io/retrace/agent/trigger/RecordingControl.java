package io.retrace.agent.trigger;

import io.retrace.agent.capture.CallRecorder;
import io.retrace.agent.capture.SessionIds;
import io.retrace.schemas.topic.RecordingIds;
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
 * the recording by itself, and the capture's scope applied to session selection. A recording begins
 * only once the agent can record it whole: instrumentation in place and the publisher running.
 */
public final class RecordingControl implements AutoCloseable {
  private static final Logger log = Logger.getLogger(RecordingControl.class.getName());

  private final CallRecorder recorder;
  private final SessionIds sessions;
  private final Duration maxWindow;
  private final Runnable ready;

  /** Ends windows; made with the first one (an executor is a class the agent instruments). */
  private ScheduledExecutorService timer;

  private ScheduledFuture<?> windowEnd;
  private Instant startedAt;
  private Instant endsAt;

  /**
   * @param ready makes the agent able to record (instruments, starts publishing) and returns once
   *     it can; called before every start, so it must return at once when already done; throws
   *     {@link IllegalStateException} when the agent cannot record
   */
  public RecordingControl(
      CallRecorder recorder, SessionIds sessions, Duration maxWindow, Runnable ready) {
    this.recorder = recorder;
    this.sessions = sessions;
    this.maxWindow = maxWindow;
    this.ready = ready;
  }

  /**
   * What is being recorded now (a null id when nothing is): since when, and until when (null for no
   * window).
   */
  public record Status(String recordingId, Instant startedAt, Instant endsAt) {}

  /**
   * Starts recording {@code recordingId} (stopping another one first) for {@code window}, capped by
   * {@code max.window}; a null window records until stopped. The first start of an agent that was
   * waiting for a trigger first instruments the application and opens the publisher, which takes a
   * second or so; the recording, and its window, begin after that.
   *
   * @return the recording just started: when it began and when its window ends
   * @throws IllegalStateException when the agent cannot record (instrumentation or publisher
   *     failed); nothing was started
   */
  public Status start(String recordingId, Duration window, SessionIds.Scope scope) {
    RecordingIds.requireValid(recordingId);
    // Outside the lock: status and stop answer while the agent gets ready.
    ready.run();
    Status status = begin(recordingId, window, scope);
    log.info(describe(status));
    return status;
  }

  /** The line that announces a recording that has begun. */
  public static String describe(Status status) {
    return "Retrace recording "
        + status.recordingId()
        + " started"
        + (status.endsAt() == null ? "" : ", ends " + status.endsAt());
  }

  /**
   * Starts the recording named by the {@code recording} option, from start-up until shutdown. The
   * agent has instrumented in premain; the events wait in the buffer until the publisher runs. The
   * caller announces it ({@link #describe}): the first log line costs the application's main thread
   * tens of milliseconds of logging set-up.
   */
  public Status startAtLaunch(String recordingId) {
    return begin(recordingId, null, null);
  }

  private synchronized Status begin(String recordingId, Duration window, SessionIds.Scope scope) {
    String active = recorder.recordingId();
    if (active != null) {
      stop(active.equals(recordingId) ? "restarted" : "superseded by " + recordingId);
    }
    sessions.scope(scope);
    recorder.start(recordingId);
    startedAt = Instant.ofEpochMilli(System.currentTimeMillis());
    if (window != null) {
      Duration effective = window.compareTo(maxWindow) > 0 ? maxWindow : window;
      endsAt = startedAt.plus(effective);
      windowEnd =
          timer()
              .schedule(
                  () ->
                      stopIfCurrent(recordingId, "window of " + effective.toSeconds() + "s ended"),
                  effective.toMillis(),
                  TimeUnit.MILLISECONDS);
    }
    return new Status(recordingId, startedAt, endsAt);
  }

  /** Stops the current recording; returns its id, or null when none was active. */
  public synchronized String stop(String reason) {
    if (windowEnd != null) {
      windowEnd.cancel(false);
      windowEnd = null;
    }
    startedAt = null;
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
    // stop() clears the times with the recording, under this lock.
    return new Status(recorder.recordingId(), startedAt, endsAt);
  }

  public Duration maxWindow() {
    return maxWindow;
  }

  private ScheduledExecutorService timer() {
    if (timer == null) {
      timer = Executors.newSingleThreadScheduledExecutor(AgentThreads.named("retrace-window"));
    }
    return timer;
  }

  @Override
  public synchronized void close() {
    if (timer != null) {
      timer.shutdownNow();
    }
  }
}
