package io.retrace.agent.recorder;

import static net.bytebuddy.matcher.ElementMatchers.isStatic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.returns;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.retrace.agent.bootstrap.Dispatch;
import io.retrace.agent.bootstrap.Sources;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import net.bytebuddy.asm.Advice;

/**
 * Nondeterministic values: {@code UUID.randomUUID()}, the system clock behind every {@code
 * java.time} {@code now()} (they all end in the package-private {@code Clock.currentInstant()}:
 * {@code Instant.now()}, {@code LocalDateTime.now()}, {@code Clock.systemUTC().instant()}), and
 * {@code Random}/{@code SecureRandom}/{@code ThreadLocalRandom} reads. In replay mode the recorded
 * value is returned instead of the real one.
 */
public final class ValueRecorder implements Recorder {
  @Override
  public String name() {
    return "values";
  }

  @Override
  public List<Target> targets() {
    return List.of(
        Target.named("java.util.UUID")
            .advice(named("randomUUID").and(isStatic()).and(takesArguments(0)), UuidAdvice.class)
            .recordsOnlyInSessions(),
        Target.named("java.time.Clock")
            .advice(
                named("currentInstant").and(isStatic()).and(takesArguments(0)), ClockAdvice.class)
            .recordsOnlyInSessions(),
        Target.named("java.util.Random", "java.util.concurrent.ThreadLocalRandom")
            .advice(
                namedOneOf("nextInt", "nextLong", "nextDouble", "nextBoolean")
                    .and(not(isStatic()))
                    .and(
                        takesArguments(0).or(takesArguments(1).and(takesArgument(0, named("int")))))
                    .and(not(returns(named("void")))),
                RandomAdvice.class)
            .recordsOnlyInSessions());
  }

  /** {@code UUID.randomUUID()}. */
  public static final class UuidAdvice {
    private UuidAdvice() {}

    @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class, suppress = Throwable.class)
    static Object enter() {
      return Dispatch.mode == Dispatch.REPLAY
          ? Dispatch.hooks.replayValue(Sources.UUID, "java.util.UUID#randomUUID")
          : null;
    }

    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(@Advice.Enter Object replayed, @Advice.Return(readOnly = false) UUID value) {
      if (replayed != null) {
        value = UUID.fromString((String) replayed);
      } else if (Dispatch.mode == Dispatch.RECORD) {
        Dispatch.hooks.value(Sources.UUID, "java.util.UUID#randomUUID", value);
      }
    }
  }

  /** {@code Clock.currentInstant()}, where every system-clock {@code now()} ends. */
  public static final class ClockAdvice {
    private ClockAdvice() {}

    @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class, suppress = Throwable.class)
    static Object enter() {
      return Dispatch.mode == Dispatch.REPLAY
          ? Dispatch.hooks.replayValue(Sources.INSTANT_NOW, "java.time.Clock#instant")
          : null;
    }

    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(
        @Advice.Enter Object replayed, @Advice.Return(readOnly = false) Instant value) {
      if (replayed != null) {
        long nanos = (Long) replayed;
        value =
            Instant.ofEpochSecond(
                Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
      } else if (Dispatch.mode == Dispatch.RECORD) {
        Dispatch.hooks.value(Sources.INSTANT_NOW, "java.time.Clock#instant", value);
      }
    }
  }

  /** {@code nextInt/nextLong/nextDouble/nextBoolean} on Random, SecureRandom, ThreadLocalRandom. */
  public static final class RandomAdvice {
    private RandomAdvice() {}

    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(
        @Advice.This Object random,
        @Site("#t.#m") String site,
        @Advice.Return(
                typing = net.bytebuddy.implementation.bytecode.assign.Assigner.Typing.DYNAMIC)
            Object value) {
      if (Dispatch.mode == Dispatch.RECORD) {
        Dispatch.hooks.value(Sources.RANDOM, site, value);
      }
    }
  }
}
