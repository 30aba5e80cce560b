package io.retrace.agent;

/**
 * Makes the agent's class loader the current thread's context class loader until closed. Kafka's
 * clients load the classes their configuration names (the JMX metrics reporter, partitioners, login
 * modules) through the context class loader, and their own threads inherit it from the thread that
 * makes them; the application's threads, which start the agent, have the application class loader
 * as theirs, which does not see the agent's classes. Use it around making a Kafka client: {@code
 * try (AgentContext ignored = AgentContext.enter()) { ... }}.
 */
public final class AgentContext implements AutoCloseable {
  private final Thread thread;
  private final ClassLoader previous;

  private AgentContext(Thread thread) {
    this.thread = thread;
    this.previous = thread.getContextClassLoader();
    thread.setContextClassLoader(AgentContext.class.getClassLoader());
  }

  public static AgentContext enter() {
    return new AgentContext(Thread.currentThread());
  }

  @Override
  public void close() {
    thread.setContextClassLoader(previous);
  }
}
