package dev.thinly.cli;

import dev.thinly.cli.format.SizeConverter;
import dev.thinly.pdata.error.NotFoundException;
import dev.thinly.thin.tools.Message;
import dev.thinly.thin.tools.PoolMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code thinly message}: the kernel's thin-pool messages, applied to offline metadata. */
@Command(
    name = "message",
    mixinStandardHelpOptions = true,
    description = {
      "Applies one thin-pool message to offline metadata, as one committed transaction (what"
          + " 'dmsetup message POOL 0 ...' does to a live pool).",
      "Messages:",
      "  create_thin ID                  a new, empty thin device (ID 0..16777215)",
      "  create_snap ID ORIGIN           a snapshot of ORIGIN",
      "  delete ID                       delete a device",
      "  set_transaction_id OLD NEW      change the transaction id if it is OLD",
      "  reserve_metadata_snap           take the metadata snapshot",
      "  release_metadata_snap           drop it"
    },
    footer = {"", "Example:", "  thinly message pool.meta create_snap 1 0"})
final class MessageCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "METADATA", description = "Metadata file or device.")
  Path metadata;

  @Parameters(
      index = "1..*",
      arity = "1..*",
      paramLabel = "MESSAGE",
      description = "The message and its arguments.")
  List<String> words;

  @Option(
      names = "--cache",
      paramLabel = "SIZE",
      converter = SizeConverter.class,
      description = "Block cache (default 16M).")
  long cacheBytes = 16L << 20;

  @Override
  public Integer call() {
    PoolMessage message = PoolMessage.parse(words);
    if (!Files.exists(metadata)) {
      throw new NotFoundException("metadata", metadata + ": no such file or device");
    }
    Message.send(metadata, message, cacheBytes);
    return ExitCodes.OK;
  }
}
