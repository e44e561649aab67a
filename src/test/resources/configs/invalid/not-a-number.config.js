module.exports = {
  apps: [
    {
      name: 'api',
      script: 'server.js',
      env: { PORT: Number('three thousand') },
    },
  ],
};
