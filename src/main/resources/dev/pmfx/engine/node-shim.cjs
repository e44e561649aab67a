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
