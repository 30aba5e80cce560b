package io.retrace.schemas.control;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.retrace.schemas.event.CaptureAction;
import io.retrace.schemas.event.CaptureCommand;
import io.retrace.schemas.event.CaptureScope;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class CommandSignerTest {
  private final CommandSigner signer =
      new CommandSigner("a-shared-key-of-32-bytes-length!".getBytes(UTF_8));

  static CaptureCommand command() {
    return CaptureCommand.newBuilder()
        .setCommandId("cmd-1")
        .setRecordingId("inc-42")
        .setAction(CaptureAction.START)
        .setScope(
            CaptureScope.newBuilder()
                .setService("checkout")
                .setPods(List.of("checkout-7d9f"))
                .setCorrelationIds(List.of("req-9"))
                .build())
        .setWindowMillis(60_000)
        .setIssuedMicros(Instant.parse("2026-11-28T10:00:00Z"))
        .setExpiresMicros(Instant.parse("2026-11-28T10:05:00Z"))
        .setRequestedBy("sre@example.com")
        .setReason("INC-42 checkout errors")
        .setSignature(ByteBuffer.allocate(0))
        .build();
  }

  @Test
  void aSignedCommandVerifies() {
    CaptureCommand signed = signer.sign(command());

    assertThat(signed.getSignature().remaining()).isEqualTo(32);
    assertThat(signer.verify(signed)).isTrue();
  }

  @Test
  void anyChangedFieldBreaksTheSignature() {
    CaptureCommand signed = signer.sign(command());

    CaptureCommand widened = CaptureCommand.newBuilder(signed).build();
    widened.getScope().setPods(List.of());
    CaptureCommand extended = CaptureCommand.newBuilder(signed).build();
    extended.setExpiresMicros(Instant.parse("2026-11-29T10:05:00Z"));

    assertThat(signer.verify(widened)).isFalse();
    assertThat(signer.verify(extended)).isFalse();
  }

  @Test
  void anotherKeysSignatureDoesNotVerify() {
    CaptureCommand forged =
        new CommandSigner("an-attackers-own-key-of-32-bytes".getBytes(UTF_8)).sign(command());

    assertThat(signer.verify(forged)).isFalse();
    assertThat(signer.verify(command())).as("unsigned").isFalse();
  }

  @Test
  void refusesShortKeys() {
    assertThatThrownBy(() -> new CommandSigner("short".getBytes(UTF_8)))
        .hasMessageContaining("at least 16 bytes");
  }
}
