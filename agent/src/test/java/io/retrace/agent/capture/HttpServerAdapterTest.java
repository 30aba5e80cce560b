package io.retrace.agent.capture;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.Headers;
import io.retrace.schemas.event.Header;
import java.net.http.HttpHeaders;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HttpServerAdapterTest {
  private static List<String> pairs(List<Header> headers) {
    List<String> out = new ArrayList<>();
    for (Header h : headers) {
      out.add(h.getName() + ": " + h.getValue());
    }
    return out;
  }

  /** What the event held before: every value of every entry, in the map's iteration order. */
  private static List<String> byEntrySet(Map<String, List<String>> headers) {
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, List<String>> e : headers.entrySet()) {
      for (String v : e.getValue()) {
        out.add(e.getKey() + ": " + v);
      }
    }
    return out;
  }

  @Test
  void everyValueOfEveryHeaderInTheMapsOwnOrder() {
    Map<String, List<String>> headers = new LinkedHashMap<>();
    headers.put("Host", List.of("example:80"));
    headers.put("Accept", List.of("text/plain", "application/json"));
    headers.put("X-empty", List.of());
    headers.put("X-request-id", List.of("r-1"));

    assertThat(pairs(HttpServerAdapter.headers(headers)))
        .containsExactly(
            "Host: example:80",
            "Accept: text/plain",
            "Accept: application/json",
            "X-request-id: r-1");
  }

  @Test
  void sameHeadersAsIteratingTheServersAndTheClientsMaps() {
    Headers server = new Headers();
    server.add("Content-Type", "application/json");
    server.add("Set-Cookie", "a=1");
    server.add("Set-Cookie", "b=2");
    server.add("x-request-id", "r-1");
    Map<String, List<String>> client =
        HttpHeaders.of(
                Map.of("content-type", List.of("text/plain"), "via", List.of("1.1 a", "1.1 b")),
                (name, value) -> true)
            .map();

    for (Map<String, List<String>> headers :
        List.of(server, Collections.unmodifiableMap(server), client)) {
      assertThat(pairs(HttpServerAdapter.headers(headers))).isEqualTo(byEntrySet(headers));
    }
    assertThat(pairs(HttpServerAdapter.headers(server)))
        .contains("Set-cookie: a=1", "Set-cookie: b=2", "X-request-id: r-1");
  }

  @Test
  void firstOfTheCopyIsWhatTheServersHeadersAnswer() {
    Headers server = new Headers();
    server.add("content-TYPE", "application/json");
    server.add("Content-Type", "text/plain");
    server.add("host", "example:8080");
    server.put("X-empty", List.of());
    List<Header> copy = HttpServerAdapter.headers(server);

    // The adapter asks for Host and Content-type, spelt as Headers normalises them.
    assertThat(HttpServerAdapter.first(copy, "Host")).isEqualTo(server.getFirst("HOST"));
    assertThat(HttpServerAdapter.first(copy, "Content-type"))
        .isEqualTo(server.getFirst("Content-Type"))
        .isEqualTo("application/json");
    assertThat(HttpServerAdapter.first(copy, "Missing")).isNull();
    // Java 17's getFirst throws for a header without values; the copy has nothing for it.
    assertThat(HttpServerAdapter.first(copy, "X-empty")).isNull();
  }
}
