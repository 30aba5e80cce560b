package io.retrace.agent.recorder;

import static net.bytebuddy.matcher.ElementMatchers.isStatic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.retrace.agent.bootstrap.Dispatch;
import java.util.List;
import net.bytebuddy.asm.Advice;

/**
 * Carries the session into work handed to thread pools — {@code ThreadPoolExecutor.execute} (and so
 * every {@code submit}), {@code ForkJoinPool.execute}, which {@code CompletableFuture}'s async
 * stages use, the thread per task {@code CompletableFuture} uses instead when the common pool has
 * fewer than two threads (two cores), and {@code ThreadPerTaskExecutor.execute} (virtual threads
 * per task, Java 21+) — so that a dependency called on a pool or virtual thread is attributed to
 * its request.
 */
public final class ExecutorRecorder implements Recorder {
  @Override
  public String name() {
    return "executors";
  }

  @Override
  public List<Target> targets() {
    return List.of(
        Target.named(
                "java.util.concurrent.ThreadPoolExecutor",
                "java.util.concurrent.ForkJoinPool",
                // CompletableFuture's default executor when the common pool has one thread.
                "java.util.concurrent.CompletableFuture$ThreadPerTaskExecutor",
                // Java 21+: Executors.newVirtualThreadPerTaskExecutor() and friends.
                "java.util.concurrent.ThreadPerTaskExecutor")
            .advice(
                named("execute")
                    .and(takesArguments(1))
                    .and(takesArgument(0, named("java.lang.Runnable"))),
                ExecuteAdvice.class)
            // Carries a session: without one there is nothing to carry.
            .recordsOnlyInSessions(),
        // Java 21+: a virtual thread runs one task and ends, so its task takes the session.
        Target.named("java.lang.ThreadBuilders")
            .advice(
                named("newVirtualThread")
                    .and(isStatic())
                    .and(takesArguments(4))
                    .and(takesArgument(3, named("java.lang.Runnable"))),
                NewVirtualThreadAdvice.class)
            .recordsOnlyInSessions());
  }

  /** Wraps the task with the submitting thread's session. */
  public static final class ExecuteAdvice {
    private ExecuteAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.Argument(value = 0, readOnly = false) Runnable task) {
      if (Dispatch.mode != Dispatch.OFF && task != null) {
        task = Dispatch.hooks.wrap(task);
      }
    }
  }

  /** Wraps a new virtual thread's task with the session of the thread that makes it. */
  public static final class NewVirtualThreadAdvice {
    private NewVirtualThreadAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.Argument(value = 3, readOnly = false) Runnable task) {
      if (Dispatch.mode != Dispatch.OFF && task != null) {
        task = Dispatch.hooks.wrap(task);
      }
    }
  }
}
