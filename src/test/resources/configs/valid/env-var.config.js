module.exports = {
  apps: [
    {
      name: process.env.PMFX_TEST_APP_NAME || 'fallback',
      script: 'server.js',
      env: { PORT: Number(process.env.PMFX_TEST_PORT || 3000) },
    },
  ],
};
