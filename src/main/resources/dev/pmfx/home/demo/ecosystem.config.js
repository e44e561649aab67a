// The pmfx demo. Three apps that show what pmfx does; they run on the Java runtime pmfx
// itself runs on, so this works on a machine with nothing but pmfx installed.
// Edit this file and press Reload: pmfx re-reads it first.
module.exports = {
  apps: [
    {
      // An HTTP service on http://localhost:8080 in cluster mode: two workers, each on a
      // private port, each saying 'ready' when it serves; pmfx's balancer spreads the requests.
      name: 'web',
      script: 'DemoWeb.java',
      instances: 2,
      exec_mode: 'cluster',
      wait_ready: true,
      listen_timeout: 8000,
      env: {
        PORT: 8080,
        GREETING: 'Hello from pmfx',
      },
    },
    {
      // A background worker in fork mode that logs what it does.
      name: 'worker',
      script: 'DemoWorker.java',
      env: {
        JOB_INTERVAL_MS: 1000,
      },
    },
    {
      // Crashes now and then; pmfx restarts it, and counts.
      name: 'flaky',
      script: 'DemoFlaky.java',
      restart_delay: 2000,
      max_restarts: 100,
    },
  ],
};
