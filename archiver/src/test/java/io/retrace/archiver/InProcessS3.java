package io.retrace.archiver;

import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;

/** An S3 API in this JVM (s3proxy, in-memory), with signature checking on. */
final class InProcessS3 implements AutoCloseable {
  static final String ACCESS_KEY = "retrace-access";
  static final String SECRET_KEY = "retrace-secret";

  private final S3Proxy proxy;
  private final BlobStore store = new TransientNio2BlobStore();

  InProcessS3() throws Exception {
    proxy =
        S3Proxy.builder()
            .blobStore(store)
            .endpoint(URI.create("http://127.0.0.1:0"))
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
            .build();
    proxy.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> "STARTED".equals(proxy.getState()));
  }

  int port() {
    return proxy.getPort();
  }

  String endpoint() {
    return "http://127.0.0.1:" + port();
  }

  BlobStore store() {
    return store;
  }

  void createBucket(String bucket) {
    store.createContainer(bucket);
  }

  @Override
  public void close() {
    try {
      proxy.stop();
    } catch (Exception e) {
      throw new IllegalStateException("Stopping s3proxy failed", e);
    }
  }
}
