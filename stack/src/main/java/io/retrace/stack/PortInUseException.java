package io.retrace.stack;

/** A port the stack was asked to listen on is already taken by another process. */
public final class PortInUseException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int port;

  public PortInUseException(String what, String host, int port, Throwable cause) {
    super(
        what
            + " port "
            + port
            + " on "
            + host
            + " is already in use: stop what holds it or choose another port",
        cause);
    this.port = port;
  }

  public int port() {
    return port;
  }
}
