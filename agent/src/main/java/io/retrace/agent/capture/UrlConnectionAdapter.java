package io.retrace.agent.capture;

import io.retrace.schemas.event.Body;
import io.retrace.schemas.event.EventKind;
import io.retrace.schemas.event.HttpExchange;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Outbound calls through {@code HttpURLConnection}: the request line and headers are taken when the
 * application asks for the request body's stream or, without a body, for the response (the JDK
 * hides request headers once the connection is open, and opening it is the first thing {@code
 * getOutputStream} does); the request body is teed while the application writes it; the response
 * body is teed while the application reads it, and the exchange is recorded when the body is read
 * to its end or closed (or at once when there is no body to read, e.g. an error status).
 */
public final class UrlConnectionAdapter {
  private final CallRecorder recorder;
  private final int bodyMax;
  private final ThreadLocal<Boolean> active = new ThreadLocal<>();

  /**
   * Request bodies being written, by connection, until the application asks for the response. Weak
   * keys: a connection the application drops without reading its response takes its entry with it,
   * so this holds at most one bounded copy per live connection.
   */
  private final Map<Object, Sent> sent = Collections.synchronizedMap(new WeakHashMap<>());

  /** The request headers from before the connection opened, and the body written since. */
  private record Sent(Map<String, List<String>> headers, BoundedCopy body) {}

  public UrlConnectionAdapter(CallRecorder recorder, int bodyMax) {
    this.recorder = recorder;
    this.bodyMax = bodyMax;
  }

  private record Call(
      String method,
      String url,
      Map<String, List<String>> requestHeaders,
      Body requestBody,
      SessionContext ctx,
      long callId,
      long parent,
      long startNanos) {}

  /**
   * {@code getOutputStream} ({@code output}) or {@code getInputStream} is called; returns a handle,
   * or null.
   */
  Object enter(Object connectionObject, boolean output) {
    SessionContext ctx = SessionContext.current();
    if (active.get() != null || !SessionContext.capturing(ctx)) {
      return null; // the JDK calling itself (getInputStream closes a streaming body), or nested
    }
    HttpURLConnection connection = (HttpURLConnection) connectionObject;
    if (output) {
      Sent written = sent.get(connection); // a second getOutputStream adds to the same copy
      return written != null
          ? written
          : new Sent(requestHeaders(connection), new BoundedCopy(bodyMax));
    }
    Sent written = sent.remove(connection);
    active.set(Boolean.TRUE);
    Map<String, List<String>> headers =
        written == null ? requestHeaders(connection) : written.headers();
    Call call =
        new Call(
            connection.getRequestMethod(),
            connection.getURL().toString(),
            headers,
            written == null ? null : written.body().toBody(first(headers, "Content-Type")),
            ctx,
            recorder.newCall(),
            ctx == null ? 0 : ctx.currentCall,
            System.nanoTime());
    SessionContext.enterDependency(ctx, call.callId());
    return call;
  }

  private static Map<String, List<String>> requestHeaders(HttpURLConnection connection) {
    try {
      return connection.getRequestProperties();
    } catch (IllegalStateException alreadyConnected) {
      return Map.of(); // the application opened the connection itself before asking for a stream
    }
  }

  private static String first(Map<String, List<String>> headers, String name) {
    for (Map.Entry<String, List<String>> header : headers.entrySet()) {
      if (name.equalsIgnoreCase(header.getKey()) && !header.getValue().isEmpty()) {
        return header.getValue().get(0);
      }
    }
    return null;
  }

  /**
   * The stream {@code getOutputStream} or {@code getInputStream} returned (or null when it threw):
   * returns the stream the application should use.
   */
  Object exit(Object handle, Object connectionObject, Object stream, Throwable thrown) {
    if (handle instanceof Sent written) {
      if (stream instanceof OutputStream out) {
        sent.put(connectionObject, written);
        return new HttpServerAdapter.TeeOutputStream(out, written.body());
      }
      return stream;
    }
    active.set(null);
    Call call = (Call) handle;
    SessionContext.leaveDependency(call.ctx(), call.parent());
    HttpURLConnection connection = (HttpURLConnection) connectionObject;
    if (thrown != null || !(stream instanceof InputStream in)) {
      record(call, connection, null, thrown);
      return stream;
    }
    return new Tee(in, call, connection);
  }

  private void record(Call call, HttpURLConnection connection, BoundedCopy body, Throwable thrown) {
    Integer status = null;
    try {
      int code = connection.getResponseCode();
      status = code < 0 ? null : code;
    } catch (IOException | RuntimeException unavailable) {
      // no status: the exchange failed before a response
    }
    Map<String, List<String>> responseHeaders =
        new java.util.LinkedHashMap<>(connection.getHeaderFields());
    responseHeaders.remove(null); // the status line
    HttpExchange exchange =
        new HttpExchange(
            call.method(),
            call.url(),
            null,
            HttpServerAdapter.headers(call.requestHeaders()),
            call.requestBody(),
            status,
            HttpServerAdapter.headers(responseHeaders),
            body == null ? null : body.toBody(connection.getContentType()),
            System.nanoTime() - call.startNanos(),
            thrown == null ? null : Errors.info(thrown));
    // Recorded in the caller's session, whichever thread completes the call.
    recorder.record(
        EventKind.HTTP_CLIENT,
        exchange,
        call.callId(),
        call.parent(),
        call.ctx(),
        System.nanoTime());
  }

  /** The response body as the application reads it, with a bounded copy; records once. */
  private final class Tee extends FilterInputStream {
    private final Call call;
    private final HttpURLConnection connection;
    private final BoundedCopy copy = new BoundedCopy(bodyMax);
    private final AtomicBoolean recorded = new AtomicBoolean();

    Tee(InputStream in, Call call, HttpURLConnection connection) {
      super(in);
      this.call = call;
      this.connection = connection;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b < 0) {
        done();
      } else {
        copy.add(b);
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n < 0) {
        done();
      } else {
        copy.add(b, off, n);
      }
      return n;
    }

    @Override
    public void close() throws IOException {
      try {
        super.close();
      } finally {
        done();
      }
    }

    private void done() {
      if (recorded.compareAndSet(false, true)) {
        try {
          record(call, connection, copy, null);
        } catch (Throwable t) {
          // never into the application
        }
      }
    }
  }
}
