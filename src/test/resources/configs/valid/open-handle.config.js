// Configs that leave a timer or a connection open must still load at once, as under PM2.
setInterval(() => {}, 1000);
module.exports = { apps: [{ name: 'api', script: 'server.js' }] };
