package io.retrace.testkit;

/** Entry point to the test event builders: {@code Events.event().session("s1").httpServer(...)}. */
public final class Events {
  private Events() {}

  public static EventBuilder event() {
    return new EventBuilder();
  }
}
