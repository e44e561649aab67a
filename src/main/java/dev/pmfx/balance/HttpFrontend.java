package dev.pmfx.balance;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One client connection in HTTP mode. Requests on it are answered one at a time and in order
 * (pipelined ones wait their turn); each goes to a worker chosen for it, over a keep-alive
 * connection of this event loop's pool, and its body and response stream through as they come. An
 * {@code Upgrade} request (WebSocket) gets a connection of its own, spliced to the client once the
 * worker answers 101.
 */
final class HttpFrontend extends ChannelInboundHandlerAdapter {

  /** Seconds an unused connection to a worker stays in the pool. */
  private static final int IDLE_SECONDS = 4;

  private static final Set<String> IDEMPOTENT =
      Set.of("GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE");

  private static final Set<String> PROTECTED =
      Set.of(
          "content-length",
          "transfer-encoding",
          "host",
          "x-forwarded-for",
          "x-forwarded-proto",
          "x-forwarded-host");

  /** Request body held while the worker's connection opens, at most, before reading pauses. */
  private static final int HELD_BODY = 1 << 20;

  private final Balancer balancer;
  private Channel client;
  private Exchange current;

  /** Messages of pipelined requests, read before the current one was answered. */
  private final ArrayDeque<Object> waiting = new ArrayDeque<>();

  /** The rest of a request body whose response already went out: read and dropped. */
  private boolean discarding;

  HttpFrontend(Balancer balancer) {
    this.balancer = balancer;
  }

  /** One request and its response. */
  private final class Exchange {
    final HttpRequest request;
    final boolean keepAlive;
    final boolean upgrade;
    final boolean bodyless;
    final HttpVersion version;
    final long started = System.nanoTime();
    final long deadline = balancer.deadline();
    final Set<Backend> tried = new HashSet<>();
    final List<HttpContent> held = new ArrayList<>();
    int heldBytes;
    Backend backend;
    Channel upstream;
    boolean pooled;
    boolean requestDone;
    boolean responseStarted;
    boolean responseKeepAlive;
    boolean clientKeepAlive;
    boolean over;

    Exchange(HttpRequest request, boolean keepAlive, boolean bodyless, HttpVersion version) {
      this.request = request;
      this.keepAlive = keepAlive;
      this.upgrade = request.headers().contains(HttpHeaderNames.UPGRADE);
      this.bodyless = bodyless;
      this.version = version;
      this.clientKeepAlive = keepAlive;
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    client = ctx.channel();
    ctx.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if ((current != null && current.requestDone && !discarding) || !waiting.isEmpty()) {
      waiting.add(msg); // a pipelined request: its turn comes when this one is answered
      client.config().setAutoRead(false);
      return;
    }
    handle(msg);
  }

  private void handle(Object msg) {
    if (discarding) {
      if (msg instanceof LastHttpContent) {
        discarding = false;
      }
      ReferenceCountUtil.release(msg);
      if (!discarding) {
        next();
      }
      return;
    }
    if (msg instanceof HttpRequest request) {
      if (request.decoderResult().isFailure()) {
        ReferenceCountUtil.release(msg);
        refuse(request.decoderResult().cause());
        return;
      }
      // What the client asked, before its Connection header and version are rewritten.
      boolean keepAlive = HttpUtil.isKeepAlive(request);
      boolean bodyless =
          !HttpUtil.isTransferEncodingChunked(request)
              && HttpUtil.getContentLength(request, 0L) == 0;
      HttpVersion version = request.protocolVersion();
      forwardHeaders(request);
      Exchange exchange = new Exchange(request, keepAlive, bodyless, version);
      current = exchange;
      route(exchange);
    }
    if (msg instanceof HttpContent content) {
      body(content);
    } else if (!(msg instanceof HttpRequest)) {
      ReferenceCountUtil.release(msg);
    }
  }

  /** Answers a request the decoder could not read, saying why where HTTP has a status for it. */
  private void refuse(Throwable why) {
    if (why instanceof io.netty.handler.codec.http.TooLongHttpLineException) {
      answer(null, HttpResponseStatus.REQUEST_URI_TOO_LONG, "request line too long\n", false);
    } else if (why instanceof io.netty.handler.codec.http.TooLongHttpHeaderException) {
      answer(
          null,
          HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
          "request headers too large\n",
          false);
    } else {
      answer(null, HttpResponseStatus.BAD_REQUEST, "bad request\n", false);
    }
  }

