package dev.thinly.cli.tools;

import dev.thinly.pdata.error.NotFoundException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Checks shared by the tool commands. */
final class Inputs {
  private Inputs() {}

  /** The path must name something that exists (a file or a device). */
  static Path existing(Path p) {
    if (!Files.exists(p)) {
      throw new NotFoundException("file", p + ": no such file or device");
    }
    if (Files.isDirectory(p)) {
      throw new dev.thinly.pdata.error.InvalidRequestException(p + " is a directory, not metadata");
    }
    return p;
  }

  /** The directory an output goes to must exist. */
  static Path creatable(Path p) {
    Path parent = p.toAbsolutePath().getParent();
    if (parent != null && !Files.isDirectory(parent)) {
      throw new NotFoundException("directory", parent + ": no such directory");
    }
    return p;
  }
}
