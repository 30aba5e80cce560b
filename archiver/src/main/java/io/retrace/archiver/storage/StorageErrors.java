package io.retrace.archiver.storage;

import java.nio.file.AccessDeniedException;
import java.util.Locale;
import org.apache.parquet.crypto.ParquetCryptoRuntimeException;

/**
 * The one place that sorts storage failures: fatal ones (wrong credentials, no such bucket, bad
 * encryption keys) stop the archiver with a clear message because retrying cannot help; anything
 * else (5xx, throttling, timeouts, connection resets) is retried with backoff.
 */
public final class StorageErrors {
  private StorageErrors() {}

  public static boolean isFatal(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof AccessDeniedException || t instanceof ParquetCryptoRuntimeException) {
        return true;
      }
      String type = t.getClass().getSimpleName();
      if (type.equals("UnknownStoreException") || type.equals("KeyAccessDeniedException")) {
        return true;
      }
      String message = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
      if (message.contains("nosuchbucket")
          || message.contains("invalidaccesskeyid")
          || message.contains("signaturedoesnotmatch")
          || message.contains("access denied")
          || message.contains("403 forbidden")) {
        return true;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }

  /** What to tell the user about a fatal failure: the innermost message that says something. */
  public static String describe(Throwable failure) {
    StringBuilder out = new StringBuilder(String.valueOf(failure.getMessage()));
    Throwable root = failure;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    if (root != failure && root.getMessage() != null) {
      out.append(" (").append(root.getClass().getSimpleName()).append(": ");
      out.append(root.getMessage()).append(')');
    }
    return out.toString();
  }
}
