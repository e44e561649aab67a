module.exports = {
  apps: [
    { name: 'api', script: 'server.js' },
    { name: 'worker', instances: 2 },
  ],
};
