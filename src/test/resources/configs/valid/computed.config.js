const os = require('os');
const path = require('path');

module.exports = {
  apps: [
    {
      name: 'api',
      script: path.join('.', 'server.js'),
      instances: Math.max(1, os.cpus().length - 1) + 1,
      env: { STARTED_BY: ['pm', 'fx'].join('') },
    },
  ],
};
