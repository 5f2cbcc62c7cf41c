package dev.thinly.cli.image;

import dev.thinly.cli.access.PoolAccess;
import dev.thinly.cli.access.VolumeIo;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Writes a volume out as a raw image.
 *
 * <p>Block status is asked for a window of the volume at a time; chunks with no provisioned block
 * are never read. The others are read, several at once on virtual threads, and written out in
 * order by the calling thread. A sparse export to a regular file leaves holes where the volume
 * is unprovisioned and where a provisioned block holds only zeros.
 */
public final class ImageExporter {
  /** Block status is gathered this many chunks of the volume at a time, to bound the extent list. */
  private static final long WINDOW_CHUNKS = 256;

  /**
   * What an export did.
   *
   * @param dataBytes bytes written as data
   * @param zeroBytes bytes that were unprovisioned or zero (holes in a sparse file)
   */
  public record Result(String volume, long sizeBytes, long dataBytes, long zeroBytes) {}

  /** A range of the volume, in output order: data being read, or zeros. */
  private record Piece(long offsetBytes, long lengthBytes, Future<ByteBuffer> data) {}

  private final ExportOptions options;
  private final Progress progress;
  private long dataBytes;
  private long zeroBytes;

  private ImageExporter(ExportOptions options, Progress progress) {
    this.options = options;
    this.progress = progress;
  }

  public static Result run(PoolAccess pool, ExportOptions options, Progress progress) {
    try (VolumeIo volume = pool.open(options.volume());
        ImageSink sink = ImageSink.open(options.target(), options.stdout(), options.sparse())) {
      return new ImageExporter(options, progress).copy(volume, sink);
    }
  }

  private Result copy(VolumeIo volume, ImageSink sink) {
    long size = volume.sizeBytes();
    long blockBytes = volume.blockSizeBytes();
    int chunkBytes = (int) Math.max(blockBytes, options.chunkBytes() / blockBytes * blockBytes);
    int inFlight = Math.max(1, Math.min(options.readsInFlight(), (int) ((256L << 20) / chunkBytes)));
    BlockingQueue<ByteBuffer> free = new ArrayBlockingQueue<>(inFlight);
    for (int i = 0; i < inFlight; i++) {
      free.add(ByteBuffer.allocateDirect(chunkBytes));
    }
    ArrayDeque<Piece> queue = new ArrayDeque<>();
    try (ExecutorService readers = Executors.newVirtualThreadPerTaskExecutor()) {
      long windowBytes = WINDOW_CHUNKS * chunkBytes;
      for (long window = 0; window < size; window += windowBytes) {
        long windowEnd = Math.min(size, window + windowBytes);
        List<long[]> extents = extents(volume, window, windowEnd - window);
        int e = 0;
        // whole chunks: a chunk with any provisioned block is read in one go (its holes come back
        // as zeros), so a volume with scattered zero blocks costs one read per chunk, not per run
        for (long off = window; off < windowEnd; off += chunkBytes) {
          long pieceEnd = Math.min(windowEnd, off + chunkBytes);
          while (e < extents.size() && extents.get(e)[0] + extents.get(e)[1] <= off) {
            e++;
          }
          boolean provisioned = false;
          for (int i = e; i < extents.size() && extents.get(i)[0] < pieceEnd; i++) {
            provisioned |= extents.get(i)[2] != 0;
          }
          while (queue.size() >= inFlight) {
            writeOut(queue.poll(), sink, free, blockBytes, size);
          }
          if (!provisioned) {
            queue.add(new Piece(off, pieceEnd - off, null));
            continue;
          }
          ByteBuffer buf = free.poll();
          buf.clear().limit((int) (pieceEnd - off));
          long at = off;
          queue.add(
              new Piece(
                  at,
                  pieceEnd - at,
                  readers.submit(
                      () -> {
                        volume.read(at, buf);
                        return buf.flip();
                      })));
        }
      }
      while (!queue.isEmpty()) {
        writeOut(queue.poll(), sink, free, blockBytes, size);
      }
    }
    sink.finish(size);
    return new Result(volume.name(), size, dataBytes, zeroBytes);
  }

  /** The extents of one window as {offset, length, allocated ? 1 : 0}. */
  private static List<long[]> extents(VolumeIo volume, long offsetBytes, long lengthBytes) {
    List<long[]> out = new ArrayList<>();
    volume.blockStatus(offsetBytes, lengthBytes, (off, len, allocated) -> out.add(new long[] {off, len, allocated ? 1 : 0}));
    return out;
  }

  private void writeOut(Piece p, ImageSink sink, BlockingQueue<ByteBuffer> free, long blockBytes, long size) {
    if (p.data() == null) {
      sink.zeros(p.offsetBytes(), p.lengthBytes());
      zeroBytes += p.lengthBytes();
    } else {
      ByteBuffer buf = await(p.data());
      try {
        if (sink.keepsHoles()) {
          writeSkippingZeroBlocks(p.offsetBytes(), buf, sink, (int) blockBytes);
        } else {
          sink.data(p.offsetBytes(), buf);
          dataBytes += p.lengthBytes();
        }
      } finally {
        free.add(buf);
      }
    }
    progress.update(p.offsetBytes() + p.lengthBytes(), size);
  }

  private void writeSkippingZeroBlocks(long at, ByteBuffer buf, ImageSink sink, int blockBytes) {
    int n = buf.remaining();
    int runStart = 0;
    for (int off = 0; off < n; off += blockBytes) {
      int len = Math.min(blockBytes, n - off);
      if (Zeros.isZero(buf, off, len)) {
        if (off > runStart) {
          sink.data(at + runStart, buf.slice(runStart, off - runStart));
          dataBytes += off - runStart;
        }
        zeroBytes += len;
        runStart = off + len;
      }
    }
    if (n > runStart) {
      sink.data(at + runStart, buf.slice(runStart, n - runStart));
      dataBytes += n - runStart;
    }
  }

  private static ByteBuffer await(Future<ByteBuffer> f) {
    try {
      return f.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("export interrupted", e);
    }
  }
}
