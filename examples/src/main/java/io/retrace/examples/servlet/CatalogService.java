package io.retrace.examples.servlet;

import java.nio.file.Files;
import org.apache.catalina.Context;
import org.apache.catalina.Wrapper;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;

/**
 * The catalog servlet on embedded Tomcat 11. Usage: {@code CatalogService [port]} (0 picks a free
 * port); prints {@code catalog service on Tomcat listening on port N} when ready. Its class path:
 * the examples jar, H2, {@code tomcat-embed-core} and {@code tomcat-annotations-api}.
 */
public final class CatalogService {
  private CatalogService() {}

  public static void main(String[] args) throws Exception {
    Tomcat tomcat = new Tomcat();
    tomcat.setBaseDir(Files.createTempDirectory("catalog-tomcat").toString());
    Connector connector = new Connector();
    connector.setPort(args.length > 0 ? Integer.parseInt(args[0]) : 8080);
    connector.setProperty("address", "127.0.0.1");
    tomcat.setConnector(connector);
    Context context = tomcat.addContext("", null);
    Wrapper servlet =
        Tomcat.addServlet(context, "catalog", new CatalogServlet(CatalogServlet.openDatabase()));
    servlet.setAsyncSupported(true);
    context.addServletMappingDecoded("/catalog/*", "catalog");
    tomcat.start();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    tomcat.stop();
                    tomcat.destroy();
                  } catch (Exception e) {
                    e.printStackTrace();
                  }
                }));
    System.out.println("catalog service on Tomcat listening on port " + connector.getLocalPort());
  }
}
