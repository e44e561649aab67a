package dev.pmfx.posix;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.Locale;
import java.util.Optional;

/**
 * The few calls of Linux's C library that Java has no API for: {@code posix_spawn} with its file
 * actions (to leave a descriptor above 2 open in a child), socket pairs and pipes, and {@code
 * waitpid}. Bound through the FFM API; {@link #AVAILABLE} is false where any of them is missing
 * (another OS, a C library before glibc 2.34).
 */
public final class Libc {

  static final int O_RDONLY = 0;
  static final int O_CLOEXEC = 0x80000;
  static final int AF_UNIX = 1;
  static final int SOCK_STREAM = 1;
  static final int SOCK_CLOEXEC = 0x80000;
  static final int SHUT_RDWR = 2;
  static final int EINTR = 4;
  static final int MSG_NOSIGNAL = 0x4000;
  static final int MSG_DONTWAIT = 0x40;
  static final int SHUT_WR = 1;
  static final int AF_INET = 2;
  static final int AF_INET6 = 10;
  static final int SOL_SOCKET = 1;
  static final int SO_REUSEADDR = 2;
  static final int SCM_RIGHTS = 1;
  static final int IPPROTO_TCP = 6;
  static final int TCP_NODELAY = 1;
  static final int IPPROTO_IPV6 = 41;
  static final int IPV6_V6ONLY = 26;
  public static final int EADDRINUSE = 98;
  static final short POSIX_SPAWN_SETSIGDEF = 0x04;
  static final short POSIX_SPAWN_SETSIGMASK = 0x08;
  static final short POSIX_SPAWN_SETSID = 0x80;

  /** glibc's opaque types, with room to spare (80, 336 and 128 bytes on x86-64 and arm64). */
  static final long FILE_ACTIONS_SIZE = 256;

  static final long SPAWNATTR_SIZE = 512;
  static final long SIGSET_SIZE = 128;

