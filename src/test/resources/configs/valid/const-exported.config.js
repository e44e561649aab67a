const config = {
  apps: [{ name: 'api', script: 'server.js', namespace: 'backend' }],
};

module.exports = config;
