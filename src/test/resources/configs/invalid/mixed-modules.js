export const port = 3000;
module.exports = {
  apps: [{ name: 'api', script: 'server.js' }],
};
