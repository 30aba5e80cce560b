package io.retrace.agent.capture;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The servlet API as the agent uses it, in JDK types only. Implemented by {@code
 * io.retrace.agent.servlet.JakartaServletApi}, which is compiled against {@code jakarta.servlet}
 * (and renamed for {@code javax.servlet}) and loaded beside the application's copy of it (see
 * {@link ServletApis}); the agent's own class loader need not see the servlet API at all. Requests
 * and responses travel as {@code Object}.
 */
public interface ServletApi {
  /** A request header, or null. */
  String header(Object request, String name);

  /**
   * Whether the container dispatches the request for the first time ({@code
   * DispatcherType.REQUEST}); an async or error re-dispatch belongs to a request already recorded.
   */
  boolean initialDispatch(Object request);

  RequestLine request(Object request);

  /**
   * {request, response} for the servlet to go on with: wrappers that pass everything through and
   * copy the request body the application reads into {@code requestBody} and the response body it
   * writes into {@code responseBody}.
   */
  Object[] wrap(Object request, Object response, BodyTee requestBody, BodyTee responseBody);

  ResponseLine response(Object request, Object response);

  /** Whether the servlet put the request into asynchronous mode. */
  boolean asyncStarted(Object request);

  /**
   * Calls {@code done} once the asynchronous request completes, with the error the container
   * reported for it, or null.
   */
  void onComplete(Object request, Consumer<Throwable> done);

  /** What the agent reads of a request when it arrives. */
  record RequestLine(
      String method,
      String url,
      Map<String, List<String>> headers,
      String contentType,
      long contentLength) {}

  /**
   * What the agent reads of a response when it is finished; {@code route} is the templated path
   * (Spring's best matching pattern, else the servlet mapping's pattern) or null.
   */
  record ResponseLine(
      int status,
      Map<String, List<String>> headers,
      String contentType,
      boolean committed,
      String route) {}
}
