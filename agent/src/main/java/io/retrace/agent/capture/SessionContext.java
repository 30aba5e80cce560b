package io.retrace.agent.capture;

import io.retrace.schemas.event.Correlation;

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

  /**
   * True while this thread is inside an outbound dependency call (JDBC, HTTP client) of the
   * session. What the dependency does meanwhile — a driver's clock and random reads, its own
   * connections — is not the application's doing, and on replay the call is answered from the
   * recording without running it; so nothing is captured inside it.
   */
  boolean inDependency;

  /**
   * True for the context an inbound exchange of the JDK server began on this thread, while its
   * handler runs: a handler that delegates to another is inside it, and only the outermost records.
   * Never forked: another thread's work for the session may serve an exchange of its own.
   */
  boolean inboundExchange;

  /**
   * The events' correlation record, built by the first event of the session and shared by the rest
   * (and by forks): Avro records are never modified once written, and redaction copies.
   */
  Correlation correlation;

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

  /**
   * Null clears the thread's session but keeps its entry: after a {@code remove()}, the thread's
   * next {@link #current()} (every executor task, clock read and JDBC call asks) inserts the entry
   * again, and the removals leave stale slots that every later lookup on the thread cleans up.
   */
  static void set(SessionContext context) {
    CURRENT.set(context);
  }

  /**
   * A copy for another thread: same session, nested under the call that handed the work over, and
   * inside the same dependency call if it was handed over by one (a client's own worker tasks).
   */
  SessionContext fork() {
    SessionContext copy = new SessionContext(sessionId, traceId, spanId, requestId, currentCall);
    copy.inDependency = inDependency;
    copy.correlation = correlation;
    return copy;
  }

  /** Whether a call on this thread should be captured: in a session and not inside a dependency. */
  static boolean capturing(SessionContext ctx) {
    return ctx == null || !ctx.inDependency;
  }

  /** The thread enters dependency call {@code callId}; undone by {@link #leaveDependency}. */
  static void enterDependency(SessionContext ctx, long callId) {
    if (ctx != null) {
      ctx.currentCall = callId;
      ctx.inDependency = true;
    }
  }

  static void leaveDependency(SessionContext ctx, long parentCall) {
    if (ctx != null) {
      ctx.currentCall = parentCall;
      ctx.inDependency = false;
    }
  }

  public String sessionId() {
    return sessionId;
  }
}
