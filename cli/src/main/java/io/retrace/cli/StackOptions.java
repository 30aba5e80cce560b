package io.retrace.cli;

import picocli.CommandLine.Option;

/**
 * Where a command finds Kafka and the schema registry; defaults are those of {@code retrace up}.
 */
final class StackOptions {
  @Option(
      names = "--bootstrap",
      defaultValue = "127.0.0.1:9092",
      description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}).")
  String bootstrap;

  @Option(
      names = "--registry",
      defaultValue = "http://127.0.0.1:8081",
      description = "Schema registry URL (default: ${DEFAULT-VALUE}).")
  String registry;
}
