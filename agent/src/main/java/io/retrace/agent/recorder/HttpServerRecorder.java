package io.retrace.agent.recorder;

import static io.retrace.agent.weave.Matchers.named;
import static io.retrace.agent.weave.Matchers.takesArgument;
import static io.retrace.agent.weave.Matchers.takesArguments;

import io.retrace.agent.bootstrap.HttpServerAdvice;
import java.util.List;

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
                    .and(takesArgument(0, "com.sun.net.httpserver.HttpExchange")),
                HttpServerAdvice.Handle.class)
            .startsSessions(),
        Target.named("sun.net.httpserver.ExchangeImpl")
            .advice(
                named("sendResponseHeaders")
                    .and(takesArguments(2))
                    .and(takesArgument(0, "int"))
                    .and(takesArgument(1, "long")),
                HttpServerAdvice.Container.class));
  }
}
