package dev.thinly.cli.image;

import dev.thinly.cli.access.PoolAccess;
import dev.thinly.cli.access.VolumeIo;
import dev.thinly.pdata.error.InvalidRequestException;
import dev.thinly.pdata.error.ReadOnlyException;
import dev.thinly.thin.pool.VolumeInfo;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * Writes a raw image into a volume so that the volume then reads exactly as the image.
 *
 * <p>The image is read in chunks of whole pool blocks. A block that is all zeros is not written:
 * it is left unmapped (and unmapped if the volume had data there), so the volume stays as thin as
 * the image is sparse. Several chunks are written at once on virtual threads while the next is
 * read; a fixed set of direct buffers bounds the memory and makes the reader wait for the writers.
 *
 * <p>A volume that does not exist is created with the image's size. When that size is unknown (a
 * compressed image, a stream on stdin) the volume grows as data arrives and gets the exact size at
 * the end. If the import fails, a volume it created is deleted again; an existing volume is left
 * partly overwritten.
 */
public final class ImageImporter {
  /** The size a volume of unknown final size starts at; it doubles as the data overtakes it. */
  private static final long GROWTH_START_BYTES = 1L << 30;

  /**
   * What an import did.
   *
   * @param imageBytes the image's size
   * @param dataBytes bytes written (blocks with data)
   * @param zeroBytes bytes of all-zero blocks, left unmapped
   */
  public record Result(
      String volume, long sizeBytes, long imageBytes, long dataBytes, long zeroBytes, boolean created,
      Compression compression) {}

  private final PoolAccess pool;
  private final ImportOptions options;
  private final Progress progress;
  private final LongAdder dataBytes = new LongAdder();
  private final LongAdder zeroBytes = new LongAdder();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();

  private ImageImporter(PoolAccess pool, ImportOptions options, Progress progress) {
    this.pool = pool;
    this.options = options;
    this.progress = progress;
  }

  public static Result run(PoolAccess pool, ImportOptions options, Progress progress) {
    return new ImageImporter(pool, options, progress).run();
  }

  private Result run() {
    String name = VolumeInfo.checkName(options.volume());
    Optional<VolumeInfo> existing = pool.find(name);
    if (existing.isPresent() && existing.get().readOnly()) {
      throw new ReadOnlyException("volume " + name, "a read-only snapshot cannot be imported into");
    }
    try (ImageSource source = ImageSource.open(options.source(), options.stdin())) {
      long declared = options.sizeBytes() > 0 ? options.sizeBytes() : source.imageSizeBytes();
      if (declared == 0) {
        throw new InvalidRequestException(source.name() + " is empty");
      }
      if (options.sizeBytes() > 0 && source.imageSizeBytes() > options.sizeBytes()) {
        throw new InvalidRequestException(
            source.name() + " holds " + source.imageSizeBytes() + " bytes, more than --size "
                + options.sizeBytes());
      }
      long initialBytes = declared > 0 ? roundUpToSector(declared) : GROWTH_START_BYTES;
      long emptyFrom;
      if (existing.isEmpty()) {
        pool.create(name, initialBytes, Map.of());
        emptyFrom = 0;
      } else {
        emptyFrom = existing.get().sizeBytes();
        if (declared > 0 && existing.get().sizeBytes() != initialBytes) {
          pool.resize(name, initialBytes, false);
        }
      }
      boolean done = false;
      try {
        Result r = copy(name, source, declared, emptyFrom, existing.isEmpty());
        done = true;
        return r;
      } finally {
        if (!done && existing.isEmpty()) {
          deleteQuietly(name);
        }
      }
    }
  }

