package io.retrace.testkit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The example order service on its own JVM with the packaged agent jar attached, as a user runs it.
 * The agent jar and the example's class path come from the system properties {@code
 * retrace.agent.jar} and {@code retrace.examples.classpath} (set by the module's failsafe
 * configuration). Output goes to a file: a pipe read by another thread loses its last lines when
 * the JDK closes it at exit.
 */
public final class AgentProcess implements AutoCloseable {
  /** A service that hangs fails its test instead of hanging the build. */
  private static final Duration ANSWER_WITHIN = Duration.ofSeconds(60);

  private static final Pattern READY = Pattern.compile("listening on port (\\d+)");

  private final Process process;
  private final Path log;
  private final int port;
  private final HttpClient http = HttpClient.newHttpClient();

  private AgentProcess(Process process, Path log, int port) {
    this.process = process;
    this.log = log;
    this.port = port;
  }

  /** Starts the order service with {@code -javaagent:retrace-agent.jar=<agentArgs>}. */
  public static AgentProcess start(Path workDir, String agentArgs, String... jvmOptions)
      throws IOException {
    return start(
        workDir,
        Path.of(System.getProperty("java.home")),
        agentArgs,
        List.of(),
        "io.retrace.examples.orders.OrdersService",
        jvmOptions);
  }

  /**
   * Like {@link #start(Path, String, String...)} on the JDK in {@code javaHome}, with {@code
   * extraClasspath} before the example's and another main class, which must start the order service
   * (and so print its port).
   */
  public static AgentProcess start(
      Path workDir,
      Path javaHome,
      String agentArgs,
      List<String> extraClasspath,
      String mainClass,
      String... jvmOptions)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(javaHome.resolve("bin").resolve("java").toString());
    command.add("-Xmx256m");
    command.addAll(List.of(jvmOptions));
    command.add("-javaagent:" + System.getProperty("retrace.agent.jar") + "=" + agentArgs);
    command.add("-cp");
    List<String> classpath = new ArrayList<>(extraClasspath);
    classpath.add(System.getProperty("retrace.examples.classpath"));
    command.add(String.join(java.io.File.pathSeparator, classpath));
    command.add(mainClass);
    command.add("0");
    Path log = Files.createTempFile(workDir, "app", ".log");
    Process process =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    int[] port = new int[1];
    await()
        .atMost(Duration.ofSeconds(60))
        .failFast("the service exited: " + log, () -> !process.isAlive())
        .until(
            () -> {
              Matcher m = READY.matcher(Files.readString(log, UTF_8));
              if (m.find()) {
                port[0] = Integer.parseInt(m.group(1));
                return true;
              }
              return false;
            });
    return new AgentProcess(process, log, port[0]);
  }

  public HttpResponse<String> post(String path, String requestId, String json) throws Exception {
    return send(
        HttpRequest.newBuilder(uri(path))
            .timeout(ANSWER_WITHIN)
            .header("X-Request-Id", requestId)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build());
  }

  public HttpResponse<String> get(String path, String requestId) throws Exception {
    return send(
        HttpRequest.newBuilder(uri(path))
            .timeout(ANSWER_WITHIN)
            .header("X-Request-Id", requestId)
            .GET()
            .build());
  }

  private HttpResponse<String> send(HttpRequest request) throws Exception {
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  public String output() throws IOException {
    return Files.readString(log, UTF_8);
  }

  /** SIGTERM, as a service manager would; the agent flushes in its shutdown hook. */
  public int stop() throws Exception {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("service did not stop within 30 s:\n" + output());
    }
    return process.exitValue();
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }
}
