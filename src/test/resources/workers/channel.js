// A Node worker that shows which IPC channel it got: Node's own (process.channel is Node's
// Pipe handle, the shim defines none) says so, then says ready the PM2 way. When its channel to
// pmfx ends (pmfx died), it writes the file named in DISCONNECT_FILE and exits.
const http = require('http');
const server = http.createServer((req, res) => res.end('ok\n'));
server.listen(0, '127.0.0.1', () => {
  console.log(
    'connected=' + process.connected + ' own-channel=' + (typeof process.channel === 'object'),
  );
  process.send('ready');
});
process.on('message', (message) => {
  console.log('got message ' + JSON.stringify(message));
  if (message === 'shutdown') {
    server.close(() => process.exit(0));
  }
});
process.on('disconnect', () => {
  if (process.env.DISCONNECT_FILE) {
    require('fs').writeFileSync(
      process.env.DISCONNECT_FILE,
      'disconnected, connected=' + process.connected + '\n',
    );
  }
  process.exit(0);
});
