package dev.thinly.cli.pool;

import dev.thinly.cli.format.JsonOutput;
import dev.thinly.cli.access.PoolAccess;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** What every pool and volume command has: {@code --pool}, its output streams, the pool. */
abstract class PoolCommandBase implements Callable<Integer> {
  @Mixin PoolOption pool;

  @Spec CommandSpec spec;

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  PrintWriter err() {
    return spec.commandLine().getErr();
  }

  /** Opens the pool for this command; notices from the pool go to stderr as they happen. */
  PoolAccess openPool() {
    return PoolAccess.open(pool.dir(), spec.qualifiedName(" "), notices());
  }

  PoolAccess.Notices notices() {
    PrintWriter err = err();
    return (warning, message) -> {
      synchronized (err) {
        err.println("thinly: " + (warning ? "warning: " : "") + message);
        err.flush();
      }
    };
  }

  void printJson(Object value) {
    JsonOutput.print(out(), value);
  }
}
