package io.retrace.agent.capture;

/**
 * The session (one request / correlation id) the current thread works for, and the call it is
 * inside of, so that nested calls get a parent call id. Travels with work handed to other threads
 * through {@link ContextRunnable}.
 */
public final class SessionContext {
  private static final ThreadLocal<SessionContext> CURRENT = new ThreadLocal<>();

  final String sessionId;
  final String traceId;
  final String spanId;
  final String requestId;

  /** The innermost open call on this thread for this session; 0 at the top. */
  long currentCall;

  SessionContext(String sessionId, String traceId, String spanId, String requestId, long call) {
    this.sessionId = sessionId;
    this.traceId = traceId;
    this.spanId = spanId;
    this.requestId = requestId;
    this.currentCall = call;
  }

  /** The calling thread's session, or null for background work. */
  public static SessionContext current() {
    return CURRENT.get();
  }

  static void set(SessionContext context) {
    if (context == null) {
      CURRENT.remove();
    } else {
      CURRENT.set(context);
    }
  }

  /** A copy for another thread: same session, nested under the call that handed the work over. */
  SessionContext fork() {
    return new SessionContext(sessionId, traceId, spanId, requestId, currentCall);
  }

  public String sessionId() {
    return sessionId;
  }
}
