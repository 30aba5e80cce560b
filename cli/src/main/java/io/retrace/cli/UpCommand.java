package io.retrace.cli;

import io.retrace.stack.EmbeddedStack;
import io.retrace.stack.StackConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code retrace up}: runs the embedded stack in the foreground until Ctrl-C or SIGTERM. */
@Command(
    name = "up",
    mixinStandardHelpOptions = true,
    description = {
      "Start the embedded stack: a Kafka broker (KRaft), the schema registry, and the pipeline.",
      "Data lives under the data dir, so starting again on the same dir keeps every recording."
    })
final class UpCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--data-dir",
      defaultValue = "retrace-data",
      description = "Where the broker log and the archive live (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(
      names = "--host",
      defaultValue = StackConfig.DEFAULT_HOST,
      description = "Address to listen on and advertise (default: ${DEFAULT-VALUE}).")
  String host;

  @Option(
      names = "--kafka-port",
      defaultValue = "9092",
      description = "Kafka client port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
  int kafkaPort;

  @Option(
      names = "--registry-port",
      defaultValue = "8081",
      description = "Schema registry HTTP port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
  int registryPort;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    StackConfig config = new StackConfig(dataDir, host, kafkaPort, registryPort);
    out.println("Starting Retrace in " + config.dataDir() + " ...");
    out.flush();
    CountDownLatch stop = new CountDownLatch(1);
    Signals.onTermination(stop::countDown);
    try (EmbeddedStack stack =
        EmbeddedStack.start(config, List.of(new IngestStage(), new ArchiverStage()))) {
      out.println("Retrace is up.");
      out.println("  Kafka bootstrap servers: " + stack.bootstrapServers());
      out.println("  Schema registry:         " + stack.registryUrl());
      out.println("  Archive:                 " + config.archiveDir());
      out.println("Press Ctrl-C to stop.");
      out.flush();
      stop.await();
      out.println("Stopping Retrace ...");
      out.flush();
    }
    out.println("Stopped.");
    out.flush();
    return 0;
  }
}
