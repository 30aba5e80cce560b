package io.retrace.agent;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;

/**
 * A service whose {@code POST /relay} sends the body it receives on to its own {@code /echo}: with
 * {@code java.net.http.HttpClient} from memory ({@code BodyPublishers.ofByteArray}), from a stream
 * ({@code ofInputStream}) and from a file ({@code ofFile}, through {@code sendAsync}), and with
 * {@code HttpURLConnection} (written to {@code getOutputStream}); {@code POST /unreachable} sends
 * with {@code sendAsync} to a port nothing listens on. Main argument: the port (0 for any).
 */
public final class RelayService {
  private RelayService() {}

  public static void main(String[] args) throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress("127.0.0.1", Integer.parseInt(args[0])), 0);
    String echo = "http://127.0.0.1:" + server.getAddress().getPort() + "/echo?via=";
    HttpClient client = HttpClient.newHttpClient();
    server.createContext("/echo", ex -> respond(ex, ex.getRequestBody().readAllBytes()));
    server.createContext(
        "/relay",
        ex -> {
          byte[] body = ex.getRequestBody().readAllBytes();
          try {
            client.send(
                HttpRequest.newBuilder(URI.create(echo + "client"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
            client.send(
                HttpRequest.newBuilder(URI.create(echo + "stream"))
                    .header("Content-Type", "application/json")
                    .POST(
                        HttpRequest.BodyPublishers.ofInputStream(
                            () -> new ByteArrayInputStream(body)))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
            Path file = Files.createTempFile("relay", ".json");
            Files.write(file, body);
            client
                .sendAsync(
                    HttpRequest.newBuilder(URI.create(echo + "file"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofFile(file))
                        .build(),
                    HttpResponse.BodyHandlers.ofString())
                .join();
            Files.delete(file);
            HttpURLConnection connection =
                (HttpURLConnection) URI.create(echo + "connection").toURL().openConnection();
            connection.setDoOutput(true);
            connection.setRequestProperty("Content-Type", "application/json");
            connection.setRequestProperty("X-Via", "connection");
            try (OutputStream out = connection.getOutputStream()) {
              out.write(body);
            }
            connection.getInputStream().readAllBytes();
            respond(ex, "\"relayed\"".getBytes());
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ex.sendResponseHeaders(500, -1);
          }
        });
    server.createContext(
        "/unreachable",
        ex -> {
          // sendAsync to a port nothing listens on; answers with the cause join() gives.
          int closed;
          try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
          }
          Throwable failure =
              client
                  .sendAsync(
                      HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + closed + "/gone"))
                          .build(),
                      HttpResponse.BodyHandlers.ofString())
                  .handle((response, error) -> error)
                  .join();
          Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
          respond(
              ex, ("\"" + (cause == null ? "none" : cause.getClass().getName()) + "\"").getBytes());
        });
    // Its own pool: /relay waits for /echo on the same server.
    server.setExecutor(Executors.newFixedThreadPool(4));
    server.start();
    System.out.println("relay listening on port " + server.getAddress().getPort());
  }

  private static void respond(HttpExchange ex, byte[] body) throws IOException {
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(200, body.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(body);
    }
  }
}
