/**
 * The calls of Linux's C library that Java has no API for, bound through the FFM API: starting a
 * process with a descriptor above 2 ({@code posix_spawn}), socket pairs, and passing a connection's
 * descriptor to another process ({@code sendmsg} with {@code SCM_RIGHTS}).
 */
package dev.pmfx.posix;
