package io.retrace.schemas.control;

import io.retrace.schemas.event.CaptureCommand;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;

/**
 * Signs and verifies break-glass {@link CaptureCommand}s: HMAC-SHA256 with a key shared by the
 * issuer ({@code retrace capture start}) and the agents, over the command's Avro binary encoding
 * with an empty signature — so every field, scope and expiry included, is covered.
 */
public final class CommandSigner {
  private static final String ALGORITHM = "HmacSHA256";

  /** Shorter keys are refused: they would make signatures guessable. */
  public static final int MIN_KEY_BYTES = 16;

  private final SecretKeySpec key;

  public CommandSigner(byte[] key) {
    if (key == null || key.length < MIN_KEY_BYTES) {
      throw new IllegalArgumentException(
          "the capture command key must have at least " + MIN_KEY_BYTES + " bytes");
    }
    this.key = new SecretKeySpec(key.clone(), ALGORITHM);
  }

  /** A copy of {@code command} carrying its signature. */
  public CaptureCommand sign(CaptureCommand command) {
    CaptureCommand signed = CaptureCommand.newBuilder(command).build();
    signed.setSignature(ByteBuffer.wrap(mac(command)));
    return signed;
  }

  /** Whether the signature matches the rest of the command; compared in constant time. */
  public boolean verify(CaptureCommand command) {
    ByteBuffer signature = command.getSignature();
    if (signature == null) {
      return false;
    }
    byte[] given = new byte[signature.remaining()];
    signature.duplicate().get(given);
    return MessageDigest.isEqual(given, mac(command));
  }

  private byte[] mac(CaptureCommand command) {
    CaptureCommand unsigned = CaptureCommand.newBuilder(command).build();
    unsigned.setSignature(ByteBuffer.allocate(0));
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
      BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
      new SpecificDatumWriter<>(CaptureCommand.class).write(unsigned, encoder);
      encoder.flush();
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(key);
      return mac.doFinal(bytes.toByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }
}
