package io.retrace.agent.capture;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.http.HttpServletRequest;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.Collection;
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
          new ServletApis.HelperLoader(application, ServletApis.class.getClassLoader());
      Class<?> implementation = Class.forName(HELPERS + "JakartaServletApi", true, helpers);
      Class<?> wrapper = Class.forName(HELPERS + "RecordingRequest", true, helpers);

      assertThat(implementation.getClassLoader()).isSameAs(helpers);
      assertThat(implementation.getDeclaredConstructor().newInstance())
          .isInstanceOf(ServletApi.class);
      assertThat(request.isAssignableFrom(wrapper)).isTrue();
      assertThat(wrapper.getSuperclass().getClassLoader()).isSameAs(application);
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
