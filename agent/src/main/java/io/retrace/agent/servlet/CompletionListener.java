package io.retrace.agent.servlet;

import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import java.util.function.Consumer;

/**
 * Tells the agent when an asynchronous request is complete — after a timeout or an error too, since
 * the container then completes it — with the error the container reported, if any. Follows the
 * request into a new asynchronous cycle.
 */
final class CompletionListener implements AsyncListener {
  private final Consumer<Throwable> done;
  private volatile Throwable error;

  CompletionListener(Consumer<Throwable> done) {
    this.done = done;
  }

  @Override
  public void onComplete(AsyncEvent event) {
    done.accept(error);
  }

  @Override
  public void onError(AsyncEvent event) {
    error = event.getThrowable();
  }

  @Override
  public void onTimeout(AsyncEvent event) {
    // The container answers the timeout (an error dispatch, then completion): onComplete follows.
  }

  @Override
  public void onStartAsync(AsyncEvent event) {
    event.getAsyncContext().addListener(this);
  }
}
