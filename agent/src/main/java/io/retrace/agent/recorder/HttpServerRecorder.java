package io.retrace.agent.recorder;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.retrace.agent.bootstrap.Dispatch;
import java.util.List;
import net.bytebuddy.asm.Advice;

/**
 * Inbound HTTP on the JDK's {@code com.sun.net.httpserver}. Every exchange passes through {@code
 * Filter.Chain.doFilter} on its way to the context's handler, whatever the handler is (a class, a
 * lambda, a method reference) — one exact-name match instead of matching every class against {@code
 * HttpHandler}. The adapter records only the outermost call of a thread. The server's own clock
 * read for the {@code Date} header of a response is not the application's and is not captured.
 */
public final class HttpServerRecorder implements Recorder {
  @Override
  public String name() {
    return "jdk-httpserver";
  }

  @Override
  public List<Target> targets() {
    return List.of(
        Target.named("com.sun.net.httpserver.Filter$Chain")
            .advice(
                named("doFilter")
                    .and(takesArguments(1))
                    .and(takesArgument(0, named("com.sun.net.httpserver.HttpExchange"))),
                HandleAdvice.class)
            .startsSessions(),
        Target.named("sun.net.httpserver.ExchangeImpl")
            .advice(
                named("sendResponseHeaders")
                    .and(takesArguments(2))
                    .and(takesArgument(0, named("int")))
                    .and(takesArgument(1, named("long"))),
                ContainerAdvice.class));
  }

  /**
   * Around {@code ExchangeImpl.sendResponseHeaders}: the server reads the clock for its {@code
   * Date} header there. That read is the server's, not the application's (the header is in the
   * recorded response anyway), so, as inside a dependency call, nothing is captured; the same scope
   * holds in replay, so both runs see the same reads.
   */
  public static final class ContainerAdvice {
    private ContainerAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static boolean enter() {
      return Dispatch.mode != Dispatch.OFF && Dispatch.hooks.containerEnter();
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.Enter boolean entered) {
      if (entered) {
        Dispatch.hooks.containerExit();
      }
    }
  }

  /** Around {@code Filter.Chain.doFilter(HttpExchange)}. */
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
