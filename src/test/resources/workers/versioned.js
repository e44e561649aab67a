// An HTTP app for reload tests: answers with its pid after DELAY_MS (200 by default), on the port
// PORT names, as PM2 users hard-code it. STYLE=express serves it with express instead (naive).
// STYLE=pm2 makes it a PM2-style app (process.send('ready')
// once listening, a SIGINT handler that closes the server); without it, it is naive: no ready
// signal, and SIGINT ends it at once. BOOT breaks a deploy: crash (exits on start), silent (never
// listens), no-ready (listens, never sends ready). MEGABYTES makes it hold that much memory.
const http = require('http');
const held = [];
for (let i = 0; i < Number(process.env.MEGABYTES || 0); i++) {
  held.push(Buffer.alloc(1024 * 1024, i % 251));
}
const boot = process.env.BOOT || '';
if (boot === 'crash') {
  console.error('cannot boot: config missing');
  process.exit(3);
}
if (boot === 'silent') {
  console.log('booting forever');
  setInterval(() => {}, 1000);
} else {
  const delay = Number(process.env.DELAY_MS || 200);
  let server;
  if (process.env.STYLE === 'express') {
    // The same app on express (from NODE_PATH), as most Node apps are written: app.listen(PORT).
    const app = require('express')();
    app.get('/', (req, res) => setTimeout(() => res.send(String(process.pid)), delay));
    server = app.listen(Number(process.env.PORT));
  } else {
    server = http.createServer((req, res) => {
      setTimeout(() => res.end(String(process.pid)), delay);
    });
    server.listen(Number(process.env.PORT));
  }
  server.on('listening', () => {
    if (process.env.STYLE === 'pm2' && boot !== 'no-ready') {
      process.send('ready');
    }
  });
  if (process.env.STYLE === 'pm2') {
    process.on('SIGINT', () => server.close(() => process.exit(0)));
  }
}
