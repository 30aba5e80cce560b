package io.retrace.examples.servlet;

import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * The catalog servlet on embedded Jetty 12 (EE10, Servlet 6.0). Usage: {@code JettyCatalogService
 * [port]} (0 picks a free port); prints {@code catalog service on Jetty listening on port N} when
 * ready. Its class path: the examples jar, H2, {@code jetty-ee10-servlet} and what it depends on
 * ({@code jakarta.servlet-api}, {@code jetty-server}, {@code slf4j-api}, ...).
 */
public final class JettyCatalogService {
  private JettyCatalogService() {}

  public static void main(String[] args) throws Exception {
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(args.length > 0 ? Integer.parseInt(args[0]) : 8080);
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/");
    ServletHolder servlet =
        new ServletHolder("catalog", new CatalogServlet(CatalogServlet.openDatabase()));
    servlet.setAsyncSupported(true);
    context.addServlet(servlet, "/catalog/*");
    server.setHandler(context);
    server.start();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    server.stop();
                  } catch (Exception e) {
                    e.printStackTrace();
                  }
                }));
    System.out.println("catalog service on Jetty listening on port " + connector.getLocalPort());
  }
}
