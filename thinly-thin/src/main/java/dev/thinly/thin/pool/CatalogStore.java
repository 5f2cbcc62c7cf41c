package dev.thinly.thin.pool;

import dev.thinly.pdata.error.CorruptMetadataException;
import dev.thinly.pdata.error.StorageIoException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Catalog versions on disk: {@code DIR/catalog/catalog.NNNNNNNNNN.json}, one file per version,
 * the newest {@value #KEEP} kept. A version is written to a temporary file, synced, renamed into
 * place and the directory synced, so after a crash a version file is either whole or absent.
 */
final class CatalogStore {
  static final int KEEP = 10;
  private static final Pattern FILE = Pattern.compile("catalog\\.(\\d{10})\\.json");
  private static final JsonMapper JSON =
      JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

  private final Path dir;

  CatalogStore(Path dir) {
    this.dir = dir;
  }

  static void create(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new StorageIoException(dir.toString(), -1, "create directory", e);
    }
    new CatalogStore(dir).write(Catalog.empty());
  }

  /** Versions present, newest first. */
  List<Long> versions() {
    List<Long> out = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "catalog.*.json")) {
      for (Path p : ds) {
        Matcher m = FILE.matcher(p.getFileName().toString());
        if (m.matches()) {
          out.add(Long.parseLong(m.group(1)));
        }
      }
    } catch (IOException e) {
      throw new StorageIoException(dir.toString(), -1, "list catalog", e);
    }
    out.sort((a, b) -> Long.compare(b, a));
    return out;
  }

  Optional<Catalog> read(long version) {
    Path p = path(version);
    if (!Files.exists(p)) {
      return Optional.empty();
    }
    try {
      return Optional.of(JSON.readValue(Files.readAllBytes(p), Catalog.class));
    } catch (IOException e) {
      throw new StorageIoException(p.toString(), -1, "read", e);
    } catch (JacksonException e) {
      throw new CorruptMetadataException(-1, "catalog " + p, e.getOriginalMessage());
    }
  }

  /** Writes a version durably (see the class comment) and prunes old ones. */
  void write(Catalog catalog) {
    Path target = path(catalog.version());
    Path tmp = dir.resolve(target.getFileName() + ".tmp");
    byte[] bytes = JSON.writeValueAsBytes(catalog);
    try (FileChannel ch =
        FileChannel.open(
            tmp,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      ByteBuffer b = ByteBuffer.wrap(bytes);
      while (b.hasRemaining()) {
        ch.write(b);
      }
      ch.force(true);
    } catch (IOException e) {
      throw new StorageIoException(tmp.toString(), -1, "write", e);
    }
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new StorageIoException(target.toString(), -1, "rename", e);
    }
    syncDir();
    prune();
  }

  /** Removes a version that was written but whose metadata change did not commit. */
  void discard(long version) {
    try {
      Files.deleteIfExists(path(version));
    } catch (IOException e) {
      throw new StorageIoException(path(version).toString(), -1, "delete", e);
    }
    syncDir();
  }

  private void prune() {
    List<Long> vs = versions();
    for (int i = KEEP; i < vs.size(); i++) {
      try {
        Files.deleteIfExists(path(vs.get(i)));
      } catch (IOException e) {
        // an old version that stays behind costs a few bytes and is pruned next time
      }
    }
  }

  private void syncDir() {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      throw new StorageIoException(dir.toString(), -1, "sync directory", e);
    }
  }

  private Path path(long version) {
    return dir.resolve(String.format("catalog.%010d.json", version));
  }
}
