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
