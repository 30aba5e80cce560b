package io.retrace.agent.bootstrap;

/**
 * ValueSource ordinals for advice, which cannot see the Avro enum from inside JDK classes. {@code
 * SourcesTest} checks they match {@code io.retrace.schemas.event.ValueSource}.
 */
public final class Sources {
  public static final int CURRENT_TIME_MILLIS = 0;
  public static final int INSTANT_NOW = 2;
  public static final int RANDOM = 5;
  public static final int THREAD_LOCAL_RANDOM = 7;
  public static final int UUID = 8;

  private Sources() {}
}
