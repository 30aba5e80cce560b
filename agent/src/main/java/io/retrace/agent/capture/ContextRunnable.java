package io.retrace.agent.capture;

/** A task that runs with the session of the thread that submitted it. */
final class ContextRunnable implements Runnable {
  private final Runnable task;
  private final SessionContext context;

  ContextRunnable(Runnable task, SessionContext context) {
    this.task = task;
    this.context = context;
  }

  @Override
  public void run() {
    SessionContext previous = SessionContext.current();
    SessionContext.set(context);
    try {
      task.run();
    } finally {
      SessionContext.set(previous);
    }
  }
}
