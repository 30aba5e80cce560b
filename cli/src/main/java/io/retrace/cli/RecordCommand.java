package io.retrace.cli;

import io.retrace.schemas.topic.RecordingIds;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code retrace record -- java ...}: runs a JVM with the agent attached, recording from start. */
@Command(
    name = "record",
    mixinStandardHelpOptions = true,
    description = {
      "Run a Java command with the Retrace agent attached, recording from start-up.",
      "Example: retrace record --service orders -- java -jar orders.jar",
      "Events go to the stack of `retrace up` (--bootstrap/--registry), or to --out FILE."
    })
final class RecordCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin StackOptions stack;

  @Option(names = "--recording", description = "Recording id (default: rec-<date>-<time>).")
  String recording;

  @Option(
      names = "--service",
      defaultValue = "app",
      description = "Service name (default: ${DEFAULT-VALUE}).")
  String service;

  @Option(names = "--out", description = "Write events to this Avro file instead of Kafka.")
  Path out;

  @Option(
      names = "--agent-option",
      description = "Further agent option k=v (repeatable), e.g. capture.methods=com.acme.A#b.")
  List<String> agentOptions = new ArrayList<>();

  @Option(
      names = "--agent-jar",
      description = "The agent jar (default: agent/target/retrace-agent.jar under retrace.home).")
  Path agentJar;

  @Parameters(arity = "1..*", paramLabel = "COMMAND", description = "The java command to run.")
  List<String> command;

  @Override
  public Integer call() throws Exception {
    Path jar = agentJar != null ? agentJar : defaultAgentJar();
    if (!Files.isRegularFile(jar)) {
      throw new IllegalArgumentException(
          "agent jar "
              + jar
              + " not found: build it with ./mvnw -pl agent -am package, or pass --agent-jar");
    }
    if (command.isEmpty() || !Path.of(command.get(0)).getFileName().toString().startsWith("java")) {
      throw new IllegalArgumentException(
          "the command must start with java, e.g. -- java -jar app.jar");
    }
    String id =
        recording != null
            ? RecordingIds.requireValid(recording)
            : "rec-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    List<String> args = new ArrayList<>();
    args.add("service=" + service);
    args.add("recording=" + id);
    if (out != null) {
      args.add("out=" + out.toAbsolutePath());
    } else {
      args.add("bootstrap=" + stack.bootstrap);
      args.add("registry=" + stack.registry);
    }
    args.addAll(agentOptions);
    List<String> full = new ArrayList<>();
    full.add(command.get(0));
    full.add("-javaagent:" + jar.toAbsolutePath() + "=" + String.join(",", args));
    full.addAll(command.subList(1, command.size()));
    spec.commandLine()
        .getErr()
        .println(
            "retrace: recording " + id + (out != null ? " to " + out : " to " + stack.bootstrap));
    spec.commandLine().getErr().flush();
    Process process = new ProcessBuilder(full).inheritIO().start();
    return process.waitFor();
  }

  static Path defaultAgentJar() {
    String home = System.getProperty("retrace.home", ".");
    return Path.of(home, "agent", "target", "retrace-agent.jar");
  }
}