  private void body(HttpContent content) {
    if (content.decoderResult().isFailure()) {
      content.release(); // a broken body: the connection cannot be trusted to frame the next one
      client.close();
      return;
    }
    Exchange exchange = current;
    if (exchange == null || exchange.over) {
      content.release();
      return;
    }
    if (content instanceof LastHttpContent) {
      exchange.requestDone = true;
      if (exchange.upgrade) {
        client.config().setAutoRead(false); // nothing more until the worker says yes or no
      }
    }
    if (exchange.upstream == null) {
      exchange.held.add(content);
      exchange.heldBytes += content.content().readableBytes();
      if (exchange.heldBytes > HELD_BODY) {
        client.config().setAutoRead(false);
      }
      return;
    }
    if (content instanceof LastHttpContent) {
      exchange.upstream.writeAndFlush(content);
    } else {
      exchange.upstream.write(content); // flushed when this read from the client ends
      if (!exchange.upstream.isWritable()) {
        exchange.upstream.flush();
        if (!exchange.upstream.isWritable()) { // a flush that drained it said so already
          client.config().setAutoRead(false);
        }
      }
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (current != null && current.upstream != null) {
      current.upstream.flush();
    }
    ctx.fireChannelReadComplete();
  }

  /** The request as the worker gets it: its own keep-alive, and who asked, in X-Forwarded-*. */
  private void forwardHeaders(HttpRequest request) {
    HttpHeaders headers = request.headers();
    String upgradeTo = headers.get(HttpHeaderNames.UPGRADE);
    // h2c would pin the client to one worker for good: it stays HTTP/1.1, balanced per request.
    boolean upgrade = upgradeTo != null && !upgradeTo.strip().equalsIgnoreCase("h2c");
    for (String named : headers.getAll(HttpHeaderNames.CONNECTION)) {
      for (String token : named.split(",")) {
        String name = token.strip().toLowerCase(java.util.Locale.ROOT);
        // The headers that frame and address the message stay, whatever Connection names:
        // dropping Content-Length would turn a body into a second request at the worker.
        if (!PROTECTED.contains(name)) {
          headers.remove(name);
        }
      }
    }
    headers.remove(HttpHeaderNames.CONNECTION);
    headers.remove(HttpHeaderNames.KEEP_ALIVE);
    headers.remove("Proxy-Connection");
    headers.remove(HttpHeaderNames.TE);
    headers.remove(HttpHeaderNames.UPGRADE);
    if (upgrade) {
      headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
      headers.set(HttpHeaderNames.UPGRADE, upgradeTo);
    } else {
      headers.remove("HTTP2-Settings");
    }
    request.setProtocolVersion(HttpVersion.HTTP_1_1);
    String address =
        client.remoteAddress() instanceof InetSocketAddress inet && inet.getAddress() != null
            ? inet.getAddress().getHostAddress()
            : String.valueOf(client.remoteAddress());
    String before = headers.get("X-Forwarded-For");
    headers.set("X-Forwarded-For", before == null ? address : before + ", " + address);
    // pmfx is the edge: what a client claims about the scheme and host is not passed on.
    headers.set("X-Forwarded-Proto", "http");
    if (headers.contains(HttpHeaderNames.HOST)) {
      headers.set("X-Forwarded-Host", headers.get(HttpHeaderNames.HOST));
    } else {
      headers.remove("X-Forwarded-Host");
    }
  }

  // ---------------------------------------------------------------- to a worker

  private void route(Exchange exchange) {
    balancer.pick(
        client,
        exchange.tried,
        exchange.deadline,
        backend -> send(exchange, backend),
        () -> unavailable(exchange));
  }

  private void send(Exchange exchange, Backend backend) {
    if (exchange.over) {
      return;
    }
    backend.begin();
    exchange.backend = backend;
    Channel pooled = exchange.upgrade ? null : backend.pooled(client.eventLoop());
    if (pooled != null) {
      exchange.pooled = true;
      attach(exchange, pooled);
      return;
    }
    connect(exchange, backend);
  }

  /** A fresh connection to the worker; the request is already counted on it. */
  private void connect(Exchange exchange, Backend backend) {
    exchange.pooled = false;
    new Bootstrap()
        .group(client.eventLoop())
        .channel(balancer.loops().clientChannel(backend.address))
        .handler(
            new io.netty.channel.ChannelInitializer<>() {
              @Override
              protected void initChannel(Channel channel) {
                channel
                    .pipeline()
                    .addLast(
                        "idle", new io.netty.handler.timeout.IdleStateHandler(0, 0, IDLE_SECONDS))
                    .addLast("http", new HttpClientCodec())
                    .addLast("back", new Upstream());
              }
            })
        .connect(backend.address)
        .addListener(
            (ChannelFutureListener)
                connected -> {
                  if (connected.isSuccess()) {
                    attach(exchange, connected.channel());
                  } else {
                    // Nothing reached the worker: another one gets the request.
                    backend.refused();
                    exchange.tried.add(backend);
                    exchange.backend = null;
                    if (!exchange.over) {
                      route(exchange);
                    }
                  }
                });
  }

  private void attach(Exchange exchange, Channel upstream) {
    if (exchange.over || !client.isActive()) {
      exchange.backend.end(System.nanoTime() - exchange.started, false);
      upstream.close();
      return;
    }
    exchange.upstream = upstream;
    ((Upstream) upstream.pipeline().get("back")).frontend = this;
    upstream.write(exchange.request);
    // The request object is written once; a retry on a fresh connection needs it again.
    ReferenceCountUtil.retain(exchange.request);
    for (HttpContent content : exchange.held) {
      upstream.write(content);
    }
    exchange.held.clear();
    upstream.flush();
    if (!exchange.upgrade || !exchange.requestDone) {
      client.config().setAutoRead(true);
    }
  }

  private void unavailable(Exchange exchange) {
    if (exchange.over) {
      return;
    }
    answer(
        exchange,
        HttpResponseStatus.SERVICE_UNAVAILABLE,
        "no worker of this app is online; try again shortly\n",
        true);
  }

  /** Answers on pmfx's own behalf (400, 502, 503) and ends the exchange. */
  private void answer(Exchange exchange, HttpResponseStatus status, String text, boolean retry) {
    boolean keepAlive = exchange != null && exchange.keepAlive && exchange.requestDone;
    FullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1, status, Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
    HttpUtil.setContentLength(response, response.content().readableBytes());
    HttpUtil.setKeepAlive(response, keepAlive);
    if (retry) {
      response.headers().set(HttpHeaderNames.RETRY_AFTER, "1");
    }
    if (exchange != null) {
      exchange.over = true;
      exchange.held.forEach(HttpContent::release);
      exchange.held.clear();
      discarding = !exchange.requestDone;
      current = null;
    }
    client
        .writeAndFlush(response)
        .addListener(
            (ChannelFutureListener)
                written -> {
                  if (!keepAlive) {
                    client.close();
                  } else {
                    next();
                  }
                });
  }

  // ---------------------------------------------------------------- from a worker

  /** The handler on a worker connection; it serves whichever exchange holds the connection. */
  static final class Upstream extends ChannelInboundHandlerAdapter {
    HttpFrontend frontend;

    /** Between the worker's 101 and the splice: what it sends meanwhile waits here. */
    boolean switching;

    final List<Object> early = new ArrayList<>();

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (switching) {
        if (msg instanceof LastHttpContent last && !last.content().isReadable()) {
          last.release(); // the end of the 101 itself
        } else {
          early.add(msg);
        }
        return;
      }
      HttpFrontend owner = frontend;
      if (owner == null || owner.current == null || owner.current.upstream != ctx.channel()) {
        ReferenceCountUtil.release(msg); // an idle connection has nothing to say
        ctx.close();
        return;
      }
      owner.response(owner.current, (HttpObject) msg);
    }

    /**
     * An idle pooled connection is closed before the worker would close it (Node closes idle
     * keep-alive connections after 5 s), so a request rarely meets one closing under it.
     */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
      if (event instanceof io.netty.handler.timeout.IdleStateEvent && frontend == null) {
        ctx.close();
      } else {
        ctx.fireUserEventTriggered(event);
      }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      HttpFrontend owner = frontend;
      if (owner != null && owner.client != null) {
        owner.client.flush(); // what this read brought of a response still being streamed
      }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      HttpFrontend owner = frontend;
      if (owner != null && ctx.channel().isWritable() && owner.client != null) {
        owner.client.config().setAutoRead(true);
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      HttpFrontend owner = frontend;
      if (owner != null
          && owner.current != null
          && owner.current.upstream == ctx.channel()
          && !owner.current.over) {
        owner.upstreamLost(owner.current);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }

  private void response(Exchange exchange, HttpObject msg) {
    if (msg.decoderResult().isFailure()) {
      // Not HTTP: the worker's answer cannot be passed on, and its connection not reused.
      ReferenceCountUtil.release(msg);
      Channel upstream = exchange.upstream;
      ((Upstream) upstream.pipeline().get("back")).frontend = null;
      upstream.close();
      exchange.backend.end(System.nanoTime() - exchange.started, true);
      if (exchange.responseStarted) {
        exchange.over = true;
        current = null;
        client.close();
      } else {
        answer(
            exchange, HttpResponseStatus.BAD_GATEWAY, "the worker's answer was not HTTP\n", false);
      }
      return;
    }
    if (msg instanceof HttpResponse response) {
      int code = response.status().code();
      if (code == 101 && exchange.upgrade) {
        upgraded(exchange, response);
        return;
      }
      if (code >= 100 && code < 200) {
        client.writeAndFlush(msg); // 100 Continue and the like: the real answer follows
        return;
      }
      exchange.responseStarted = true;
      exchange.responseKeepAlive = HttpUtil.isKeepAlive(response);
      boolean framed =
          HttpUtil.isContentLengthSet(response)
              || HttpUtil.isTransferEncodingChunked(response)
              || code == 204
              || code == 304
              || exchange.request.method().name().equals("HEAD");
      // A response that ends when the worker closes cannot share the client's connection.
      exchange.clientKeepAlive = exchange.keepAlive && framed;
      HttpHeaders headers = response.headers();
      headers.remove(HttpHeaderNames.KEEP_ALIVE);
      headers.remove("Proxy-Connection");
      if (exchange.version.equals(HttpVersion.HTTP_1_0)) {
        // A 1.0 client cannot read chunks: the body runs to the close instead.
        response.setProtocolVersion(HttpVersion.HTTP_1_0);
        if (HttpUtil.isTransferEncodingChunked(response)) {
          HttpUtil.setTransferEncodingChunked(response, false);
          exchange.clientKeepAlive = false;
        }
      }
      HttpUtil.setKeepAlive(response, exchange.clientKeepAlive);
    } else if (msg instanceof HttpContent content && !exchange.responseStarted) {
      client.writeAndFlush(content); // the end of an interim response such as 100 Continue
      return;
    }
    if (msg instanceof LastHttpContent) {
      finish(exchange, client.writeAndFlush(msg));
    } else {
      client.write(msg); // flushed with the last part, or when this read from the worker ends
      if (!client.isWritable()) {
        client.flush();
        if (!client.isWritable()) { // a flush that drained it said so already
          exchange.upstream.config().setAutoRead(false);
        }
      }
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (client.isWritable() && current != null && current.upstream != null) {
      current.upstream.config().setAutoRead(true);
    }
    ctx.fireChannelWritabilityChanged();
  }

  private void finish(Exchange exchange, io.netty.channel.ChannelFuture written) {
    exchange.over = true;
    current = null;
    Backend backend = exchange.backend;
    Channel upstream = exchange.upstream;
    ((Upstream) upstream.pipeline().get("back")).frontend = null;
    upstream.config().setAutoRead(true);
    boolean reusable = exchange.responseKeepAlive && exchange.requestDone;
    ReferenceCountUtil.release(exchange.request);
    if (reusable) {
      backend.release(upstream);
    } else {
      upstream.close();
    }
    backend.end(System.nanoTime() - exchange.started, false);
    discarding = !exchange.requestDone;
    if (exchange.clientKeepAlive) {
      next();
    } else {
      written.addListener(ChannelFutureListener.CLOSE);
    }
  }

  /** The worker's connection closed before the response ended. */
  private void upstreamLost(Exchange exchange) {
    Backend backend = exchange.backend;
    if (!exchange.responseStarted
        && exchange.pooled
        && exchange.bodyless
        && exchange.requestDone
        && !exchange.upgrade
        && IDEMPOTENT.contains(exchange.request.method().name())) {
      // A kept-alive connection the worker had closed as the request went out: it goes again,
      // whole, on a fresh connection (only a request that may be repeated: the worker could
      // have read it before it closed).
      exchange.upstream = null;
      exchange.held.add(LastHttpContent.EMPTY_LAST_CONTENT);
      if (backend.draining || backend.gone) {
        backend.end(System.nanoTime() - exchange.started, false);
        exchange.backend = null;
        route(exchange);
      } else {
        connect(exchange, backend);
      }
      return;
    }
    backend.end(System.nanoTime() - exchange.started, true);
    if (exchange.responseStarted) {
      exchange.over = true;
      current = null;
      ReferenceCountUtil.release(exchange.request);
      client.close(); // the response was cut off; the client must see it end
    } else {
      ReferenceCountUtil.release(exchange.request);
      answer(exchange, HttpResponseStatus.BAD_GATEWAY, "the worker closed the connection\n", false);
    }
  }

  /** The worker switched protocols: from now on the two connections are spliced. */
  private void upgraded(Exchange exchange, HttpResponse response) {
    exchange.over = true;
    current = null;
    Channel upstream = exchange.upstream;
    Backend backend = exchange.backend;
    ReferenceCountUtil.release(exchange.request);
    Runnable end = backend.endOnce(exchange.started);
    upstream.config().setAutoRead(false);
    Upstream back = (Upstream) upstream.pipeline().get("back");
    back.switching = true;
    back.frontend = null;
    client
        .writeAndFlush(response)
        .addListener(
            (ChannelFutureListener)
                written -> {
                  if (!written.isSuccess() || !upstream.isActive()) {
                    end.run(); // the worker's side closed between its 101 and the splice
                    back.early.forEach(ReferenceCountUtil::release);
                    back.early.clear();
                    upstream.close();
                    client.close();
                    return;
                  }
                  client.pipeline().remove(this);
                  client.pipeline().addLast("relay", new Relay(upstream, end));
                  client.pipeline().remove("http");
                  RequestHeadTimeout.remove(client.pipeline()); // a WebSocket has no heads
                  upstream.pipeline().remove("back");
                  upstream.pipeline().remove("idle"); // a quiet WebSocket is still in use
                  for (Object msg : back.early) {
                    client.writeAndFlush(msg); // sent by the worker right after its 101
                  }
                  back.early.clear();
                  upstream.pipeline().addLast("relay", new Relay(client, end));
                  upstream.pipeline().remove("http"); // what it read past the 101 goes on
                  // Nothing may follow an upgrade request before its answer; drop what did.
                  waiting.forEach(ReferenceCountUtil::release);
                  waiting.clear();
                  upstream.config().setAutoRead(true);
                  client.config().setAutoRead(true);
                });
  }

  /** Takes the next pipelined request, if one is waiting, else reads on. */
  private void next() {
    while (current == null || !current.requestDone) {
      Object msg = waiting.poll();
      if (msg == null) {
        break;
      }
      handle(msg);
      if (discarding) {
        continue;
      }
    }
    if (client.isActive() && (current == null || !current.upgrade || !current.requestDone)) {
      client.config().setAutoRead(true);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    Exchange exchange = current;
    if (exchange != null && !exchange.over) {
      exchange.over = true;
      if (exchange.upstream != null) {
        exchange.upstream.close(); // the worker's answer has nobody to go to
        exchange.backend.end(System.nanoTime() - exchange.started, false);
        ReferenceCountUtil.release(exchange.request);
      }
      exchange.held.forEach(HttpContent::release);
    }
    waiting.forEach(ReferenceCountUtil::release);
    waiting.clear();
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }
}
