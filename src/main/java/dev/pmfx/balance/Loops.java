package dev.pmfx.balance;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.util.concurrent.TimeUnit;

/**
 * The event loops every balancer of one pmfx shares: native epoll on Linux, NIO elsewhere. One
 * thread per core serves both sides of every connection, so a proxied byte never changes thread.
 */
public final class Loops implements AutoCloseable {

  private final EventLoopGroup group;
  private final boolean epoll;

  public Loops() {
    this(Runtime.getRuntime().availableProcessors());
  }

  public Loops(int threads) {
    this.epoll = Epoll.isAvailable();
    IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    this.group =
        new MultiThreadIoEventLoopGroup(
            threads, new io.netty.util.concurrent.DefaultThreadFactory("pmfx-balancer", true), io);
  }

  EventLoopGroup group() {
    return group;
  }

  /** Whether the native transport is in use: the name the benchmarks print. */
  public String transport() {
    return epoll ? "epoll" : "nio";
  }

  Class<? extends ServerChannel> serverChannel() {
    return epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
  }

  Class<? extends Channel> clientChannel() {
    return epoll ? EpollSocketChannel.class : NioSocketChannel.class;
  }

  /** The channel for connecting to {@code address}: TCP, or a Unix socket. */
  Class<? extends Channel> clientChannel(java.net.SocketAddress address) {
    return address instanceof io.netty.channel.unix.DomainSocketAddress
        ? io.netty.channel.epoll.EpollDomainSocketChannel.class
        : clientChannel();
  }

  /** Whether workers may listen on Unix sockets for the balancer (native epoll has them). */
  public static boolean domainSockets() {
    return Epoll.isAvailable();
  }

  @Override
  public void close() {
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
