package io.retrace.agent.servlet;

import io.retrace.agent.capture.BodyTee;
import io.retrace.agent.capture.ServletApi;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.http.HttpServletMapping;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@link ServletApi} on one copy of {@code jakarta.servlet}, or of {@code javax.servlet} once
 * renamed. Stateless but for what the API has.
 */
public final class JakartaServletApi implements ServletApi {
  /** Spring MVC's {@code HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE}: the route template. */
  private static final String SPRING_PATTERN =
      "org.springframework.web.servlet.HandlerMapping.bestMatchingPattern";

  /** Servlet 4 and later tell a request's mapping; Servlet 3.1 (Tomcat 8.5, Jetty 9.4) does not. */
  private final boolean mappings = hasMappings();

  private static boolean hasMappings() {
    try {
      HttpServletRequest.class.getMethod("getHttpServletMapping");
      return true;
    } catch (NoSuchMethodException servlet31) {
      return false;
    }
  }

  @Override
  public String header(Object request, String name) {
    return ((HttpServletRequest) request).getHeader(name);
  }

  @Override
  public boolean initialDispatch(Object request) {
    return ((ServletRequest) request).getDispatcherType() == DispatcherType.REQUEST;
  }

  @Override
  public RequestLine request(Object requestObject) {
    HttpServletRequest request = (HttpServletRequest) requestObject;
    StringBuffer url = request.getRequestURL();
    String query = request.getQueryString();
    if (query != null) {
      url.append('?').append(query);
    }
    Map<String, List<String>> headers = new LinkedHashMap<>();
    Enumeration<String> names = request.getHeaderNames();
    while (names != null && names.hasMoreElements()) {
      String name = names.nextElement();
      headers.put(name, Collections.list(request.getHeaders(name)));
    }
    return new RequestLine(
        request.getMethod(),
        url.toString(),
        headers,
        request.getContentType(),
        request.getContentLengthLong());
  }

  @Override
  public Object[] wrap(Object request, Object response, BodyTee requestBody, BodyTee responseBody) {
    return new Object[] {
      new RecordingRequest((HttpServletRequest) request, requestBody),
      new RecordingResponse((HttpServletResponse) response, responseBody)
    };
  }

  @Override
  public ResponseLine response(Object requestObject, Object responseObject) {
    HttpServletResponse response = (HttpServletResponse) responseObject;
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (String name : response.getHeaderNames()) {
      headers.put(name, new ArrayList<>(response.getHeaders(name)));
    }
    // Tomcat adds Content-Type to the headers only when it commits the response.
    String contentType = response.getContentType();
    if (contentType != null
        && headers.keySet().stream().noneMatch("Content-Type"::equalsIgnoreCase)) {
      headers.put("Content-Type", List.of(contentType));
    }
    return new ResponseLine(
        response.getStatus(),
        headers,
        contentType,
        response.isCommitted(),
        route((HttpServletRequest) requestObject));
  }

  private String route(HttpServletRequest request) {
    if (request.getAttribute(SPRING_PATTERN) instanceof String pattern) {
      return pattern;
    }
    if (!mappings) {
      return null;
    }
    HttpServletMapping mapping = request.getHttpServletMapping();
    String pattern = mapping == null ? null : mapping.getPattern();
    return pattern == null || pattern.isEmpty() ? null : pattern;
  }

  @Override
  public boolean asyncStarted(Object request) {
    return ((ServletRequest) request).isAsyncStarted();
  }

  @Override
  public void onComplete(Object request, Consumer<Throwable> done) {
    ((ServletRequest) request).getAsyncContext().addListener(new CompletionListener(done));
  }
}
