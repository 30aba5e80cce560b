package io.retrace.agent.recorder;

import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.isInterface;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.retrace.agent.bootstrap.Dispatch;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.matcher.ElementMatchers;

/** Inbound HTTP on the JDK's {@code com.sun.net.httpserver}: every {@code HttpHandler.handle}. */
public final class HttpServerRecorder implements Recorder {
  @Override
  public String name() {
    return "jdk-httpserver";
  }

  @Override
  public AgentBuilder install(AgentBuilder builder, ClassLoader agentLoader) {
    return builder
        .type(
            ElementMatchers.<net.bytebuddy.description.type.TypeDescription>isSubTypeOf(
                    com.sun.net.httpserver.HttpHandler.class)
                .and(not(isInterface())))
        .transform(
            Recorder.advice(agentLoader)
                .advice(
                    named("handle")
                        .and(not(isAbstract()))
                        .and(takesArguments(1))
                        .and(takesArgument(0, named("com.sun.net.httpserver.HttpExchange"))),
                    HandleAdvice.class.getName()));
  }

  /** Around {@code HttpHandler.handle(HttpExchange)}. */
  public static final class HandleAdvice {
    private HandleAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static Object enter(@Advice.Argument(0) Object exchange) {
      return Dispatch.mode == Dispatch.OFF ? null : Dispatch.hooks.serverEnter(exchange);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(
        @Advice.Enter Object handle,
        @Advice.Argument(0) Object exchange,
        @Advice.Thrown Throwable thrown) {
      if (handle != null) {
        Dispatch.hooks.serverExit(handle, exchange, thrown);
      }
    }
  }
}
