// A WebSocket echo server in plain Node (no packages), on the port PORT names, as PM2 users
// hard-code it: the upgrade handshake, then each text frame a client sends comes back prefixed
// with the worker's pid. Plain HTTP requests get the pid.
const http = require('http');
const crypto = require('crypto');
const server = http.createServer((req, res) => res.end(String(process.pid)));
server.on('upgrade', (req, socket) => {
  const accept = crypto
    .createHash('sha1')
    .update(req.headers['sec-websocket-key'] + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11')
    .digest('base64');
  socket.write(
    'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
      'Sec-WebSocket-Accept: ' + accept + '\r\n\r\n',
  );
  let pending = Buffer.alloc(0);
  socket.on('data', (chunk) => {
    pending = Buffer.concat([pending, chunk]);
    while (pending.length >= 6) {
      const opcode = pending[0] & 0x0f;
      let length = pending[1] & 0x7f;
      let offset = 2;
      if (length === 126) {
        length = pending.readUInt16BE(2);
        offset = 4;
      }
      if (pending.length < offset + 4 + length) {
        return;
      }
      const mask = pending.subarray(offset, offset + 4);
      const payload = Buffer.from(pending.subarray(offset + 4, offset + 4 + length));
      pending = pending.subarray(offset + 4 + length);
      for (let i = 0; i < payload.length; i++) {
        payload[i] ^= mask[i % 4];
      }
      if (opcode === 8) {
        socket.end(Buffer.from([0x88, 0]));
        return;
      }
      if (opcode === 1) {
        const text = Buffer.from(process.pid + ' ' + payload.toString('utf8'));
        socket.write(Buffer.concat([Buffer.from([0x81, text.length]), text]));
      }
    }
  });
});
server.listen(Number(process.env.PORT));
