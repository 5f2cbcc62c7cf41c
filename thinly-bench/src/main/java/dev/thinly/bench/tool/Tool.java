package dev.thinly.bench.tool;

import java.util.Arrays;

/**
 * The in-process parts of the benchmark suite, one sub-command per job; {@code bench/run} calls
 * them. Usage: {@code java -cp thinly-bench/target/benchmarks.jar dev.thinly.bench.tool.Tool
 * COMMAND key=value...}.
 */
public final class Tool {
  private Tool() {}

  public static void main(String[] argv) throws Exception {
    if (argv.length == 0) {
      System.err.println("usage: Tool chain|clones|snapshot-times|open-cost|check-metadata|commit-cost|plot key=value...");
      System.exit(2);
    }
    Args a = new Args(Arrays.copyOfRange(argv, 1, argv.length));
    switch (argv[0]) {
      case "chain" -> SnapshotChain.run(a);
      case "clones" -> Clones.run(a);
      case "snapshot-times" -> SnapshotTimes.run(a);
      case "open-cost" -> OpenCost.run(a);
      case "check-metadata" -> CheckMetadata.run(a);
      case "commit-cost" -> CommitCost.run(a);
      case "read-latency" -> ReadLatency.run(a);
      case "plot" -> Plot.run(a);
      default -> {
        System.err.println("unknown command " + argv[0]);
        System.exit(2);
      }
    }
    // the pool's commit thread is a daemon; nothing else keeps the JVM alive
  }
}
