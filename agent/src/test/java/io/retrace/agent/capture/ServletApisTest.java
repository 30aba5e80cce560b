package io.retrace.agent.capture;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.http.HttpServletRequest;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServletApisTest {
  private static final String HELPERS = "io.retrace.agent.servlet.";

  /**
   * A servlet API in a class loader of its own, as in a WAR or a Spring Boot jar: the helpers
   * extend that API's classes, and speak to the agent through the agent's own types.
   */
  @Test
  void helpersLinkAgainstTheApplicationsServletApiAndTheAgentsTypes() throws Exception {
    URL api = HttpServletRequest.class.getProtectionDomain().getCodeSource().getLocation();
    try (URLClassLoader application =
        new URLClassLoader(new URL[] {api}, ClassLoader.getPlatformClassLoader())) {
      Class<?> request = application.loadClass("jakarta.servlet.http.HttpServletRequest");
      assertThat(request).isNotSameAs(HttpServletRequest.class);

      ClassLoader helpers =
          new ServletApis.HelperLoader(application, ServletApis.class.getClassLoader(), false);
      Class<?> implementation = Class.forName(HELPERS + "JakartaServletApi", true, helpers);
      Class<?> wrapper = Class.forName(HELPERS + "RecordingRequest", true, helpers);

      assertThat(implementation.getClassLoader()).isSameAs(helpers);
      assertThat(implementation.getDeclaredConstructor().newInstance())
          .isInstanceOf(ServletApi.class);
      assertThat(request.isAssignableFrom(wrapper)).isTrue();
      assertThat(wrapper.getSuperclass().getClassLoader()).isSameAs(application);
    }
  }

  /** Servlet 4 and earlier: the same helpers, renamed to javax.servlet as they are defined. */
  @Test
  void helpersRenamedToJavaxLinkAgainstAServlet4Api() throws Exception {
    URL api =
        javax.servlet.http.HttpServletRequest.class
            .getProtectionDomain()
            .getCodeSource()
            .getLocation();
    try (URLClassLoader application =
        new URLClassLoader(new URL[] {api}, ClassLoader.getPlatformClassLoader())) {
      Class<?> request = application.loadClass("javax.servlet.http.HttpServletRequest");
      ClassLoader helpers =
          new ServletApis.HelperLoader(application, ServletApis.class.getClassLoader(), true);
      for (String helper :
          List.of(
              "JakartaServletApi",
              "RecordingRequest",
              "RecordingResponse",
              "TeeInputStream",
              "TeeOutputStream",
              "CompletionListener")) {
        // Linking verifies each helper against the javax types it now names.
        Class<?> type = Class.forName(HELPERS + helper, true, helpers);
        assertThat(type.getDeclaredMethods()).isNotEmpty();
      }
      Class<?> wrapper = Class.forName(HELPERS + "RecordingRequest", true, helpers);
      assertThat(request.isAssignableFrom(wrapper)).isTrue();
      assertThat(
              Class.forName(HELPERS + "JakartaServletApi", true, helpers)
                  .getDeclaredConstructor()
                  .newInstance())
          .isInstanceOf(ServletApi.class);
    }
  }

  @Test
  void findsAnInterfaceThroughSuperclassesAndSuperinterfaces() {
    assertThat(ServletApis.find(ArrayList.class, "java.util.Collection"))
        .isSameAs(Collection.class);
    assertThat(ServletApis.find(String.class, "java.util.Collection")).isNull();
  }

  @Test
  void anObjectThatIsNoServletRequestHasNoApi() {
    assertThat(new ServletApis(ServletApis.class.getClassLoader()).of("not a request")).isNull();
  }
}
