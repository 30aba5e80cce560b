package io.retrace.cli;

import io.retrace.stack.PortInUseException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Turns failures the user can act on (a port in use, a bad argument) into one clear line and exit
 * code 2; anything else also gets its stack trace, since it is a bug.
 */
final class ErrorHandler implements IExecutionExceptionHandler {
  static final int EXIT_ERROR = 2;

  @Override
  public int handleExecutionException(Exception e, CommandLine cmd, ParseResult parsed) {
    if (e instanceof PortInUseException || e instanceof IllegalArgumentException) {
      cmd.getErr().println("retrace: " + e.getMessage());
    } else {
      cmd.getErr().println("retrace: " + e);
      e.printStackTrace(cmd.getErr());
    }
    return EXIT_ERROR;
  }
}
