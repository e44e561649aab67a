export default {
  apps: [{ name: 'api', script: 'server.js', instances: 'max' }],
};
