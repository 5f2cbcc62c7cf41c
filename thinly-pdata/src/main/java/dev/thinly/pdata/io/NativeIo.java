package dev.thinly.pdata.io;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;

/**
 * The few Linux system calls the JDK does not offer, through the FFM API: {@code fallocate} (hole
 * punching), {@code ioctl} (BLKDISCARD, BLKZEROOUT, BLKGETSIZE64) and {@code lseek}. Each call returns -errno on
 * failure instead of throwing, so callers decide what a failure means (e.g. a file system without
 * hole punching falls back to writing zeros).
 */
final class NativeIo {
  static final int O_RDWR = 2;
  static final int O_RDONLY = 0;
  static final int O_CLOEXEC = 0x80000;
  static final int FALLOC_FL_KEEP_SIZE = 1;
  static final int FALLOC_FL_PUNCH_HOLE = 2;
  static final long BLKDISCARD = 0x1277L;
  static final long BLKZEROOUT = 0x127FL;
  static final long BLKGETSIZE64 = 0x80081272L;
  static final int SEEK_END = 2;
  static final int SEEK_DATA = 3;
  static final int SEEK_HOLE = 4;
  static final int EOPNOTSUPP = 95;
  static final int EINVAL = 22;
  static final int ENXIO = 6;

  private static final Linker LINKER = Linker.nativeLinker();
  private static final SymbolLookup LIBC = LINKER.defaultLookup();
  private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
  private static final VarHandle ERRNO =
      CALL_STATE.varHandle(java.lang.foreign.MemoryLayout.PathElement.groupElement("errno"));
  private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");

  private static final MethodHandle OPEN =
      handle("open", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
  private static final MethodHandle CLOSE =
      handle("close", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
  private static final MethodHandle FALLOCATE =
      handle(
          "fallocate",
          FunctionDescriptor.of(
              ValueLayout.JAVA_INT,
              ValueLayout.JAVA_INT,
              ValueLayout.JAVA_INT,
              ValueLayout.JAVA_LONG,
              ValueLayout.JAVA_LONG));
  private static final MethodHandle IOCTL =
      handle(
          "ioctl",
          FunctionDescriptor.of(
              ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS));
  private static final MethodHandle LSEEK =
      handle(
          "lseek",
          FunctionDescriptor.of(
              ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));

  private NativeIo() {}

  private static MethodHandle handle(String name, FunctionDescriptor fd) {
    MemorySegment fn =
        LIBC.find(name).orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name));
    return LINKER.downcallHandle(fn, fd, CAPTURE_ERRNO);
  }

  private static int errno(MemorySegment state) {
    return (int) ERRNO.get(state, 0L);
  }

  /** Opens a file; returns the descriptor or -errno. */
  static int open(Path path, int flags) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(CALL_STATE);
      MemorySegment cpath = arena.allocateFrom(path.toString());
      int fd = (int) OPEN.invokeExact(state, cpath, flags | O_CLOEXEC);
      return fd >= 0 ? fd : -errno(state);
    } catch (Throwable t) {
      throw new IllegalStateException("open(2) failed to run", t);
    }
  }

  static void close(int fd) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(CALL_STATE);
      int unused = (int) CLOSE.invokeExact(state, fd);
    } catch (Throwable t) {
      throw new IllegalStateException("close(2) failed to run", t);
    }
  }

  /** Punches a hole; returns 0 or -errno. */
  static int punchHole(int fd, long offsetBytes, long lengthBytes) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(CALL_STATE);
      int r =
          (int)
              FALLOCATE.invokeExact(
                  state, fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, offsetBytes, lengthBytes);
      return r == 0 ? 0 : -errno(state);
    } catch (Throwable t) {
      throw new IllegalStateException("fallocate(2) failed to run", t);
    }
  }

  /** BLKDISCARD on a block device; returns 0 or -errno. */
  static int blkDiscard(int fd, long offsetBytes, long lengthBytes) {
    return rangeIoctl(fd, BLKDISCARD, offsetBytes, lengthBytes);
  }

  /** BLKZEROOUT on a block device (zeros guaranteed, offloaded where it can be); 0 or -errno. */
  static int blkZeroOut(int fd, long offsetBytes, long lengthBytes) {
    return rangeIoctl(fd, BLKZEROOUT, offsetBytes, lengthBytes);
  }

  private static int rangeIoctl(int fd, long request, long offsetBytes, long lengthBytes) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(CALL_STATE);
      MemorySegment range = arena.allocate(ValueLayout.JAVA_LONG, 2);
      range.setAtIndex(ValueLayout.JAVA_LONG, 0, offsetBytes);
      range.setAtIndex(ValueLayout.JAVA_LONG, 1, lengthBytes);
      int r = (int) IOCTL.invokeExact(state, fd, request, range);
      return r == 0 ? 0 : -errno(state);
    } catch (Throwable t) {
      throw new IllegalStateException("ioctl(2) failed to run", t);
    }
  }

  /** Size of a block device in bytes, or -errno. */
  static long blkGetSize64(int fd) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(CALL_STATE);
      MemorySegment out = arena.allocate(ValueLayout.JAVA_LONG);
      int r = (int) IOCTL.invokeExact(state, fd, BLKGETSIZE64, out);
      return r == 0 ? out.get(ValueLayout.JAVA_LONG, 0) : -errno(state);
    } catch (Throwable t) {
      throw new IllegalStateException("ioctl(2) failed to run", t);
    }
  }

  /** lseek(2); returns the new offset or -errno. */
  static long lseek(int fd, long offset, int whence) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(CALL_STATE);
      long r = (long) LSEEK.invokeExact(state, fd, offset, whence);
      return r >= 0 ? r : -errno(state);
    } catch (Throwable t) {
      throw new IllegalStateException("lseek(2) failed to run", t);
    }
  }
}
