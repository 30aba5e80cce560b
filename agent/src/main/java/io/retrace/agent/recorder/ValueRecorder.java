package io.retrace.agent.recorder;

import static io.retrace.agent.weave.Matchers.isStatic;
import static io.retrace.agent.weave.Matchers.named;
import static io.retrace.agent.weave.Matchers.namedOneOf;
import static io.retrace.agent.weave.Matchers.returns;
import static io.retrace.agent.weave.Matchers.takesArgument;
import static io.retrace.agent.weave.Matchers.takesArguments;
import static java.util.function.Predicate.not;

import io.retrace.agent.bootstrap.ValueAdvice;
import io.retrace.agent.weave.CallRedirect;
import java.util.List;

/**
 * Nondeterministic values: {@code UUID.randomUUID()}, the system clock behind every {@code
 * java.time} {@code now()} (they all end in the package-private {@code Clock.currentInstant()}:
 * {@code Instant.now()}, {@code LocalDateTime.now()}, {@code Clock.systemUTC().instant()}), and
 * {@code Random}/{@code SecureRandom}/{@code ThreadLocalRandom} reads, and {@code
 * System.currentTimeMillis()}: a native intrinsic, so the application's calls to it (and method
 * references, {@code System::currentTimeMillis}) are rewritten to call {@link ValueAdvice.Millis}.
 * In replay mode the recorded value is returned instead of the real one.
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
            .advice(
                named("randomUUID").and(isStatic()).and(takesArguments(0)), ValueAdvice.Uuid.class)
            .recordsOnlyInSessions(),
        Target.named("java.time.Clock")
            .advice(
                named("currentInstant").and(isStatic()).and(takesArguments(0)),
                ValueAdvice.Clock.class)
            .recordsOnlyInSessions(),
        Target.named("java.util.Random", "java.util.concurrent.ThreadLocalRandom")
            .advice(
                namedOneOf("nextInt", "nextLong", "nextDouble", "nextBoolean")
                    .and(not(isStatic()))
                    .and(takesArguments(0).or(takesArguments(1).and(takesArgument(0, "int"))))
                    .and(not(returns("void"))),
                ValueAdvice.Random.class)
            .recordsOnlyInSessions());
  }

  @Override
  public List<CallRedirect> redirects() {
    return List.of(
        new CallRedirect(
            "java/lang/System",
            "currentTimeMillis",
            "()J",
            ValueAdvice.Millis.class.getName().replace('.', '/')));
  }
}
