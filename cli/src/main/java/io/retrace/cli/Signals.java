package io.retrace.cli;

import sun.misc.Signal;

/**
 * Routes Ctrl-C (SIGINT) and SIGTERM to an action instead of the JVM's default, so that a
 * long-running command stops its services on its own thread, in order, and exits with 0.
 */
final class Signals {
  private Signals() {}

  static void onTermination(Runnable action) {
    for (String name : new String[] {"INT", "TERM"}) {
      Signal.handle(new Signal(name), signal -> action.run());
    }
  }
}
