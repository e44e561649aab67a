// The ceiling for the cluster benchmark: Node's own cluster module with N workers (default 2)
// running bench/hello.js, and no process manager. The primary accepts and hands connections to
// the workers round-robin, as Node does by default on Linux.
const cluster = require('cluster');
if (cluster.isPrimary) {
  for (let i = 0; i < Number(process.env.WORKERS || 2); i++) {
    cluster.fork();
  }
} else {
  require('./hello.js');
}
