package io.retrace.agent.trigger;

import io.retrace.agent.bootstrap.Dispatch;
import java.util.concurrent.ThreadFactory;

/** Threads of the agent's own executors: daemons, and nothing they do is ever recorded. */
final class AgentThreads {
  private AgentThreads() {}

  static ThreadFactory named(String name) {
    return r -> {
      Thread t =
          new Thread(
              () -> {
                Dispatch.suppressCurrentThread();
                r.run();
              },
              name);
      t.setDaemon(true);
      return t;
    };
  }
}
