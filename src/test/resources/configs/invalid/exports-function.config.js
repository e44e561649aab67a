module.exports = function () {
  return { apps: [{ name: 'api', script: 'server.js' }] };
};
