package io.retrace.agent.capture;

import io.retrace.agent.bootstrap.Dispatch;
import io.retrace.agent.bootstrap.Hooks;
import io.retrace.schemas.event.EventKind;
import io.retrace.schemas.event.ValueRead;
import io.retrace.schemas.event.ValueSource;
import java.time.Instant;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The agent's side of {@link Hooks}: guards against recursion and the agent's own threads, then
 * hands each call to its adapter. Every method swallows its own failures: the host application must
 * never see an exception from the agent.
 */
public final class AgentHooks implements Hooks {
  private static final Logger log = Logger.getLogger(AgentHooks.class.getName());

  /** Held apart so that premain does not initialise Avro's enum (see {@link CallRecorder}). */
  private static final class ValueSources {
    static final ValueSource[] ALL = ValueSource.values();
  }

  private final CallRecorder recorder;
  private final HttpServerAdapter server;
  private final ServletAdapter servlet;
  private final HttpClientAdapter client;
  private final UrlConnectionAdapter urlConnection;
  private final JdbcAdapter jdbc;
  private final MethodAdapter methods;

  /**
   * Without servlet recording: the wiring of callers that predate it ({@code CaptureBenchmark}).
   */
  public AgentHooks(
      CallRecorder recorder,
      HttpServerAdapter server,
      ServletAdapter servlet,
      HttpClientAdapter client,
      UrlConnectionAdapter urlConnection,
      JdbcAdapter jdbc,
      MethodAdapter methods) {
    this.recorder = recorder;
    this.server = server;
    this.servlet = servlet;
    this.client = client;
    this.urlConnection = urlConnection;
    this.jdbc = jdbc;
    this.methods = methods;
  }

  @Override
  public void longValue(int source, String site, long value) {
    SessionContext ctx = SessionContext.current();
    if (ctx != null && !ctx.inDependency) {
      recordValue(source, site, value, ctx);
    }
  }

  @Override
  public void value(int source, String site, Object value) {
    // Clock and random reads matter only for a request's replay; outside a session they are the
    // noise of logging frameworks and pools.
    SessionContext ctx = SessionContext.current();
    if (ctx != null && !ctx.inDependency) {
      recordValue(source, site, value, ctx);
    }
  }

  private void recordValue(int source, String site, Object value, SessionContext ctx) {
    if (!Dispatch.enter()) {
      return;
    }
    try {
      recorder.record(
          new ValueEvent(source, site, encode(value)),
          recorder.newCall(),
          ctx.currentCall,
          ctx,
          System.nanoTime());
    } catch (Throwable t) {
      failed("value", t);
    } finally {
      Dispatch.exit();
    }
  }

  /**
   * A value read, made an Avro record when the recorder asks: a request served right after start-up
   * does not wait for Avro's initialisation to read the clock (see {@link
   * CallRecorder.LazyPayload}).
   */
  private record ValueEvent(int source, String site, Object encoded)
      implements CallRecorder.LazyPayload {
    @Override
    public EventKind kind() {
      return EventKind.VALUE_READ;
    }

    @Override
    public ValueRead build() {
      return new ValueRead(ValueSources.ALL[source], site, null, encoded);
    }
  }

  /** Values as the Avro union holds them; replay turns them back (see ValueRecorder). */
  static Object encode(Object value) {
    if (value instanceof UUID uuid) {
      return uuid.toString();
    }
    if (value instanceof Instant instant) {
      return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
    }
    return value;
  }

  @Override
  public Object replayValue(int source, String site) {
    return null;
  }

  @Override
  public Object serverEnter(Object exchange) {
    if (!Dispatch.enter()) {
      return null;
    }
    try {
      return server.enter(exchange);
    } catch (Throwable t) {
      failed("http server", t);
      return null;
    } finally {
      Dispatch.exit();
    }
  }

  @Override
  public void serverExit(Object handle, Object exchange, Throwable thrown) {
    if (handle == null || !Dispatch.enter()) {
      return;
    }
    try {
      server.exit(handle, exchange, thrown);
    } catch (Throwable t) {
      failed("http server", t);
    } finally {
      Dispatch.exit();
    }
  }

  @Override
  public boolean containerEnter() {
    SessionContext ctx = SessionContext.current();
    if (ctx == null || ctx.inDependency) {
      return false;
    }
    ctx.inDependency = true;
    return true;
  }

  @Override
  public void containerExit() {
    SessionContext ctx = SessionContext.current();
    if (ctx != null) {
      ctx.inDependency = false;
    }
  }

