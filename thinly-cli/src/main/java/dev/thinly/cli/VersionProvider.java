package dev.thinly.cli;

import picocli.CommandLine;

/** Reports the version stamped into the jar manifest at build time. */
final class VersionProvider implements CommandLine.IVersionProvider {
  @Override
  public String[] getVersion() {
    String version = Main.class.getPackage().getImplementationVersion();
    return new String[] {
      "thinly " + (version == null ? "(development build)" : version),
      "metadata format: Linux dm-thin v2",
      "java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")"
    };
  }
}
