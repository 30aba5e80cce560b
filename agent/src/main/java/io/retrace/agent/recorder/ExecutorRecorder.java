package io.retrace.agent.recorder;

import static io.retrace.agent.weave.Matchers.isStatic;
import static io.retrace.agent.weave.Matchers.named;
import static io.retrace.agent.weave.Matchers.takesArgument;
import static io.retrace.agent.weave.Matchers.takesArguments;

import io.retrace.agent.bootstrap.ExecutorAdvice;
import java.util.List;

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
                named("execute").and(takesArguments(1)).and(takesArgument(0, "java.lang.Runnable")),
                ExecutorAdvice.Execute.class)
            // Carries a session: without one there is nothing to carry.
            .recordsOnlyInSessions(),
        // Java 21+: a virtual thread runs one task and ends, so its task takes the session.
        Target.named("java.lang.ThreadBuilders")
            .advice(
                named("newVirtualThread")
                    .and(isStatic())
                    .and(takesArguments(4))
                    .and(takesArgument(3, "java.lang.Runnable")),
                ExecutorAdvice.NewVirtualThread.class)
            .recordsOnlyInSessions());
  }
}
