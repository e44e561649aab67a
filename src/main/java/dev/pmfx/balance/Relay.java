package dev.pmfx.balance;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Copies whatever one channel reads to another, as it comes, and stops reading while the other
 * cannot take more; a pair of them splices two connections (TCP mode, upgraded HTTP).
 */
final class Relay extends ChannelInboundHandlerAdapter {

  private final Channel to;
  private final Runnable closed;

  /**
   * @param closed called once, when this side closes
   */
  Relay(Channel to, Runnable closed) {
    this.to = to;
    this.closed = closed;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof io.netty.buffer.ByteBufHolder holder && !(msg instanceof ByteBuf)) {
      // What an HTTP codec still had when it was removed (the 101's empty end): its bytes only.
      ByteBuf bytes = holder.content().retain();
      holder.release();
      if (!bytes.isReadable()) {
        bytes.release();
        return;
      }
      msg = bytes;
    }
    to.writeAndFlush(msg)
        .addListener(
            (ChannelFutureListener)
                written -> {
                  if (!written.isSuccess()) {
                    ctx.channel().close();
                    to.close();
                  }
                });
    if (!to.isWritable()) {
      ctx.channel().config().setAutoRead(false);
    }
  }

  /** This side can take more again: the other may read again. */
  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (ctx.channel().isWritable()) {
      to.config().setAutoRead(true);
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    closed.run();
    if (to.isActive()) {
      to.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.channel().close();
    to.close();
  }
}
