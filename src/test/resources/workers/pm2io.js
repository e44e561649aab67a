// A Node worker that reports to PM2 through @pm2/io (NODE_PATH names where it is installed): one
// metric of each kind, and two actions, one of them taking a parameter; with SILENT_ACTION, a
// third that never replies.
const io = require('@pm2/io');

io.metric({ name: 'Realtime user', unit: 'users' }).set(42);
const jobs = io.counter({ name: 'Jobs' });
jobs.inc();
jobs.inc();
io.meter({ name: 'req/sec' }).mark();
const latency = io.histogram({ name: 'latency', measurement: 'mean' });
latency.update(10);
latency.update(20);

io.action('db:clean', (reply) => {
  jobs.inc();
  reply({ success: true });
});
io.action('greet', (param, reply) => reply({ hello: param }));
if (process.env.SILENT_ACTION) {
  io.action('silent', () => {});
}

setInterval(() => {}, 1000);