  private Result copy(String name, ImageSource source, long declared, long emptyFrom, boolean created) {
    try (VolumeIo volume = pool.open(name)) {
      long blockBytes = volume.blockSizeBytes();
      int chunkBytes = (int) Math.max(blockBytes, options.chunkBytes() / blockBytes * blockBytes);
      int inFlight = Math.max(1, Math.min(options.writesInFlight(), (int) ((256L << 20) / chunkBytes)));
      BlockingQueue<ByteBuffer> free = new ArrayBlockingQueue<>(inFlight);
      for (int i = 0; i < inFlight; i++) {
        free.add(ByteBuffer.allocateDirect(chunkBytes));
      }
      long pos = 0;
      try (ExecutorService writers = Executors.newVirtualThreadPerTaskExecutor()) {
        while (failure.get() == null) {
          ByteBuffer buf = take(free);
          buf.clear();
          int n = source.read(buf);
          if (n == 0) {
            free.add(buf);
            break;
          }
          buf.flip();
          long at = pos;
          pos += n;
          makeRoom(name, volume, declared, pos);
          writers.submit(
              () -> {
                try {
                  if (failure.get() == null) {
                    writeChunk(volume, at, buf, emptyFrom);
                  }
                } catch (Throwable t) {
                  failure.compareAndSet(null, t);
                } finally {
                  free.add(buf);
                }
              });
          progress.update(source.rawBytesRead(), source.rawSizeBytes());
          if (n < chunkBytes) {
            break;
          }
        }
      } catch (RuntimeException e) {
        failure.compareAndSet(null, e);
      }
      rethrowFailure();
      if (pos == 0) {
        throw new InvalidRequestException(source.name() + " is empty");
      }
      if (declared < 0 && volume.sizeBytes() != roundUpToSector(pos)) {
        pool.resize(name, roundUpToSector(pos), false);
      }
      // whatever the volume held past the image's end must now read as zeros
      long oldDataEnd = Math.min(volume.sizeBytes(), emptyFrom);
      if (pos < oldDataEnd) {
        volume.zero(pos, oldDataEnd - pos);
      }
      volume.flush();
      progress.update(source.rawBytesRead(), source.rawSizeBytes());
      return new Result(
          name, volume.sizeBytes(), pos, dataBytes.sum(), zeroBytes.sum(), created, source.compression());
    }
  }

  /** Before writing up to {@code end}: grows a volume of unknown final size, refuses overflow. */
  private void makeRoom(String name, VolumeIo volume, long declared, long end) {
    long size = volume.sizeBytes();
    if (end <= size) {
      return;
    }
    if (declared > 0) {
      throw new InvalidRequestException(
          "the image is larger than " + declared + " bytes"
              + (options.sizeBytes() > 0 ? " (--size)" : " (it grew while being read)"));
    }
    long grown = Math.max(roundUpToSector(end), size + Math.min(size, 64L << 30));
    pool.resize(name, grown, false);
  }

  /** Writes the data blocks of one chunk and unmaps its zero blocks where the volume had data. */
  private void writeChunk(VolumeIo volume, long at, ByteBuffer chunk, long emptyFrom) {
    int blockBytes = (int) volume.blockSizeBytes();
    int n = chunk.remaining();
    int off = 0;
    boolean zero = Zeros.isZero(chunk, 0, Math.min(blockBytes, n));
    while (off < n) {
      int runEnd = Math.min(n, off + blockBytes);
      boolean nextZero = false;
      while (runEnd < n) {
        nextZero = Zeros.isZero(chunk, runEnd, Math.min(blockBytes, n - runEnd));
        if (nextZero != zero) {
          break;
        }
        runEnd = Math.min(n, runEnd + blockBytes);
      }
      int len = runEnd - off;
      if (!zero) {
        volume.write(at + off, chunk.slice(off, len));
        dataBytes.add(len);
      } else {
        zeroBytes.add(len);
        long start = at + off;
        if (start < emptyFrom) {
          volume.zero(start, Math.min(start + len, emptyFrom) - start);
        }
      }
      off = runEnd;
      zero = nextZero;
    }
  }

  private ByteBuffer take(BlockingQueue<ByteBuffer> free) {
    try {
      return free.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("import interrupted", e);
    }
  }

  private void rethrowFailure() {
    Throwable t = failure.get();
    if (t instanceof RuntimeException r) {
      throw r;
    }
    if (t instanceof Error e) {
      throw e;
    }
    if (t != null) {
      throw new IllegalStateException(t);
    }
  }

  private void deleteQuietly(String name) {
    try {
      pool.delete(name, false);
    } catch (RuntimeException e) {
      Throwable t = failure.get();
      if (t != null) {
        t.addSuppressed(e);
      }
    }
  }

  private static long roundUpToSector(long bytes) {
    return (bytes + 511) / 512 * 512;
  }
}