  @Override
  public Object[] servletEnter(Object request, Object response) {
    if (!Dispatch.enter()) {
      return null;
    }
    try {
      return servlet.enter(request, response);
    } catch (Throwable t) {
      failed("servlet", t);
      return null;
    } finally {
      Dispatch.exit();
    }
  }

  @Override
  public void servletExit(Object handle, Throwable thrown) {
    if (handle == null || !Dispatch.enter()) {
      return;
    }
    try {
      servlet.exit(handle, thrown);
    } catch (Throwable t) {
      failed("servlet", t);
    } finally {
      Dispatch.exit();
    }
  }

  @Override
  public Object[] clientEnter(Object request, boolean async) {
    if (!Dispatch.enter()) {
      return null;
    }
    try {
      return client.enter(request, async);
    } catch (Throwable t) {
      failed("http client", t);
      return null;
    } finally {
      Dispatch.exit();
    }
  }

  @Override
  public void clientExit(Object handle, Object response, Throwable thrown) {
    if (handle == null || !Dispatch.enter()) {
      return;
    }
    try {
      client.exit(handle, response, thrown);
    } catch (Throwable t) {
      failed("http client", t);
    } finally {
      Dispatch.exit();
    }
  }

  @Override
  public void clientResponse(Object future) {
    if (!Dispatch.enter()) {
      return;
    }
    try {
      client.response(future);
    } catch (Throwable t) {
      failed("http client", t);
    } finally {
      Dispatch.exit();
    }
  }

  @Override
  public Object urlConnectionEnter(Object connection, boolean output) {
    if (!Dispatch.enter()) {
      return null;
    }
    try {
      return urlConnection.enter(connection, output);
    } catch (Throwable t) {
      failed("HttpURLConnection", t);
      return null;
    } finally {
      Dispatch.exit();
    }
  }

  @Override
  public Object urlConnectionExit(
      Object handle, Object connection, Object stream, Throwable thrown) {
    if (handle == null || !Dispatch.enter()) {
      return stream;
    }
    try {
      return urlConnection.exit(handle, connection, stream, thrown);
    } catch (Throwable t) {
      failed("HttpURLConnection", t);
      return stream;
    } finally {
      Dispatch.exit();
    }
  }

  @Override
  public Object jdbcEnter(Object statement, String sql, int operation) {
    if (!Dispatch.enter()) {
      return null;
    }
    try {
      return jdbc.enter(statement, sql, operation);
    } catch (Throwable t) {
      failed("jdbc", t);
      return null;
    } finally {
      Dispatch.exit();
    }
  }

  @Override
  public Object jdbcExit(Object handle, Object statement, Object result, Throwable thrown) {
    if (handle == null || !Dispatch.enter()) {
      return result;
    }
    try {
      return jdbc.exit(handle, statement, result, thrown);
    } catch (Throwable t) {
      failed("jdbc", t);
      return result;
    } finally {
      Dispatch.exit();
    }
  }

  /*
   * The two JDBC hooks below skip Dispatch's per-thread guard (two thread-local lookups, for each
   * setXxx call): they record nothing and call no instrumented code, they only note the SQL and
   * parameters in the adapter's map. A statement prepared by the agent's own work would only gain
   * an entry that no recorded execution reads (its execution is guarded).
   */

  @Override
  public void jdbcPrepared(Object statement, String sql) {
    try {
      jdbc.prepared(statement, sql);
    } catch (Throwable t) {
      failed("jdbc", t);
    }
  }

  @Override
  public void jdbcParameter(Object statement, int index, Object value) {
    try {
      jdbc.parameter(statement, index, value);
    } catch (Throwable t) {
      failed("jdbc", t);
    }
  }

  @Override
  public Object methodEnter(String className, String method, Object[] args) {
    if (!Dispatch.enter()) {
      return null;
    }
    try {
      return methods.enter(className, method, args);
    } catch (Throwable t) {
      failed("method", t);
      return null;
    } finally {
      Dispatch.exit();
    }
  }

  @Override
  public void methodExit(Object handle, Object returned, Throwable thrown) {
    if (handle == null || !Dispatch.enter()) {
      return;
    }
    try {
      methods.exit(handle, returned, thrown);
    } catch (Throwable t) {
      failed("method", t);
    } finally {
      Dispatch.exit();
    }
  }

  @Override
  public Runnable wrap(Runnable task) {
    SessionContext ctx = SessionContext.current();
    if (ctx == null || task instanceof ContextRunnable) {
      return task;
    }
    return new ContextRunnable(task, ctx.fork());
  }

  private static void failed(String what, Throwable t) {
    log.log(Level.FINE, "Retrace " + what + " capture failed", t);
  }
}
