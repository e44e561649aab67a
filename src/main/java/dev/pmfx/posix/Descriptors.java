package dev.pmfx.posix;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Java streams over descriptors Java did not open (taken from another process with {@code
 * pidfd_getfd}), which reads and writes block on as on any pipe; closing the stream closes the
 * descriptor.
 */
public final class Descriptors {

  private Descriptors() {}

  /** Reads {@code fd} until its end. */
  public static InputStream input(int fd) {
    return new InputStream() {
      // freed with the stream, once no read can be using them
      private final Arena arena = Arena.ofAuto();
      private final MemorySegment buffer = arena.allocate(64 * 1024);
      private final MemorySegment state = Libc.callState(arena);
      private volatile boolean closed;

      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] bytes, int offset, int length) throws IOException {
        if (closed) {
          throw new IOException("closed");
        }
        if (length == 0) {
          return 0;
        }
        int n = Libc.read(fd, buffer.asSlice(0, Math.min(length, (int) buffer.byteSize())), state);
        if (n == 0) {
          return -1;
        }
        MemorySegment.copy(buffer, ValueLayout.JAVA_BYTE, 0, bytes, offset, n);
        return n;
      }

      @Override
      public synchronized void close() {
        if (!closed) {
          closed = true;
          Libc.close(fd);
        }
      }
    };
  }

  /**
   * Writes to {@code fd}, all of each write. Closing does not wait for a write that blocks (on a
   * full pipe): the descriptor closes when that write returns.
   */
  public static OutputStream output(int fd) {
    return new OutputStream() {
      private final Object writes = new Object();
      private final Object state = new Object();
      private boolean closed;
      private boolean writing;

      @Override
      public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] bytes, int offset, int length) throws IOException {
        synchronized (writes) { // one write at a time, each whole
          synchronized (state) {
            if (closed) {
              throw new IOException("closed");
            }
            writing = true;
          }
          try (Arena arena = Arena.ofConfined()) {
            MemorySegment segment = arena.allocate(Math.max(1, length));
            MemorySegment.copy(bytes, offset, segment, ValueLayout.JAVA_BYTE, 0, length);
            Libc.writeAll(fd, segment.asSlice(0, length), Libc.callState(arena));
          } finally {
            synchronized (state) {
              writing = false;
              if (closed) {
                Libc.close(fd);
              }
            }
          }
        }
      }

      @Override
      public void close() {
        synchronized (state) {
          if (closed) {
            return;
          }
          closed = true;
          if (!writing) {
            Libc.close(fd);
          }
        }
      }
    };
  }
}
