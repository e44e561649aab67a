package dev.pmfx.config;

/**
 * The signals {@code kill_signal} may name: those a program can handle (SIGKILL and SIGSTOP it
 * cannot, and pmfx sends SIGKILL itself when kill_timeout runs out). Written in JSON by name.
 */
public enum KillSignal {
  SIGHUP,
  SIGINT,
  SIGQUIT,
  SIGILL,
  SIGTRAP,
  SIGABRT,
  SIGBUS,
  SIGFPE,
  SIGUSR1,
  SIGSEGV,
  SIGUSR2,
  SIGPIPE,
  SIGALRM,
  SIGTERM,
  SIGCONT,
  SIGTSTP,
  SIGTTIN,
  SIGTTOU,
  SIGURG,
  SIGXCPU,
  SIGXFSZ,
  SIGVTALRM,
  SIGPROF,
  SIGWINCH,
  SIGIO,
  SIGPWR,
  SIGSYS
}
