package io.retrace.agent.bootstrap;

import io.retrace.agent.weave.Advice.Argument;
import io.retrace.agent.weave.Advice.Enter;
import io.retrace.agent.weave.Advice.OnEnter;
import io.retrace.agent.weave.Advice.OnExit;
import io.retrace.agent.weave.Advice.Thrown;

/** Advice of {@code HttpServerRecorder}: the JDK's {@code com.sun.net.httpserver}. */
public final class HttpServerAdvice {
  private HttpServerAdvice() {}

  /** Around {@code Filter.Chain.doFilter(HttpExchange)}. */
  public static final class Handle {
    private Handle() {}

    @OnEnter
    public static Object enter(@Argument(0) Object exchange) {
      return Dispatch.mode == Dispatch.OFF ? null : Dispatch.hooks.serverEnter(exchange);
    }

    @OnExit(onThrowable = true)
    public static void exit(
        @Enter Object handle, @Argument(0) Object exchange, @Thrown Throwable thrown) {
      if (handle != null) {
        Dispatch.hooks.serverExit(handle, exchange, thrown);
      }
    }
  }

  /**
   * Around {@code ExchangeImpl.sendResponseHeaders}: the server reads the clock for its {@code
   * Date} header there. That read is the server's, not the application's (the header is in the
   * recorded response anyway), so, as inside a dependency call, nothing is captured; the same scope
   * holds in replay, so both runs see the same reads.
   */
  public static final class Container {
    private Container() {}

    @OnEnter
    public static boolean enter() {
      return Dispatch.mode != Dispatch.OFF && Dispatch.hooks.containerEnter();
    }

    @OnExit(onThrowable = true)
    public static void exit(@Enter boolean entered) {
      if (entered) {
        Dispatch.hooks.containerExit();
      }
    }
  }
}
