package io.retrace.stack;

/**
 * A pipeline stage that runs inside the embedded stack (ingest, archiver). The stack starts
 * components in order once the broker and registry are up, and closes them in reverse order.
 */
public interface StackComponent extends AutoCloseable {
  /** A short name for logs, e.g. {@code ingest}. */
  String name();

  void start(StackContext context) throws Exception;

  @Override
  void close() throws Exception;
}
