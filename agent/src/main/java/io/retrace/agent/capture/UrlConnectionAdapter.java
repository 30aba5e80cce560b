package io.retrace.agent.capture;

import io.retrace.schemas.event.EventKind;
import io.retrace.schemas.event.HttpExchange;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Outbound calls through {@code HttpURLConnection}: the request line and headers are taken when the
 * application asks for the response; the response body is teed while the application reads it, and
 * the exchange is recorded when the body is read to its end or closed (or at once when there is no
 * body to read, e.g. an error status).
 */
public final class UrlConnectionAdapter {
  private final CallRecorder recorder;
  private final int bodyMax;
  private final ThreadLocal<Boolean> active = new ThreadLocal<>();

  public UrlConnectionAdapter(CallRecorder recorder, int bodyMax) {
    this.recorder = recorder;
    this.bodyMax = bodyMax;
  }

  private record Call(
      String method,
      String url,
      Map<String, List<String>> requestHeaders,
      SessionContext ctx,
      long callId,
      long parent,
      long startNanos) {}

  Object enter(Object connectionObject) {
    SessionContext ctx = SessionContext.current();
    if (active.get() != null || !SessionContext.capturing(ctx)) {
      return null; // getInputStream calling itself inside the JDK, or inside another dependency
    }
    HttpURLConnection connection = (HttpURLConnection) connectionObject;
    Map<String, List<String>> headers;
    try {
      headers = connection.getRequestProperties();
    } catch (IllegalStateException alreadyConnected) {
      headers = Map.of(); // the JDK hides request headers once the connection is open
    }
    active.set(Boolean.TRUE);
    Call call =
        new Call(
            connection.getRequestMethod(),
            connection.getURL().toString(),
            headers,
            ctx,
            recorder.newCall(),
            ctx == null ? 0 : ctx.currentCall,
            System.nanoTime());
    SessionContext.enterDependency(ctx, call.callId());
    return call;
  }

  Object exit(Object handle, Object connectionObject, Object stream, Throwable thrown) {
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
            null,
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
