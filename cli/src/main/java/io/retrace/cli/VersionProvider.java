package io.retrace.cli;

import picocli.CommandLine.IVersionProvider;

/** Reads the version Maven wrote into the jar manifest. */
final class VersionProvider implements IVersionProvider {
  @Override
  public String[] getVersion() {
    String version = Retrace.class.getPackage().getImplementationVersion();
    return new String[] {"retrace " + (version != null ? version : "(development build)")};
  }
}
