package io.retrace.agent.recorder;

import io.retrace.agent.weave.CallRedirect;
import java.util.List;

/**
 * One instrumentation: which types and methods it matches, and the advice it applies. The advice is
 * a nested static class of a few lines that suppresses its own throwables and hands off to {@link
 * io.retrace.agent.bootstrap.Dispatch#hooks}.
 */
public interface Recorder {
  /** Name used in logs. */
  String name();

  /** The types this recorder instruments, each with the advice for its methods. */
  List<Target> targets();

  /**
   * Calls to methods that advice cannot reach (native intrinsics), rewritten in every class outside
   * the JDK's and the agent's class loaders to call a hook in {@code io.retrace.agent.bootstrap}.
   */
  default List<CallRedirect> redirects() {
    return List.of();
  }
}
