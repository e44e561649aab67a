// pmfx's preload for Node.js workers (node --require). pmfx starts Node workers as
// child_process.fork does, with Node's own IPC channel (NODE_CHANNEL_FD), so process.send,
// process.on('message'), process.connected and 'disconnect' are Node's, as under PM2, and
// `process.send('ready')` behind `typeof process.send === 'function'` just works. Where pmfx
// cannot pass a channel (no posix_spawn), it gives a private Unix socket in PMFX_IPC instead:
// this shim then makes process.send write there, and turns what pmfx writes back ('shutdown',
// for shutdown_with_message) into process 'message' events.
//
// In cluster mode (PMFX_PRIVATE_PORT set) it also moves the app's server: listen(3000), in any
// of its call forms, listens on the worker's private loopback port (or the Unix socket in
// PMFX_PRIVATE_SOCKET, where pmfx gives one) instead, and tells pmfx the public port, so
// pmfx's balancer serves port 3000 for all the workers. Listening on a Unix socket or a handle
// is left alone, as is every server after the first.
'use strict';

const net = require('net');

// How the shim tells pmfx that the app listens; null when pmfx gave no way to speak to it.
let tellListening = null;

if (process.env.PMFX_IPC && typeof process.send !== 'function') {
  const socket = net.createConnection(process.env.PMFX_IPC);
  socket.setEncoding('utf8');
  socket.on('error', () => {}); // pmfx gone: the app goes on without it
  socket.unref(); // never what keeps the app alive

  const tell = (line, callback) => socket.write(line + '\n', callback);
  tellListening = (port) => tell('listening ' + port);

  let pending = '';
  socket.on('data', (chunk) => {
    pending += chunk;
    let newline;
    while ((newline = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, newline);
      pending = pending.slice(newline + 1);
      let message = line;
      try {
        message = JSON.parse(line);
      } catch (notJson) {
        // a plain word, such as shutdown
      }
      process.emit('message', message);
    }
  });

  process.send = function send(message, ...rest) {
    const callback = rest.find((arg) => typeof arg === 'function');
    tell(JSON.stringify(message), callback);
    return true;
  };
  process.connected = true;
} else if (typeof process.send === 'function' && process.connected) {
  // Node's own channel to pmfx. Node keeps the process alive for the channel only while the app
  // listens for 'message' or 'disconnect', as under PM2; the shim's messages change nothing there.
  tellListening = (port) => {
    if (process.connected) {
      process.send({ cmd: 'pmfx:listening', port }, undefined, { swallowErrors: true }, () => {});
    }
  };
}

