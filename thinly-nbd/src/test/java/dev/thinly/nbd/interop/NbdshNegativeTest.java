package dev.thinly.nbd.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.thinly.nbd.export.FileExport;
import dev.thinly.nbd.export.MemoryExport;
import dev.thinly.nbd.testkit.NbdTestServer;
import dev.thinly.nbd.testkit.ProcessRunner;
import dev.thinly.nbd.testkit.TestImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * libnbd (the library behind nbdsh) with its client-side checks turned off, so that it sends what a
 * buggy or hostile client would; the script asserts on the errors the server returns.
 */
class NbdshNegativeTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private static final String SCRIPT =
      """
      import errno, sys
      import nbd

      rw_uri, ro_uri, file_uri = sys.argv[1:4]

      def connect(uri):
          h = nbd.NBD()
          h.set_strict_mode(0)            # send what we ask for, checked or not
          h.add_meta_context("base:allocation")
          h.connect_uri(uri)
          return h

      def expect(code, what, fn):
          try:
              fn()
          except nbd.Error as e:
              if e.errnum != code:
                  raise AssertionError("%s: expected %s, got %s (%s)"
                                       % (what, errno.errorcode[code], e.errnum, e))
              print("%s: %s" % (what, errno.errorcode[code]))
              return
          raise AssertionError("%s: succeeded, expected %s" % (what, errno.errorcode[code]))

      h = connect(rw_uri)
      size = h.get_size()
      expect(errno.EINVAL, "read past the end", lambda: h.pread(512, size - 256))
      expect(errno.ENOSPC, "write past the end", lambda: h.pwrite(b"x" * 512, size - 256))
      expect(errno.EINVAL, "unknown flag", lambda: h.pread(512, 0, flags=1 << 7))
      expect(errno.EINVAL, "flag of another command", lambda: h.pread(512, 0, flags=nbd.CMD_FLAG_NO_HOLE))
      expect(errno.EINVAL, "read over the payload limit", lambda: h.pread(64 << 20, 0))

      h.pwrite(b"a" * 65536, 65536)
      entries = []
      def extents(context, offset, e, err):
          entries.append(list(e))
          return 0
      h.block_status(size, 0, extents, flags=nbd.CMD_FLAG_REQ_ONE)
      assert entries == [[65536, 3]], entries
      print("REQ_ONE: one extent", entries)
      entries.clear()
      h.block_status(size, 0, extents)
      assert entries == [[65536, 3, 65536, 0, size - 131072, 3]], entries

      chunks = []
      def chunk(*args):
          buf, offset, status = args[0], args[1], args[2]
          chunks.append((offset, len(buf), status))
          return 0
      data = h.pread_structured(131072, 0, chunk, flags=nbd.CMD_FLAG_DF)
      assert chunks == [(0, 131072, nbd.READ_DATA)], chunks
      assert data == bytes(65536) + b"a" * 65536
      print("DF: one chunk")
      chunks.clear()
      h.pread_structured(131072, 0, chunk)
      assert chunks == [(0, 65536, nbd.READ_HOLE), (65536, 65536, nbd.READ_DATA)], chunks

      h.zero(65536, 65536, flags=nbd.CMD_FLAG_FAST_ZERO)
      assert h.pread(65536, 65536) == bytes(65536)
      print("FAST_ZERO on memory: done")
      h.trim(4096, 0, flags=nbd.CMD_FLAG_FUA)
      h.cache(4096, 0)
      h.flush()
      h.shutdown()

      f = connect(file_uri)
      expect(errno.ENOTSUP, "FAST_ZERO on a file", lambda: f.zero(4096, 0, flags=nbd.CMD_FLAG_FAST_ZERO))
      f.zero(4096, 0)
      f.shutdown()

      r = connect(ro_uri)
      assert r.is_read_only()
      expect(errno.EPERM, "write to a read-only export", lambda: r.pwrite(b"x" * 512, 0))
      expect(errno.EPERM, "trim of a read-only export", lambda: r.trim(512, 0))
      r.shutdown()
      print("all negative checks passed")
      """;

  @TempDir Path dir;

  @Test
  void theServerAnswersBadRequestsWithTheRightErrors() throws Exception {
    Path script = Files.writeString(dir.resolve("negative.py"), SCRIPT);
    FileExport file =
        FileExport.open(TestImages.sparse(dir.resolve("f.raw"), 1 << 20, 6), "file", "", false);
    try (NbdTestServer nbd =
        NbdTestServer.start(
            dir,
            MemoryExport.builder("rw", 8L << 20).build(),
            MemoryExport.builder("ro", 1 << 20).readOnly(true).build(),
            file)) {
      for (boolean tcp : new boolean[] {false, true}) {
        String rw = tcp ? nbd.tcpUri("rw") : nbd.unixUri("rw");
        String ro = tcp ? nbd.tcpUri("ro") : nbd.unixUri("ro");
        String f = tcp ? nbd.tcpUri("file") : nbd.unixUri("file");
        var result =
            ProcessRunner.run(
                TIMEOUT, dir, Map.of(), List.of("/usr/bin/python3", script.toString(), rw, ro, f));
        result.assertSuccess();
        assertThat(result.stdout()).contains("all negative checks passed");
        nbd.registry().open("rw").orElseThrow().trim(0, 8L << 20, false);
      }
    } finally {
      file.close();
    }
  }
}
