package io.retrace.agent.recorder;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.retrace.agent.bootstrap.Dispatch;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;

/** Outbound HTTP of {@code java.net.http.HttpClient}: {@code send} and {@code sendAsync}. */
public final class HttpClientRecorder implements Recorder {
  @Override
  public String name() {
    return "jdk-httpclient";
  }

  @Override
  public AgentBuilder install(AgentBuilder builder, ClassLoader agentLoader) {
    return builder
        .type(named("jdk.internal.net.http.HttpClientImpl"))
        .transform(
            Recorder.advice(agentLoader)
                .advice(
                    namedOneOf("send", "sendAsync").and(takesArguments(2)),
                    SendAdvice.class.getName()));
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
