package io.retrace.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code retrace} command: one entry point for the stack, recording, querying and replay. */
@Command(
    name = "retrace",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Record what a JVM service does, archive it, and replay it against a new build.",
    subcommands = {
      UpCommand.class,
      RecordCommand.class,
      CaptureCommands.class,
      RetentionCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Retrace {

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The configured command line, shared by {@link #main} and tests. */
  static CommandLine commandLine() {
    return new CommandLine(new Retrace())
        .setExecutionExceptionHandler(new ErrorHandler())
        .setCaseInsensitiveEnumValuesAllowed(true);
  }
}
