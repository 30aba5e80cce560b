package io.retrace.agent.recorder;

import static io.retrace.agent.weave.Matchers.named;
import static io.retrace.agent.weave.Matchers.namedOneOf;
import static io.retrace.agent.weave.Matchers.takesArguments;

import io.retrace.agent.bootstrap.HttpClientAdvice;
import java.util.List;

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
            .advice(
                namedOneOf("send", "sendAsync").and(takesArguments(2)),
                HttpClientAdvice.Send.class),
        // Where the JDK has no such method, the call is recorded when sendAsync's future completes.
        Target.named("jdk.internal.net.http.MultiExchange")
            .advice(
                named("responseAsync").and(takesArguments(1)), HttpClientAdvice.Response.class));
  }
}
