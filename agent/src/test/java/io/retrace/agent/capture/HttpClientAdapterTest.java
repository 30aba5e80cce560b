package io.retrace.agent.capture;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Flow;
import org.junit.jupiter.api.Test;

class HttpClientAdapterTest {
  /** What a client would send, read the way the JDK's client reads a publisher. */
  private static String send(HttpRequest.BodyPublisher publisher, boolean complete) {
    List<Byte> sent = new ArrayList<>();
    publisher.subscribe(
        new Flow.Subscriber<ByteBuffer>() {
          private Flow.Subscription subscription;

          @Override
          public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(1);
          }

          @Override
          public void onNext(ByteBuffer item) {
            while (item.hasRemaining()) {
              sent.add(item.get());
            }
            if (complete) {
              subscription.request(1);
            } else {
              subscription.cancel();
            }
          }

          @Override
          public void onError(Throwable throwable) {}

          @Override
          public void onComplete() {}
        });
    byte[] bytes = new byte[sent.size()];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = sent.get(i);
    }
    return new String(bytes, UTF_8);
  }

  @Test
  void theTeeCopiesWhatTheClientSendsWithoutTakingItFromTheClient() {
    byte[] body = "{\"order\":7}".getBytes(UTF_8);
    HttpClientAdapter.TeePublisher tee =
        new HttpClientAdapter.TeePublisher(
            HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)), 64);

    assertThat(send(tee, true)).isEqualTo("{\"order\":7}");
    assertThat(tee.completed.toBody("application/json").getBytes())
        .isEqualTo(ByteBuffer.wrap(body));
    assertThat(tee.contentLength()).isEqualTo(-1);
  }

  @Test
  void aSubscriptionThatDoesNotCompleteLeavesTheLastCompleteCopy() {
    HttpClientAdapter.TeePublisher tee =
        new HttpClientAdapter.TeePublisher(
            HttpRequest.BodyPublishers.ofString("first body, sent whole"), 8);

    send(tee, true);
    BoundedCopy first = tee.completed;
    send(tee, false);

    assertThat(tee.completed).isSameAs(first);
    assertThat(first.toBody(null).getTruncated()).isTrue();
    assertThat(first.toBody(null).getOriginalSize()).isEqualTo(22);
  }
}
