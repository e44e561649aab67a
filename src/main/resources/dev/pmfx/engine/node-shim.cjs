// pmfx's preload for Node.js workers (node --require). PM2 forks Node apps with an IPC channel,
// so apps call process.send('ready') behind `typeof process.send === 'function'`. pmfx starts
// them as plain processes and gives each a private Unix socket in PMFX_IPC instead; this shim
// makes process.send write there, and turns what pmfx writes back ('shutdown', for
// shutdown_with_message) into process 'message' events, as PM2 does.
'use strict';

if (process.env.PMFX_IPC && typeof process.send !== 'function') {
  const net = require('net');
  const socket = net.createConnection(process.env.PMFX_IPC);
  socket.setEncoding('utf8');
  socket.on('error', () => {}); // pmfx gone: the app goes on without it
  socket.unref(); // never what keeps the app alive

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
    socket.write(JSON.stringify(message) + '\n', callback);
    return true;
  };
  process.connected = true;
}
