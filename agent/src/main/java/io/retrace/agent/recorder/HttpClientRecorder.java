package io.retrace.agent.recorder;

import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.retrace.agent.bootstrap.Dispatch;
import java.util.List;
import net.bytebuddy.asm.Advice;

/** Outbound HTTP of {@code java.net.http.HttpClient}: {@code send} and {@code sendAsync}. */
public final class HttpClientRecorder implements Recorder {
  @Override
  public String name() {
    return "jdk-httpclient";
  }

  @Override
  public List<Target> targets() {
    return List.of(
        Target.named("jdk.internal.net.http.HttpClientImpl")
            .advice(namedOneOf("send", "sendAsync").and(takesArguments(2)), SendAdvice.class));
  }

  /** Around {@code send(request, handler)} and {@code sendAsync(request, handler)}. */
  public static final class SendAdvice {
    private SendAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static Object enter(@Advice.Argument(0) Object request) {
      return Dispatch.mode == Dispatch.OFF ? null : Dispatch.hooks.clientEnter(request);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(
        @Advice.Enter Object handle,
        @Advice.Return Object response,
        @Advice.Thrown Throwable thrown) {
      if (handle != null) {
        Dispatch.hooks.clientExit(handle, response, thrown);
      }
    }
  }
}