// Hand-off (a cluster worker with Node's own channel): pmfx accepts on the app's public port and
// passes each connection here, as Node's cluster primary passes them to its workers; the shim
// gives it to the app's server, which serves it as one it accepted itself. The shim counts the
// requests and reports them (and the connections open, for least-connections) once a second.
// Told to drain, it answers each further request with `Connection: close`, closes each
// connection once no request is in flight on it (an idle one after half a second without a
// request; an upgraded one, a WebSocket, only when it ends), and says when none is left.
const handoff =
  Number(process.env.PMFX_PRIVATE_PORT) > 0 && process.channel !== undefined && process.connected
    ? (() => {
        let server = null; // the app's server, once its listen() was moved
        let draining = false;
        const open = new Map(); // each connection given to it -> its requests in flight
        let requests = 0;
        let errors = 0;
        let inFlight = 0;
        const latencies = new Float64Array(1024); // the last ones, in ms, as a ring
        let recorded = 0;
        const report = (message) => {
          if (process.connected) {
            process.send(message, undefined, { swallowErrors: true }, () => {});
          }
        };
        const percentile = (fraction) => {
          const n = Math.min(recorded, latencies.length);
          if (n === 0) {
            return 0;
          }
          const sorted = latencies.slice(0, n).sort();
          return sorted[Math.min(n - 1, Math.floor(fraction * n))];
        };
        let reported = '';
        setInterval(() => {
          const stats = { cmd: 'pmfx:stats', requests, errors, inFlight, open: open.size };
          const key = JSON.stringify(stats);
          if (key !== reported) {
            reported = key;
            report({ ...stats, p50: percentile(0.5), p99: percentile(0.99) });
          }
        }, 1000).unref();
        const maybeDrained = () => {
          if (draining && open.size === 0) {
            report({ cmd: 'pmfx:drained' });
          }
        };
        const closeWhenIdle = (socket) => {
          if (open.get(socket) !== 0) {
            return; // its response says Connection: close, and Node closes it after
          }
          const seen = socket.bytesRead;
          setTimeout(() => {
            if (open.get(socket) === 0 && socket.bytesRead === seen) {
              socket.end();
            }
          }, 500).unref();
        };
        process.on('internalMessage', (message, socket) => {
          if (message === null || typeof message !== 'object') {
            return;
          }
          if (message.cmd === 'NODE_PMFX_CONNECTION' && socket) {
            if (server === null) {
              socket.destroy(); // nothing listens yet: as a refused connection
              return;
            }
            if (server.maxConnections > 0 && server._connections >= server.maxConnections) {
              socket.destroy(); // as net.Server refuses one over its maxConnections
              return;
            }
            open.set(socket, 0);
            socket.once('close', () => {
              open.delete(socket);
              maybeDrained();
            });
            // As net.Server takes a connection it accepted: its options, and counted, so that
            // server.close() waits for it.
            socket.allowHalfOpen = server.allowHalfOpen;
            if (server.keepAlive) {
              socket.setKeepAlive(true, server.keepAliveInitialDelay);
            }
            server._connections++;
            socket.server = server;
            socket._server = server;
            server.emit('connection', socket);
            if (draining) {
              closeWhenIdle(socket);
            }
          } else if (message.cmd === 'NODE_PMFX_DRAIN') {
            draining = true;
            for (const socket of open.keys()) {
              closeWhenIdle(socket);
            }
            maybeDrained();
          }
        });
        return {
          serve(appServer) {
            server = appServer;
            // An upgraded connection (a WebSocket) is busy until it ends. Seen as the server
            // emits it: a listener of the shim's own would make Node treat every request that
            // asks to upgrade (h2c, from Java's HttpClient) as an upgrade, with nobody to serve it.
            const emit = appServer.emit;
            appServer.emit = function pmfxEmit(event, ...args) {
              if (event === 'upgrade' && open.has(args[1])) {
                open.set(args[1], Infinity);
              }
              return emit.call(this, event, ...args);
            };
            appServer.prependListener('request', (req, res) => {
              if (req.headers['user-agent'] === 'pmfx-health-check') {
                return; // pmfx asking whether it is well: no request of the app's clients
              }
              const socket = req.socket;
              const start = process.hrtime.bigint();
              inFlight++;
              if (open.has(socket)) {
                open.set(socket, open.get(socket) + 1);
              }
              if (draining) {
                res.setHeader('Connection', 'close');
              }
              res.once('close', () => {
                inFlight--;
                requests++;
                if (!res.writableFinished || res.statusCode >= 500) {
                  errors++;
                }
                latencies[recorded++ % latencies.length] =
                  Number(process.hrtime.bigint() - start) / 1e6;
                if (open.has(socket)) {
                  const left = open.get(socket) - 1;
                  open.set(socket, left);
                  if (draining && left === 0) {
                    closeWhenIdle(socket);
                  }
                }
              });
            });
          },
        };
      })()
    : null;

if (tellListening) {
  const privatePort = Number(process.env.PMFX_PRIVATE_PORT);
  if (privatePort > 0) {
    const listen = net.Server.prototype.listen;
    let moved = false;
    const isPort = (value) =>
      (typeof value === 'number' && value > 0) ||
      (typeof value === 'string' && /^[0-9]+$/.test(value) && Number(value) > 0);

    net.Server.prototype.listen = function pmfxListen(...args) {
      if (moved) {
        return listen.apply(this, args);
      }
      const callback = typeof args[args.length - 1] === 'function' ? args.pop() : undefined;
      let port;
      let backlog;
      const first = args[0];
      if (first !== null && typeof first === 'object') {
        // listen({ port, host, backlog, ... }); a handle or { path } is not a port
        if (first._handle || first.fd !== undefined || first.path !== undefined) {
          return listen.apply(this, callback ? [...args, callback] : args);
        }
        port = first.port;
        backlog = first.backlog;
      } else {
        // listen(port[, host][, backlog]); listen(path) is a Unix socket
        port = first;
        backlog = typeof args[1] === 'number' ? args[1] : args[2];
      }
      if (!isPort(port)) {
        return listen.apply(this, callback ? [...args, callback] : args);
      }
      moved = true;
      if (handoff) {
        handoff.serve(this);
      }
      const publicPort = Number(port);
      this.once('listening', () => tellListening(publicPort));
      const privateSocket = process.env.PMFX_PRIVATE_SOCKET;
      if (privateSocket) {
        // A Unix socket: cheaper for the balancer than loopback TCP.
        try {
          require('fs').unlinkSync(privateSocket);
        } catch (absent) {
          // nothing stale to remove
        }
      }
      const options = privateSocket ? { path: privateSocket } : { port: privatePort, host: '127.0.0.1' };
      if (typeof backlog === 'number') {
        options.backlog = backlog;
      }
      return listen.call(this, options, callback);
    };
  }
}
