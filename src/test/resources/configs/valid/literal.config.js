// A plain object literal: loads with or without Node.js.
module.exports = {
  apps: [
    {
      name: 'api',
      script: 'server.js',
      instances: 4,
      exec_mode: 'cluster',
      env: { PORT: 3000, DEBUG: false },
      env_production: { NODE_ENV: "production" },
      kill_timeout: 0x640, // 1600
      max_memory_restart: `300M`,
    },
    { name: 'jobs', script: 'worker.py', restart_delay: 1_000 },
  ],
};
