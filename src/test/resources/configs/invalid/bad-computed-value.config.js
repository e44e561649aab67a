const os = require('os');
module.exports = {
  apps: [
    {
      name: 'api',
      script: 'server.js',
      instances: os.cpus().length > 100 ? 'all' : 'lots',
    },
  ],
};
