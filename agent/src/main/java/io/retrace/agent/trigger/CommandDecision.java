package io.retrace.agent.trigger;

import io.retrace.schemas.control.CommandSigner;
import io.retrace.schemas.event.CaptureCommand;
import io.retrace.schemas.event.CaptureScope;
import java.time.Instant;

/**
 * Whether this agent acts on a break-glass command, and why (not). Checked in order: signature,
 * expiry, scope. The reason goes into the audit record.
 *
 * @param audited false for commands addressed to another service, which this agent ignores silently
 *     (every agent of the fleet sees every command)
 */
public record CommandDecision(boolean accepted, boolean audited, String reason) {

  static CommandDecision decide(
      CaptureCommand command,
      Instant now,
      CommandSigner signer,
      String service,
      String host,
      String pod) {
    CaptureScope scope = command.getScope();
    if (scope == null || !service.equals(scope.getService())) {
      return new CommandDecision(false, false, "for another service");
    }
    if (signer == null) {
      return new CommandDecision(false, true, "this agent has no control.key to verify commands");
    }
    if (!signer.verify(command)) {
      return new CommandDecision(false, true, "signature does not verify");
    }
    if (!now.isBefore(command.getExpiresMicros())) {
      return new CommandDecision(false, true, "expired at " + command.getExpiresMicros());
    }
    if (!scope.getHosts().isEmpty() && !scope.getHosts().contains(host)) {
      return new CommandDecision(false, true, "host " + host + " is not in scope");
    }
    if (!scope.getPods().isEmpty() && !scope.getPods().contains(pod)) {
      return new CommandDecision(false, true, "pod " + pod + " is not in scope");
    }
    return new CommandDecision(true, true, "accepted");
  }
}
