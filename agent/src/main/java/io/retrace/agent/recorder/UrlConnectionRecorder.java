package io.retrace.agent.recorder;

import static io.retrace.agent.weave.Matchers.namedOneOf;
import static io.retrace.agent.weave.Matchers.takesArguments;

import io.retrace.agent.bootstrap.HttpClientAdvice;
import java.util.List;

/**
 * Outbound HTTP through the JDK's {@code HttpURLConnection} (and so {@code URL.openStream}), with
 * the request body the application writes.
 */
public final class UrlConnectionRecorder implements Recorder {
  @Override
  public String name() {
    return "jdk-urlconnection";
  }

  @Override
  public List<Target> targets() {
    return List.of(
        Target.named("sun.net.www.protocol.http.HttpURLConnection")
            .advice(
                namedOneOf("getOutputStream", "getInputStream").and(takesArguments(0)),
                HttpClientAdvice.UrlConnectionStream.class));
  }
}
