package io.retrace.testkit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * A service's stand-alone jar ({@code java -jar}) on its own small JVM, as an operator runs it: no
 * {@code RETRACE_*} variables but the ones given, stopped with SIGTERM. Output goes to files: a
 * pipe drained by another thread can lose the last lines when the process exits.
 */
public final class ServiceJar implements AutoCloseable {
  private final Process process;
  private final Path stdout;
  private final Path stderr;
  private final HttpClient http = HttpClient.newHttpClient();

  private ServiceJar(Process process, Path stdout, Path stderr) {
    this.process = process;
    this.stdout = stdout;
    this.stderr = stderr;
  }

  /** Starts {@code java -Xmx256m -jar JAR args...}, output in files under {@code dir}. */
  public static ServiceJar start(Path jar, Path dir, Map<String, String> env, String... args)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of("-Xmx256m", "-XX:+UseSerialGC", "-jar", jar.toString()));
    command.addAll(List.of(args));
    Path out = Files.createTempFile(dir, "service", ".out");
    Path err = Files.createTempFile(dir, "service", ".err");
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
    builder.environment().keySet().removeIf(name -> name.startsWith("RETRACE_"));
    builder.environment().putAll(env);
    return new ServiceJar(builder.start(), out, err);
  }

  /** Waits until the service's {@code /health} answers 200. */
  public void awaitHealthy(int port) {
    await()
        .atMost(Duration.ofSeconds(90))
        .failFast("the service exited", () -> !process.isAlive())
        .ignoreExceptionsInstanceOf(IOException.class)
        .until(() -> send(port, "/health").statusCode() == 200);
  }

  /** The body of {@code /metrics}; fails unless it is served as Prometheus text. */
  public String scrapeMetrics(int port) throws Exception {
    HttpResponse<String> response = send(port, "/metrics");
    String type = response.headers().firstValue("Content-Type").orElse("");
    if (response.statusCode() != 200 || !type.startsWith("text/plain; version=0.0.4")) {
      throw new AssertionError(
          "/metrics answered " + response.statusCode() + " with Content-Type '" + type + "'");
    }
    return response.body();
  }

  private HttpResponse<String> send(int port, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** SIGTERM, as a service manager sends it; returns the exit code. */
  public int stop() throws Exception {
    process.destroy();
    return awaitExit();
  }

  public int awaitExit() throws Exception {
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      throw new IllegalStateException("the service did not exit within 60 s:\n" + stdout());
    }
    return process.exitValue();
  }

  public String stdout() throws IOException {
    return Files.readString(stdout, UTF_8);
  }

  public String stderr() throws IOException {
    return Files.readString(stderr, UTF_8);
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }

  /** A port free right now, for a service's metrics endpoint. */
  public static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** The implementations a jar lists in {@code META-INF/services/<service>}; empty if none. */
  public static List<String> services(JarFile jar, String service) throws IOException {
    JarEntry entry = jar.getJarEntry("META-INF/services/" + service);
    if (entry == null) {
      return List.of();
    }
    try (InputStream in = jar.getInputStream(entry)) {
      return new String(in.readAllBytes(), UTF_8)
          .lines()
          .map(String::strip)
          .filter(line -> !line.isEmpty() && !line.startsWith("#"))
          .toList();
    }
  }
}
