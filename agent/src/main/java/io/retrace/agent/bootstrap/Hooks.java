package io.retrace.agent.bootstrap;

/**
 * What advice calls into; implemented by the agent in its own class loader. Types are JDK or {@code
 * Object} only, because this interface lives in the bootstrap class loader and advice in any class
 * loader must be able to link against it. Implementations never throw.
 */
public interface Hooks {
  /** A nondeterministic value was read ({@code source} is a ValueSource ordinal). */
  void value(int source, String site, Object value);

  /**
   * As {@link #value} for a {@code long}, boxed only if it is recorded: a clock read outside any
   * session, the common case, allocates nothing.
   */
  void longValue(int source, String site, long value);

  /**
   * In replay mode: the recorded value for the next read of {@code site}, or null to let the real
   * call run (nothing recorded for it).
   */
  Object replayValue(int source, String site);

  /** An inbound HTTP exchange starts; returns a handle for {@link #serverExit}, or null. */
  Object serverEnter(Object exchange);

  void serverExit(Object handle, Object exchange, Throwable thrown);

  /**
   * The server's own work for a recorded exchange starts (the JDK server formatting its {@code
   * Date} header): nothing is captured until {@link #containerExit}. Returns whether it entered.
   */
  boolean containerEnter();

  /** Ends what {@link #containerEnter} entered; called only when it returned true. */
  void containerExit();

  /**
   * A servlet's {@code service(HttpServletRequest, HttpServletResponse)} starts. Returns null, or
   * {handle for {@link #servletExit}, request, response}: the request and response the servlet
   * should go on with (wrappers that copy the bodies as they pass).
   */
  Object[] servletEnter(Object request, Object response);

  void servletExit(Object handle, Throwable thrown);

  /**
   * An outbound HTTP request is about to be sent; returns {handle for {@link #clientExit}, the
   * request the client should send (the same, or a copy whose body the agent reads as it goes)}, or
   * null. {@code async}: {@code sendAsync}, whose caller goes on before the exchange completes.
   */
  Object[] clientEnter(Object request, boolean async);

  void clientExit(Object handle, Object response, Throwable thrown);

  /** The exchange's future of the outbound request this thread is sending has been made. */
  void clientResponse(Object future);

  /**
   * {@code HttpURLConnection.getOutputStream} ({@code output}) or {@code getInputStream} is called;
   * returns a handle, or null.
   */
  Object urlConnectionEnter(Object connection, boolean output);

  /**
   * {@code getOutputStream} or {@code getInputStream} returned {@code stream} (or threw): returns
   * the stream the application should use, which copies the request body as it is written, or
   * records the exchange when the response body is read to the end or closed.
   */
  Object urlConnectionExit(Object handle, Object connection, Object stream, Throwable thrown);

  /** A JDBC statement executes; returns a handle, or null. */
  Object jdbcEnter(Object statement, String sql, int operation);

  /**
   * A JDBC statement finished. Returns what the application should get instead of {@code result} (a
   * copied ResultSet it can still read), or {@code result} itself.
   */
  Object jdbcExit(Object handle, Object statement, Object result, Throwable thrown);

  /** A PreparedStatement was made from {@code sql}. */
  void jdbcPrepared(Object statement, String sql);

  /** A PreparedStatement parameter was set. */
  void jdbcParameter(Object statement, int index, Object value);

  /**
   * Work handed to another thread: returns a wrapper carrying the caller's session, or the task.
   */
  Runnable wrap(Runnable task);

  /** A configured application method ({@code capture.methods}) is entered; returns a handle. */
  Object methodEnter(String className, String method, Object[] args);

  void methodExit(Object handle, Object returned, Throwable thrown);

  /** Hooks that do nothing: in place until the agent has started. */
  Hooks NONE =
      new Hooks() {
        @Override
        public void value(int source, String site, Object value) {}

        @Override
        public void longValue(int source, String site, long value) {}

        @Override
        public Object replayValue(int source, String site) {
          return null;
        }

        @Override
        public Object serverEnter(Object exchange) {
          return null;
        }

        @Override
        public void serverExit(Object handle, Object exchange, Throwable thrown) {}

        @Override
        public boolean containerEnter() {
          return false;
        }

        @Override
        public void containerExit() {}

        @Override
        public Object[] servletEnter(Object request, Object response) {
          return null;
        }

        @Override
        public void servletExit(Object handle, Throwable thrown) {}

        @Override
        public Object[] clientEnter(Object request, boolean async) {
          return null;
        }

        @Override
        public void clientExit(Object handle, Object response, Throwable thrown) {}

        @Override
        public void clientResponse(Object future) {}

        @Override
        public Object urlConnectionEnter(Object connection, boolean output) {
          return null;
        }

        @Override
        public Object urlConnectionExit(
            Object handle, Object connection, Object stream, Throwable thrown) {
          return stream;
        }

        @Override
        public Object jdbcEnter(Object statement, String sql, int operation) {
          return null;
        }

        @Override
        public Object jdbcExit(Object handle, Object statement, Object result, Throwable thrown) {
          return result;
        }

        @Override
        public void jdbcPrepared(Object statement, String sql) {}

        @Override
        public void jdbcParameter(Object statement, int index, Object value) {}

        @Override
        public Object methodEnter(String className, String method, Object[] args) {
          return null;
        }

        @Override
        public void methodExit(Object handle, Object returned, Throwable thrown) {}

        @Override
        public Runnable wrap(Runnable task) {
          return task;
        }
      };
}