  private static final Linker LINKER = Linker.nativeLinker();
  private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
  private static final VarHandle ERRNO =
      CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));

  private static final boolean LINUX =
      System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux");
  private static final SymbolLookup LIBC = LINKER.defaultLookup();

  /** Set when a function is missing here: then none of them is used. */
  private static boolean missing;

  private static final MethodHandle POSIX_SPAWN =
      bind("posix_spawn", false, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS);
  private static final MethodHandle FA_INIT =
      bind("posix_spawn_file_actions_init", false, JAVA_INT, ADDRESS);
  private static final MethodHandle FA_DESTROY =
      bind("posix_spawn_file_actions_destroy", false, JAVA_INT, ADDRESS);
  private static final MethodHandle FA_ADDDUP2 =
      bind("posix_spawn_file_actions_adddup2", false, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT);
  private static final MethodHandle FA_ADDOPEN =
      bind(
          "posix_spawn_file_actions_addopen",
          false,
          JAVA_INT,
          ADDRESS,
          JAVA_INT,
          ADDRESS,
          JAVA_INT,
          JAVA_INT);
  private static final MethodHandle FA_ADDCHDIR =
      bind("posix_spawn_file_actions_addchdir_np", false, JAVA_INT, ADDRESS, ADDRESS);
  private static final MethodHandle FA_ADDCLOSEFROM =
      bind("posix_spawn_file_actions_addclosefrom_np", false, JAVA_INT, ADDRESS, JAVA_INT);
  private static final MethodHandle ATTR_INIT =
      bind("posix_spawnattr_init", false, JAVA_INT, ADDRESS);
  private static final MethodHandle ATTR_DESTROY =
      bind("posix_spawnattr_destroy", false, JAVA_INT, ADDRESS);
  private static final MethodHandle ATTR_SETFLAGS =
      bind("posix_spawnattr_setflags", false, JAVA_INT, ADDRESS, JAVA_SHORT);
  private static final MethodHandle ATTR_SETSIGDEFAULT =
      bind("posix_spawnattr_setsigdefault", false, JAVA_INT, ADDRESS, ADDRESS);
  private static final MethodHandle ATTR_SETSIGMASK =
      bind("posix_spawnattr_setsigmask", false, JAVA_INT, ADDRESS, ADDRESS);
  private static final MethodHandle SIGFILLSET = bind("sigfillset", false, JAVA_INT, ADDRESS);
  private static final MethodHandle SIGEMPTYSET = bind("sigemptyset", false, JAVA_INT, ADDRESS);
  private static final MethodHandle PIPE2 = bind("pipe2", true, JAVA_INT, ADDRESS, JAVA_INT);
  private static final MethodHandle SOCKETPAIR =
      bind("socketpair", true, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS);
  private static final MethodHandle CLOSE = bind("close", true, JAVA_INT, JAVA_INT);
  private static final MethodHandle SHUTDOWN = bind("shutdown", true, JAVA_INT, JAVA_INT, JAVA_INT);
  private static final MethodHandle READ =
      bind("read", true, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG);
  private static final MethodHandle WRITE =
      bind("write", true, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG);
  private static final MethodHandle RECV =
      bind("recv", true, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT);
  private static final MethodHandle SEND =
      bind("send", true, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT);
  private static final MethodHandle WAITPID =
      bind("waitpid", true, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT);
  private static final MethodHandle SOCKET =
      bind("socket", true, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT);
  private static final MethodHandle SETSOCKOPT =
      bind("setsockopt", true, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT);
  private static final MethodHandle BIND =
      bind("bind", true, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT);
  private static final MethodHandle LISTEN = bind("listen", true, JAVA_INT, JAVA_INT, JAVA_INT);
  private static final MethodHandle ACCEPT4 =
      bind("accept4", true, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT);
  private static final MethodHandle GETSOCKNAME =
      bind("getsockname", true, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS);
  private static final MethodHandle SENDMSG =
      bind("sendmsg", true, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT);
  private static final MethodHandle GETPAGESIZE = bind("getpagesize", false, JAVA_INT);
  private static final MethodHandle PIDFD_OPEN =
      optional("pidfd_open", JAVA_INT, JAVA_INT, JAVA_INT);
  private static final MethodHandle PIDFD_GETFD =
      optional("pidfd_getfd", JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT);
  private static final MethodHandle POLL = optional("poll", JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT);
  private static final MethodHandle IOCTL =
      optionalVariadic("ioctl", 2, JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS);
  private static final MethodHandle STRERROR = bind("strerror", false, ADDRESS, JAVA_INT);

  /** Whether every function above is here (Linux with glibc 2.34 or later). */
  public static final boolean AVAILABLE = LINUX && !missing;

  /**
   * Whether processes can be held by descriptor ({@code pidfd_open}, {@code pidfd_getfd}: glibc
   * 2.36 and Linux 5.6 or later), which adopting another daemon's workers needs.
   */
  public static final boolean PIDFDS =
      AVAILABLE && PIDFD_OPEN != null && PIDFD_GETFD != null && POLL != null && IOCTL != null;

  private Libc() {}

  private static MethodHandle bind(
      String name, boolean errno, MemoryLayout result, MemoryLayout... args) {
    Optional<MemorySegment> symbol = LINUX ? LIBC.find(name) : Optional.empty();
    if (symbol.isEmpty()) {
      missing = true;
      return null;
    }
    FunctionDescriptor descriptor = FunctionDescriptor.of(result, args);
    return errno
        ? LINKER.downcallHandle(symbol.get(), descriptor, Linker.Option.captureCallState("errno"))
        : LINKER.downcallHandle(symbol.get(), descriptor);
  }

  /** A function that may be missing without the others being unusable: null then. */
  private static MethodHandle optional(String name, MemoryLayout result, MemoryLayout... args) {
    Optional<MemorySegment> symbol = LINUX ? LIBC.find(name) : Optional.empty();
    return symbol
        .map(
            s ->
                LINKER.downcallHandle(
                    s,
                    FunctionDescriptor.of(result, args),
                    Linker.Option.captureCallState("errno")))
        .orElse(null);
  }

  private static MethodHandle optionalVariadic(
      String name, int fixed, MemoryLayout result, MemoryLayout... args) {
    Optional<MemorySegment> symbol = LINUX ? LIBC.find(name) : Optional.empty();
    return symbol
        .map(
            s ->
                LINKER.downcallHandle(
                    s,
                    FunctionDescriptor.of(result, args),
                    Linker.Option.firstVariadicArg(fixed),
                    Linker.Option.captureCallState("errno")))
        .orElse(null);
  }

  /** A failed call, with the C library's words for its error number. */
  public static final class Failure extends java.io.IOException {
    public final int errno;

    Failure(String call, int errno) {
      super(call + ": " + strerror(errno));
      this.errno = errno;
    }
  }

  public static String strerror(int errno) {
    try {
      MemorySegment text = (MemorySegment) STRERROR.invokeExact(errno);
      return text.reinterpret(1024).getString(0);
    } catch (Throwable t) {
      return "error " + errno;
    }
  }

  /** Room for the errno of calls that take it: one per thread, reused across its calls. */
  public static MemorySegment callState(Arena arena) {
    return arena.allocate(CALL_STATE);
  }

  private static RuntimeException unexpected(Throwable t) {
    return t instanceof RuntimeException r ? r : new IllegalStateException(t);
  }

  private static int errno(MemorySegment state) {
    return (int) ERRNO.get(state, 0L);
  }

  /** Checks a posix_spawn family call, which returns its error number instead of setting errno. */
  private static void check(String call, int result) throws Failure {
    if (result != 0) {
      throw new Failure(call, result);
    }
  }

  // ------------------------------------------------------------ descriptors

  /** {@code pipe2(O_CLOEXEC)}: [read end, write end]. */
  public static int[] pipe() throws Failure {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment fds = arena.allocate(JAVA_INT, 2);
      MemorySegment state = arena.allocate(CALL_STATE);
      int r = (int) PIPE2.invokeExact(state, fds, O_CLOEXEC);
      if (r != 0) {
        throw new Failure("pipe2", errno(state));
      }
      return new int[] {fds.getAtIndex(JAVA_INT, 0), fds.getAtIndex(JAVA_INT, 1)};
    } catch (Failure f) {
      throw f;
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  /** A connected pair of Unix stream sockets, both close-on-exec. */
  public static int[] socketPair() throws Failure {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment fds = arena.allocate(JAVA_INT, 2);
      MemorySegment state = arena.allocate(CALL_STATE);
      int r = (int) SOCKETPAIR.invokeExact(state, AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds);
      if (r != 0) {
        throw new Failure("socketpair", errno(state));
      }
      return new int[] {fds.getAtIndex(JAVA_INT, 0), fds.getAtIndex(JAVA_INT, 1)};
    } catch (Failure f) {
      throw f;
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  /** Closes a descriptor; errors are ignored (the descriptor is gone either way on Linux). */
  public static void close(int fd) {
    if (fd < 0) {
      return;
    }
    try (Arena arena = Arena.ofConfined()) {
      int ignored = (int) CLOSE.invokeExact(arena.allocate(CALL_STATE), fd);
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  /** Shuts a socket down both ways, which wakes a thread blocked reading it. */
  public static void shutdown(int fd) {
    try (Arena arena = Arena.ofConfined()) {
      int ignored = (int) SHUTDOWN.invokeExact(arena.allocate(CALL_STATE), fd, SHUT_RDWR);
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  /** Reads into {@code buffer}: the count read, 0 at the end; retries when interrupted. */
  public static int read(int fd, MemorySegment buffer, MemorySegment state) throws Failure {
    while (true) {
      long n;
      try {
        n = (long) READ.invokeExact(state, fd, buffer, buffer.byteSize());
      } catch (Throwable t) {
        throw unexpected(t);
      }
      if (n >= 0) {
        return (int) n;
      }
      int errno = errno(state);
      if (errno != EINTR) {
        throw new Failure("read", errno);
      }
    }
  }

  /** Writes all of {@code bytes} to a descriptor; retries when interrupted. */
  public static void writeAll(int fd, MemorySegment bytes, MemorySegment state) throws Failure {
    long offset = 0;
    while (offset < bytes.byteSize()) {
      long n;
      try {
        n = (long) WRITE.invokeExact(state, fd, bytes.asSlice(offset), bytes.byteSize() - offset);
      } catch (Throwable t) {
        throw unexpected(t);
      }
      if (n >= 0) {
        offset += n;
      } else if (errno(state) != EINTR) {
        throw new Failure("write", errno(state));
      }
    }
  }

  /** Writes all of {@code bytes} to a socket (never raising SIGPIPE). */
  public static void sendAll(int fd, MemorySegment bytes, MemorySegment state) throws Failure {
    long offset = 0;
    while (offset < bytes.byteSize()) {
      long n;
      try {
        n =
            (long)
                SEND.invokeExact(
                    state, fd, bytes.asSlice(offset), bytes.byteSize() - offset, MSG_NOSIGNAL);
      } catch (Throwable t) {
        throw unexpected(t);
      }
      if (n >= 0) {
        offset += n;
      } else if (errno(state) != EINTR) {
        throw new Failure("send", errno(state));
      }
    }
  }

  /**
   * Answers a connection pmfx will not serve: what the client sent so far is read and dropped
   * (closing a socket with unread data would reset it before the client reads the answer), then
   * {@code answer} goes, then the connection ends.
   */
  public static void answerAndClose(int fd, byte[] answer) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(CALL_STATE);
      MemorySegment buffer = arena.allocate(16 * 1024);
      long n;
      do {
        n = (long) RECV.invokeExact(state, fd, buffer, buffer.byteSize(), MSG_DONTWAIT);
      } while (n > 0);
      MemorySegment bytes = arena.allocate(Math.max(1, answer.length));
      bytes.copyFrom(MemorySegment.ofArray(answer));
      sendAll(fd, bytes.asSlice(0, answer.length), state);
      int ignored = (int) SHUTDOWN.invokeExact(state, fd, SHUT_WR);
    } catch (Failure gone) {
      // the client left first
    } catch (Throwable t) {
      throw unexpected(t);
    } finally {
      close(fd);
    }
  }

  /** The size of a memory page, in which Linux counts resident memory; 4096 where unknown. */
  public static long pageSize() {
    if (!AVAILABLE) {
      return 4096;
    }
    try {
      return (int) GETPAGESIZE.invokeExact();
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  /**
   * Waits for a child that has ended (or ends now) and reaps it: its exit code, or 128 + the signal
   * that ended it, as Java reports a {@link Process}'s.
   */
  public static int waitFor(long pid) throws Failure {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment status = arena.allocate(JAVA_INT);
      MemorySegment state = arena.allocate(CALL_STATE);
      while (true) {
        int r = (int) WAITPID.invokeExact(state, (int) pid, status, 0);
        if (r == pid) {
          int s = status.get(JAVA_INT, 0);
          int signal = s & 0x7f;
          return signal == 0 ? (s >> 8) & 0xff : 128 + signal;
        }
        if (errno(state) != EINTR) {
          throw new Failure("waitpid", errno(state));
        }
      }
    } catch (Failure f) {
      throw f;
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  // ------------------------------------------------------------ processes by descriptor

  /** {@code pidfd_open}: a descriptor that names the process for as long as it is open. */
  public static int pidfdOpen(long pid) throws Failure {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(CALL_STATE);
      int fd = (int) PIDFD_OPEN.invokeExact(state, (int) pid, 0);
      if (fd < 0) {
        throw new Failure("pidfd_open " + pid, errno(state));
      }
      return fd;
    } catch (Failure f) {
      throw f;
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  /** {@code pidfd_getfd}: a copy of the process's descriptor {@code target}, close-on-exec. */
  public static int pidfdGetfd(int pidfd, int target) throws Failure {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(CALL_STATE);
      int fd = (int) PIDFD_GETFD.invokeExact(state, pidfd, target, 0);
      if (fd < 0) {
        throw new Failure("pidfd_getfd " + target, errno(state));
      }
      return fd;
    } catch (Failure f) {
      throw f;
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  /** Waits until {@code fd} is readable (a pidfd: its process ended); retries when interrupted. */
  public static void awaitReadable(int fd) throws Failure {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(CALL_STATE);
      MemorySegment poll = arena.allocate(8, 4); // struct pollfd
      poll.set(JAVA_INT, 0, fd);
      poll.set(JAVA_SHORT, 4, (short) 1); // POLLIN
      while (true) {
        int r = (int) POLL.invokeExact(state, poll, 1L, -1);
        if (r > 0) {
          if ((poll.get(JAVA_SHORT, 6) & 0x20) != 0) { // POLLNVAL: not an open descriptor
            throw new Failure("poll", 9 /* EBADF */);
          }
          return;
        }
        if (r < 0 && errno(state) != EINTR) {
          throw new Failure("poll", errno(state));
        }
      }
    } catch (Failure f) {
      throw f;
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  /**
   * Whether Linux tells the exit status of a process that is not this one's child ({@code
   * PIDFD_INFO_EXIT}, Linux 6.15 and later).
   */
  public static final boolean EXIT_INFO = LINUX && linuxAtLeast(6, 15);

  private static boolean linuxAtLeast(int major, int minor) {
    java.util.regex.Matcher v =
        java.util.regex.Pattern.compile("^(\\d+)\\.(\\d+)")
            .matcher(System.getProperty("os.version", ""));
    if (!v.find()) {
      return false;
    }
    int a = Integer.parseInt(v.group(1));
    return a > major || (a == major && Integer.parseInt(v.group(2)) >= minor);
  }

  /** {@code PIDFD_GET_INFO}, {@code _IOWR(0xFF, 11, struct pidfd_info)} of its first 64 bytes. */
  private static final long PIDFD_GET_INFO = 0xC040FF0BL;

  private static final long PIDFD_INFO_EXIT = 8;

  /**
   * How a process that is not this one's child ended, once whoever it belongs to reaped it: its
   * exit code, or 128 + the signal that ended it, as {@link #waitFor}; empty while it is not known
   * (not reaped yet, or a Linux before 6.15).
   */
  public static java.util.OptionalInt exitStatus(int pidfd) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(CALL_STATE);
      MemorySegment info = arena.allocate(64, 8);
      info.set(JAVA_LONG, 0, PIDFD_INFO_EXIT);
      int r = (int) IOCTL.invokeExact(state, pidfd, PIDFD_GET_INFO, info);
      if (r != 0 || (info.get(JAVA_LONG, 0) & PIDFD_INFO_EXIT) == 0) {
        return java.util.OptionalInt.empty();
      }
      int s = info.get(JAVA_INT, 60);
      int signal = s & 0x7f;
      return java.util.OptionalInt.of(signal == 0 ? (s >> 8) & 0xff : 128 + signal);
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  // ------------------------------------------------------------ TCP and descriptors passed

  /**
   * A TCP socket listening on {@code port} of every interface (IPv6 and IPv4 where IPv6 is here,
   * else IPv4), close-on-exec, blocking; 0 takes a free port.
   */
  public static int listenTcp(int port, int backlog) throws Failure {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(CALL_STATE);
      boolean v6 = true;
      int fd = (int) SOCKET.invokeExact(state, AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
      if (fd < 0) {
        v6 = false;
        fd = (int) SOCKET.invokeExact(state, AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0) {
          throw new Failure("socket", errno(state));
        }
      }
      try {
        setInt(fd, SOL_SOCKET, SO_REUSEADDR, 1, arena, state);
        MemorySegment address;
        if (v6) {
          setInt(fd, IPPROTO_IPV6, IPV6_V6ONLY, 0, arena, state);
          address = arena.allocate(28, 4); // sockaddr_in6, the address :: (zeros)
          address.set(JAVA_SHORT, 0, (short) AF_INET6);
        } else {
          address = arena.allocate(16, 4); // sockaddr_in, the address 0.0.0.0
          address.set(JAVA_SHORT, 0, (short) AF_INET);
        }
        address.set(JAVA_SHORT, 2, Short.reverseBytes((short) port)); // network order
        if ((int) BIND.invokeExact(state, fd, address, (int) address.byteSize()) != 0) {
          throw new Failure("bind", errno(state));
        }
        if ((int) LISTEN.invokeExact(state, fd, backlog) != 0) {
          throw new Failure("listen", errno(state));
        }
        return fd;
      } catch (Failure | RuntimeException e) {
        close(fd);
        throw e;
      }
    } catch (Failure f) {
      throw f;
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  private static void setInt(
      int fd, int level, int option, int value, Arena arena, MemorySegment state) throws Failure {
    MemorySegment v = arena.allocateFrom(JAVA_INT, value);
    try {
      if ((int) SETSOCKOPT.invokeExact(state, fd, level, option, v, 4) != 0) {
        throw new Failure("setsockopt", errno(state));
      }
    } catch (Failure f) {
      throw f;
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  /** The port a TCP socket is bound to. */
  public static int localPort(int fd) throws Failure {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(CALL_STATE);
      MemorySegment address = arena.allocate(128, 8);
      MemorySegment length = arena.allocateFrom(JAVA_INT, 128);
      if ((int) GETSOCKNAME.invokeExact(state, fd, address, length) != 0) {
        throw new Failure("getsockname", errno(state));
      }
      return Short.toUnsignedInt(Short.reverseBytes(address.get(JAVA_SHORT, 2)));
    } catch (Failure f) {
      throw f;
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  /** An accepted connection: its descriptor and the client's address bytes (4 or 16). */
  public record Accepted(int fd, byte[] client) {}

  /**
   * Waits for the next connection on a listening socket and returns it close-on-exec, with
   * TCP_NODELAY set (as Node's own server sets it on what it accepts).
   */
  public static Accepted accept(int listening) throws Failure {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(CALL_STATE);
      MemorySegment address = arena.allocate(128, 8);
      MemorySegment length = arena.allocate(JAVA_INT);
      while (true) {
        length.set(JAVA_INT, 0, 128);
        int fd = (int) ACCEPT4.invokeExact(state, listening, address, length, SOCK_CLOEXEC);
        if (fd >= 0) {
          try {
            setInt(fd, IPPROTO_TCP, TCP_NODELAY, 1, arena, state);
          } catch (Failure ignored) {
            // a connection already reset: the worker finds out
          }
          byte[] client =
              address.get(JAVA_SHORT, 0) == AF_INET6
                  ? address.asSlice(8, 16).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE)
                  : address.asSlice(4, 4).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
          return new Accepted(fd, client);
        }
        int errno = errno(state);
        // The errors that concern one connection only (it was reset while queued, and those
        // accept(2) says to treat as EAGAIN on Linux) are no reason to stop accepting.
        if (errno != EINTR && errno != 103 /* ECONNABORTED */ && errno != 71 /* EPROTO */) {
          throw new Failure("accept", errno);
        }
      }
    } catch (Failure f) {
      throw f;
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  /**
   * Sends {@code bytes} on a Unix socket with {@code passed} as SCM_RIGHTS on its first byte, as
   * Node's IPC channel sends a handle; the rest, if the first call sent part, without.
   */
  public static void sendWithDescriptor(
      int fd, MemorySegment bytes, int passed, MemorySegment state) throws Failure {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment iov = arena.allocate(16, 8);
      iov.set(ADDRESS, 0, bytes);
      iov.set(JAVA_LONG, 8, bytes.byteSize());
      MemorySegment control = arena.allocate(24, 8); // CMSG_SPACE(sizeof(int))
      control.set(JAVA_LONG, 0, 20); // cmsg_len = CMSG_LEN(sizeof(int))
      control.set(JAVA_INT, 8, SOL_SOCKET);
      control.set(JAVA_INT, 12, SCM_RIGHTS);
      control.set(JAVA_INT, 16, passed);
      MemorySegment message = arena.allocate(56, 8); // struct msghdr, no name
      message.set(ADDRESS, 16, iov);
      message.set(JAVA_LONG, 24, 1);
      message.set(ADDRESS, 32, control);
      message.set(JAVA_LONG, 40, 24);
      long sent;
      while (true) {
        sent = (long) SENDMSG.invokeExact(state, fd, message, MSG_NOSIGNAL);
        if (sent >= 0) {
          break;
        }
        if (errno(state) != EINTR) {
          throw new Failure("sendmsg", errno(state));
        }
      }
      if (sent < bytes.byteSize()) {
        sendAll(fd, bytes.asSlice(sent), state);
      }
    } catch (Failure f) {
      throw f;
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  // ------------------------------------------------------------ posix_spawn

  /**
   * Starts {@code program} (an absolute path) as the leader of a new session, every signal at its
   * default disposition and none blocked, in {@code cwd}, with {@code argv} and {@code envp}; its
   * descriptor {@code i} is {@code fds[i]} (-1: /dev/null), and nothing else of this process's
   * stays open in it.
   *
   * @return the child's pid
   */
  public static long spawn(String program, String[] argv, String[] envp, String cwd, int[] fds)
      throws Failure {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment actions = arena.allocate(FILE_ACTIONS_SIZE, 16);
      MemorySegment attr = arena.allocate(SPAWNATTR_SIZE, 16);
      check("posix_spawn_file_actions_init", (int) FA_INIT.invokeExact(actions));
      try {
        check("posix_spawnattr_init", (int) ATTR_INIT.invokeExact(attr));
        try {
          MemorySegment devNull = arena.allocateFrom("/dev/null");
          for (int i = 0; i < fds.length; i++) {
            if (fds[i] < 0) {
              check(
                  "posix_spawn_file_actions_addopen",
                  (int) FA_ADDOPEN.invokeExact(actions, i, devNull, O_RDONLY, 0));
            } else {
              check(
                  "posix_spawn_file_actions_adddup2",
                  (int) FA_ADDDUP2.invokeExact(actions, fds[i], i));
            }
          }
          check(
              "posix_spawn_file_actions_addclosefrom_np",
              (int) FA_ADDCLOSEFROM.invokeExact(actions, fds.length));
          check(
              "posix_spawn_file_actions_addchdir_np",
              (int) FA_ADDCHDIR.invokeExact(actions, arena.allocateFrom(cwd)));
          MemorySegment all = arena.allocate(SIGSET_SIZE, 8);
          MemorySegment none = arena.allocate(SIGSET_SIZE, 8);
          check("sigfillset", (int) SIGFILLSET.invokeExact(all));
          check("sigemptyset", (int) SIGEMPTYSET.invokeExact(none));
          check("posix_spawnattr_setsigdefault", (int) ATTR_SETSIGDEFAULT.invokeExact(attr, all));
          check("posix_spawnattr_setsigmask", (int) ATTR_SETSIGMASK.invokeExact(attr, none));
          check(
              "posix_spawnattr_setflags",
              (int)
                  ATTR_SETFLAGS.invokeExact(
                      attr,
                      (short)
                          (POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK)));
          MemorySegment pid = arena.allocate(JAVA_INT);
          int r =
              (int)
                  POSIX_SPAWN.invokeExact(
                      pid,
                      arena.allocateFrom(program),
                      actions,
                      attr,
                      strings(arena, argv),
                      strings(arena, envp));
          if (r != 0) {
            throw new Failure(program, r);
          }
          return pid.get(JAVA_INT, 0);
        } finally {
          int ignored = (int) ATTR_DESTROY.invokeExact(attr);
        }
      } finally {
        int ignored = (int) FA_DESTROY.invokeExact(actions);
      }
    } catch (Failure f) {
      throw f;
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  /** A NULL-terminated array of C strings. */
  private static MemorySegment strings(Arena arena, String[] values) {
    MemorySegment array = arena.allocate(ADDRESS, values.length + 1L);
    for (int i = 0; i < values.length; i++) {
      array.setAtIndex(ADDRESS, i, arena.allocateFrom(values[i]));
    }
    array.setAtIndex(ADDRESS, values.length, MemorySegment.NULL);
    return array;
  }
}
