// The app the cluster benchmark runs under PM2, under pmfx, and alone: "hello" on PORT, after
// WORK_MS of CPU work per request (0: none). Written as PM2 users write apps: listen(PORT).
const http = require('http');
const work = Number(process.env.WORK_MS || 0);
http
  .createServer((req, res) => {
    if (work > 0) {
      const until = process.hrtime.bigint() + BigInt(Math.round(work * 1e6));
      while (process.hrtime.bigint() < until) {
        // busy, as a handler that renders or parses would be
      }
    }
    res.end('hello\n');
  })
  .listen(Number(process.env.PORT));
