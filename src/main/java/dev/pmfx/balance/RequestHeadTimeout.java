package dev.pmfx.balance;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A client connection's clock for request heads, as Node's {@code headersTimeout}: from the first
 * byte of a request until its head is read, at most {@code timeout}; past it the client is answered
 * 408 and the connection closed. Two handlers share it, one before the HTTP decoder that sees bytes
 * arrive ({@link #bytes}) and one after it that sees heads and the ends of bodies ({@link #heads});
 * bytes that come while a request's body is read start no clock. Both run on the connection's event
 * loop.
 */
final class RequestHeadTimeout {

  static final String BYTES = "head-bytes";
  static final String HEADS = "head-done";

  private static final byte[] TIMEOUT =
      ("HTTP/1.1 408 Request Timeout\r\n"
              + "Content-Type: text/plain; charset=utf-8\r\n"
              + "Content-Length: 16\r\n"
              + "Connection: close\r\n\r\n"
              + "request timeout\n")
          .getBytes(StandardCharsets.US_ASCII);

  private final long timeoutNanos;

  /** When the head being read began (System.nanoTime), 0 while none is. */
  private long headSince;

  /** Between a head and the end of its body. */
  private boolean inBody;

  /** A check is due; one at a time, rescheduling itself while heads keep coming. */
  private boolean scheduled;

  RequestHeadTimeout(Duration timeout) {
    this.timeoutNanos = timeout.toNanos();
  }

  /** Removes both handlers: once a connection is a tunnel, its bytes are not requests. */
  static void remove(ChannelPipeline pipeline) {
    if (pipeline.get(BYTES) != null) {
      pipeline.remove(BYTES);
    }
    if (pipeline.get(HEADS) != null) {
      pipeline.remove(HEADS);
    }
  }

  ChannelInboundHandlerAdapter bytes() {
    return new ChannelInboundHandlerAdapter() {
      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf && !inBody && headSince == 0) {
          headSince = System.nanoTime();
          if (!scheduled) {
            scheduled = true;
            check(ctx, timeoutNanos);
          }
        }
        ctx.fireChannelRead(msg);
      }
    };
  }

  ChannelInboundHandlerAdapter heads() {
    return new ChannelInboundHandlerAdapter() {
      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest) {
          headSince = 0;
          inBody = true;
        }
        if (msg instanceof LastHttpContent) {
          inBody = false;
        }
        ctx.fireChannelRead(msg);
      }
    };
  }

  /** In {@code delay}: answers 408 and closes if the head begun then is still not read. */
  private void check(ChannelHandlerContext ctx, long delay) {
    ctx.executor()
        .schedule(
            () -> {
              scheduled = false;
              if (headSince == 0 || !ctx.channel().isActive() || ctx.isRemoved()) {
                return;
              }
              long left = headSince + timeoutNanos - System.nanoTime();
              if (left > 0) {
                scheduled = true;
                check(ctx, left); // a later head, begun after the one this was for
                return;
              }
              headSince = 0;
              ctx.writeAndFlush(Unpooled.wrappedBuffer(TIMEOUT))
                  .addListener(ChannelFutureListener.CLOSE);
            },
            delay,
            TimeUnit.NANOSECONDS);
  }
}
