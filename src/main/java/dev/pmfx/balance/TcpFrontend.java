package dev.pmfx.balance;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import java.util.HashSet;
import java.util.Set;

/**
 * A client connection in TCP mode: connected to one worker (another if that one refuses), then
 * spliced to it byte for byte until either side closes.
 */
final class TcpFrontend extends ChannelInboundHandlerAdapter {

  private final Balancer balancer;
  private final Set<Backend> tried = new HashSet<>();
  private long deadline;

  TcpFrontend(Balancer balancer) {
    this.balancer = balancer;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    deadline = balancer.deadline();
    connect(ctx.channel());
  }

  private void connect(Channel client) {
    balancer.pick(
        client, tried, deadline, backend -> connect(client, backend), () -> client.close());
  }

  private void connect(Channel client, Backend backend) {
    backend.begin();
    long started = System.nanoTime();
    new Bootstrap()
        .group(client.eventLoop())
        .channel(balancer.loops().clientChannel(backend.address))
        .option(ChannelOption.AUTO_READ, false)
        .handler(new ChannelInboundHandlerAdapter())
        .connect(backend.address)
        .addListener(
            (ChannelFutureListener)
                connected -> {
                  if (!connected.isSuccess()) {
                    backend.refused();
                    tried.add(backend);
                    connect(client);
                    return;
                  }
                  Channel upstream = connected.channel();
                  Runnable end = backend.endOnce(started);
                  if (!client.isActive()) { // the client left while the worker answered
                    end.run();
                    upstream.close();
                    return;
                  }
                  upstream.pipeline().addLast(new Relay(client, end));
                  client.pipeline().replace(this, "relay", new Relay(upstream, end));
                  upstream.config().setAutoRead(true);
                  client.config().setAutoRead(true);
                });
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }
}
