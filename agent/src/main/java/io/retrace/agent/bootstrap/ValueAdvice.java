package io.retrace.agent.bootstrap;

import io.retrace.agent.weave.Advice.Enter;
import io.retrace.agent.weave.Advice.OnEnter;
import io.retrace.agent.weave.Advice.OnExit;
import io.retrace.agent.weave.Advice.Return;
import io.retrace.agent.weave.Advice.Site;
import io.retrace.agent.weave.Advice.This;
import java.time.Instant;
import java.util.UUID;

/** Advice of {@code ValueRecorder}: UUIDs, the system clock, random numbers. */
public final class ValueAdvice {
  private ValueAdvice() {}

  /** {@code UUID.randomUUID()}. */
  public static final class Uuid {
    private Uuid() {}

    @OnEnter(skipOnNonNull = true)
    public static Object enter() {
      return Dispatch.mode == Dispatch.REPLAY
          ? Dispatch.hooks.replayValue(Sources.UUID, "java.util.UUID#randomUUID")
          : null;
    }

    @OnExit
    public static UUID exit(@Enter Object replayed, @Return UUID value) {
      if (replayed != null) {
        return UUID.fromString((String) replayed);
      }
      if (Dispatch.mode == Dispatch.RECORD) {
        Dispatch.hooks.value(Sources.UUID, "java.util.UUID#randomUUID", value);
      }
      return value;
    }
  }

  /** {@code Clock.currentInstant()}, where every system-clock {@code now()} ends. */
  public static final class Clock {
    private Clock() {}

    @OnEnter(skipOnNonNull = true)
    public static Object enter() {
      return Dispatch.mode == Dispatch.REPLAY
          ? Dispatch.hooks.replayValue(Sources.INSTANT_NOW, "java.time.Clock#instant")
          : null;
    }

    @OnExit
    public static Instant exit(@Enter Object replayed, @Return Instant value) {
      if (replayed != null) {
        long nanos = (Long) replayed;
        return Instant.ofEpochSecond(
            Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
      }
      if (Dispatch.mode == Dispatch.RECORD) {
        Dispatch.hooks.value(Sources.INSTANT_NOW, "java.time.Clock#instant", value);
      }
      return value;
    }
  }

  /**
   * {@code System.currentTimeMillis()}: not advice, since the JDK's method is a native intrinsic
   * that no advice can wrap, but what the application's own calls to it are rewritten to call
   * ({@code CallRedirect}). Idle, it costs the one volatile read beside the real call.
   */
  public static final class Millis {
    private static final String SITE = "java.lang.System#currentTimeMillis";

    private Millis() {}

    public static long currentTimeMillis() {
      int mode = Dispatch.mode;
      return mode == Dispatch.OFF ? System.currentTimeMillis() : recordedOrReplayed(mode);
    }

    /** Called by the application's code directly, not from woven advice: must never throw. */
    private static long recordedOrReplayed(int mode) {
      try {
        if (mode == Dispatch.REPLAY
            && Dispatch.hooks.replayValue(Sources.CURRENT_TIME_MILLIS, SITE)
                instanceof Long replayed) {
          return replayed;
        }
        long now = System.currentTimeMillis();
        if (mode == Dispatch.RECORD) {
          Dispatch.hooks.longValue(Sources.CURRENT_TIME_MILLIS, SITE, now);
        }
        return now;
      } catch (Throwable t) {
        return System.currentTimeMillis();
      }
    }
  }

  /** {@code nextInt/nextLong/nextDouble/nextBoolean} on Random, SecureRandom, ThreadLocalRandom. */
  public static final class Random {
    private Random() {}

    @OnExit
    public static void exit(@This Object random, @Site("#t.#m") String site, @Return Object value) {
      if (Dispatch.mode == Dispatch.RECORD) {
        Dispatch.hooks.value(Sources.RANDOM, site, value);
      }
    }
  }
}
