package io.retrace.agent.bootstrap;

import io.retrace.agent.weave.Advice.Argument;
import io.retrace.agent.weave.Advice.OnEnter;

/** Advice of {@code ExecutorRecorder}: a task handed to a pool or a virtual thread. */
public final class ExecutorAdvice {
  private ExecutorAdvice() {}

  /** {@code execute(Runnable)}: the task is wrapped with the submitting thread's session. */
  public static final class Execute {
    private Execute() {}

    @OnEnter(replacesArguments = 0)
    public static Object[] enter(@Argument(0) Runnable task) {
      return wrapped(task);
    }
  }

  /** {@code ThreadBuilders.newVirtualThread(..., Runnable)}: its task takes the session. */
  public static final class NewVirtualThread {
    private NewVirtualThread() {}

    @OnEnter(replacesArguments = 3)
    public static Object[] enter(@Argument(3) Runnable task) {
      return wrapped(task);
    }
  }

  /** The replacement array for {@code task}, or null to leave it as it is. */
  static Object[] wrapped(Runnable task) {
    if (Dispatch.mode == Dispatch.OFF || task == null) {
      return null;
    }
    Runnable wrapped = Dispatch.hooks.wrap(task);
    return wrapped == task ? null : new Object[] {null, wrapped};
  }
}
