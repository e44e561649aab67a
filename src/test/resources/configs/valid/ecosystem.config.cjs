const apps = [{ name: 'api', script: 'server.js' }];
module.exports = { apps };
