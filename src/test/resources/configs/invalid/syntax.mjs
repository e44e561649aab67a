export default {
  apps: [
    { name: 'api', script: 'server.js', instances: 2 },,
    { name: 'web' script: 'server.js' },
  ],
};
