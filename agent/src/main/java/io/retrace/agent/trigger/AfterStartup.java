package io.retrace.agent.trigger;

import io.retrace.agent.bootstrap.Dispatch;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs the agent's deferrable work (the break-glass follower's Kafka clients, the publisher of a
 * recording from start-up) once the application has started, so that it does not compete with the
 * application's own start-up for a small machine's cores. Started means: the thread that ran
 * premain (the application's main thread) has ended, or class loading has gone quiet, or a bound
 * has passed. The guess only decides when the work runs, never whether: a wrong guess costs some
 * start-up time, nothing else.
 */
public final class AfterStartup {
  private static final Logger log = Logger.getLogger(AfterStartup.class.getName());

  static final long POLL_MILLIS = 200;

  /** Quiet: fewer new classes than this over {@link #QUIET_MILLIS}. */
  static final int QUIET_CLASSES = 25;

  static final long QUIET_MILLIS = 1_000;

  /** However busy the application looks, the work runs after this. */
  static final long MAX_WAIT_MILLIS = 30_000;

  private final Thread main;
  private final IntSupplier loadedClasses;
  private final BooleanSupplier urgent;
  private final List<Runnable> tasks = new CopyOnWriteArrayList<>();
  private Thread thread;

  /**
   * @param main the thread that ran premain: the application's main thread
   * @param loadedClasses how many classes the JVM has loaded so far
   * @param urgent true when the work must not wait any longer (e.g. the capture buffer fills up)
   */
  public AfterStartup(Thread main, IntSupplier loadedClasses, BooleanSupplier urgent) {
    this.main = main;
    this.loadedClasses = loadedClasses;
    this.urgent = urgent;
  }

  /** Queues {@code task}; call before {@link #start()}. Tasks run in order on one agent thread. */
  public void then(Runnable task) {
    tasks.add(task);
  }

  /** Starts watching, on a daemon thread of its own; does nothing when no task is queued. */
  public synchronized void start() {
    if (tasks.isEmpty() || thread != null) {
      return;
    }
    thread = new Thread(this::watchThenRun, "retrace-after-startup");
    thread.setDaemon(true);
    thread.start();
  }

  private void watchThenRun() {
    Dispatch.suppressCurrentThread();
    try {
      long began = System.nanoTime();
      int[] window = new int[(int) (QUIET_MILLIS / POLL_MILLIS) + 1];
      int polls = 0;
      while (true) {
        window[polls++ % window.length] = loadedClasses.getAsInt();
        long elapsed = (System.nanoTime() - began) / 1_000_000;
        int newClasses =
            polls < window.length
                ? Integer.MAX_VALUE
                : window[(polls - 1) % window.length] - window[polls % window.length];
        if (urgent.getAsBoolean() || hasStarted(main.isAlive(), newClasses, elapsed)) {
          log.fine(
              String.format(
                  "Retrace: application started (main %s, %d new classes in the last %d ms)"
                      + " after %d ms",
                  main.isAlive() ? "running" : "ended", newClasses, QUIET_MILLIS, elapsed));
          break;
        }
        Thread.sleep(POLL_MILLIS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    for (Runnable task : tasks) {
      try {
        task.run();
      } catch (Throwable t) {
        log.log(Level.SEVERE, "Retrace: deferred start-up work failed: " + t.getMessage(), t);
      }
    }
  }

  /**
   * Whether the application has started, given whether its main thread still runs, how many classes
   * it loaded over the last {@link #QUIET_MILLIS}, and how long the agent has waited.
   */
  static boolean hasStarted(boolean mainAlive, int classesInQuietWindow, long waitedMillis) {
    return !mainAlive || classesInQuietWindow < QUIET_CLASSES || waitedMillis >= MAX_WAIT_MILLIS;
  }
}
