// A Node app written for PM2: says ready through process.send behind the usual guard, and
// answers pmfx's shutdown message by exiting cleanly.
const http = require('http');
const server = http.createServer((req, res) => res.end('ok\n'));
server.listen(0, '127.0.0.1', () => {
  console.log('listening, process.send is ' + typeof process.send);
  if (typeof process.send === 'function') {
    process.send('ready');
  }
});
process.on('message', (message) => {
  if (message === 'shutdown') {
    console.log('got shutdown message');
    server.close(() => process.exit(0));
  }
});
